"""formcheck.io.video on small synthetic files written here, plus one optional real clip.

MP4 variants (rotation, variable frame rate, moov-first) are made by editing the boxes of a file
cv2.VideoWriter wrote, since no ffmpeg binary is available.
"""

from __future__ import annotations

import math
import os
import struct
import subprocess
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.errors import CameraError, FormcheckError, InputNotFound, NotAVideo
from formcheck.io import video
from formcheck.io.video import open_camera, open_video

W_PX, H_PX, FPS, N_FRAMES = 64, 48, 25.0, 30
N_BITS = 6  # frame index drawn as 8x8 black/white blocks along the top edge


# --- synthetic videos -------------------------------------------------------------------------


def _frame(k: int) -> np.ndarray:
    """Grey frame with index ``k`` in binary along the top-left edge (asymmetric on purpose)."""
    img = np.full((H_PX, W_PX, 3), 128, np.uint8)
    for bit in range(N_BITS):
        img[0:8, bit * 8 : bit * 8 + 8] = 255 if (k >> bit) & 1 else 0
    return img


def _index_of(frame: np.ndarray) -> int:
    """Read back the index ``_frame`` drew, from the centre of each block."""
    bits = [frame[2:6, b * 8 + 2 : b * 8 + 6].mean() > 128 for b in range(N_BITS)]
    return sum(1 << b for b, on in enumerate(bits) if on)


def _write(path: Path, fourcc: str, n: int = N_FRAMES, noise: bool = False) -> Path:
    """Write ``n`` frames at FPS; ``noise`` makes frames incompressible (for truncation tests)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, (W_PX, H_PX))
    assert writer.isOpened(), f"cv2 cannot write {fourcc} to {path.suffix}"
    rng = np.random.default_rng(0)
    for k in range(n):
        writer.write(rng.integers(0, 256, (H_PX, W_PX, 3), np.uint8) if noise else _frame(k))
    writer.release()
    return path


def _read_all(path: Path, **kwargs) -> tuple[video.VideoFile, np.ndarray, list[np.ndarray]]:
    with open_video(path, **kwargs) as vf:
        pairs = list(vf)
    return vf, np.array([t for t, _ in pairs]), [f for _, f in pairs]


# --- MP4 box editing (enough for files cv2.VideoWriter writes: 32-bit sizes, one track) -------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
_STBL = (b"moov", b"trak", b"mdia", b"minf", b"stbl")


def _parse(data: bytes) -> list:
    boxes, off = [], 0
    while off + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[off : off + 8])
        assert size >= 8, "unexpected 64-bit or open-ended box"
        body = data[off + 8 : off + size]
        boxes.append([kind, _parse(body) if kind in _CONTAINERS else bytearray(body)])
        off += size
    return boxes


def _build(boxes: list) -> bytes:
    out = b""
    for kind, body in boxes:
        raw = _build(body) if isinstance(body, list) else bytes(body)
        out += struct.pack(">I4s", 8 + len(raw), kind) + raw
    return out


def _box(boxes: list, *path: bytes) -> list:
    """The [kind, body] entry at ``path``."""
    for entry in boxes:
        if entry[0] == path[0]:
            return entry if len(path) == 1 else _box(entry[1], *path[1:])
    raise KeyError(path)


_MATRIX = {  # tkhd display matrix (a b u c d v x y w), 16.16 fixed point, w in 2.30
    90: (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000),
    180: (-0x10000, 0, 0, 0, -0x10000, 0, 0, 0, 0x40000000),
    270: (0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000),
}


def _with_rotation(src: Path, dst: Path, deg: int) -> Path:
    boxes = _parse(src.read_bytes())
    tkhd = _box(boxes, b"moov", b"trak", b"tkhd")[1]
    assert tkhd[0] == 0, "expected a version-0 tkhd"
    tkhd[40:76] = struct.pack(">9i", *_MATRIX[deg])  # after version/flags, times, ids, volume
    dst.write_bytes(_build(boxes))
    return dst


def _with_frame_durations(src: Path, dst: Path, deltas: list[int]) -> tuple[Path, int]:
    """Replace the sample durations (stts); returns the file and the track's timescale."""
    boxes = _parse(src.read_bytes())
    timescale = struct.unpack(">I", _box(boxes, b"moov", b"trak", b"mdia", b"mdhd")[1][12:16])[0]
    entries = b"".join(struct.pack(">II", 1, d) for d in deltas)
    _box(boxes, *_STBL, b"stts")[1] = bytearray(struct.pack(">II", 0, len(deltas)) + entries)
    dst.write_bytes(_build(boxes))
    return dst, timescale


def _moov_first(src: Path, dst: Path) -> Path:
    """Move moov before mdat ("fast start", as phones write) and fix the chunk offsets."""
    boxes = _parse(src.read_bytes())
    moov = _box(boxes, b"moov")
    shift = len(_build([moov]))
    stco = _box(boxes, *_STBL, b"stco")[1]
    (n,) = struct.unpack(">I", stco[4:8])
    offsets = struct.unpack(f">{n}I", stco[8 : 8 + 4 * n])
    stco[8 : 8 + 4 * n] = struct.pack(f">{n}I", *(o + shift for o in offsets))
    others = [b for b in boxes if b is not moov]
    dst.write_bytes(_build(others[:1] + [moov] + others[1:]))
    return dst


def _truncated(src: Path, dst: Path, fraction: float = 0.5) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


# --- a capture wrapper to simulate what real files rarely do ----------------------------------


class _OddCapture:
    """Wraps a real capture: scripted POS_MSEC stamps, a read that raises, no auto-rotation."""

    def __init__(self, path: str, stamps_ms=None, fail_after=None, refuse_auto_rotation=False):
        self._real = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        self._stamps_ms, self._fail_after = stamps_ms, fail_after
        self._refuse = refuse_auto_rotation
        self._n = 0

    def isOpened(self) -> bool:
        return self._real.isOpened()

    def read(self):
        if self._fail_after is not None and self._n >= self._fail_after:
            raise cv2.error("simulated decode error")
        ok, frame = self._real.read()
        self._n += ok
        return ok, frame

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_POS_MSEC and self._stamps_ms is not None:
            return self._stamps_ms[self._n - 1]
        if prop == cv2.CAP_PROP_ORIENTATION_AUTO and self._refuse:
            return 0.0
        return self._real.get(prop)

    def set(self, prop: int, value: float) -> bool:
        if prop == cv2.CAP_PROP_ORIENTATION_AUTO and self._refuse:
            self._real.set(prop, 0)
            return False
        return self._real.set(prop, value)

    def release(self) -> None:
        self._real.release()


def _use_odd_capture(monkeypatch, **kwargs) -> None:
    monkeypatch.setattr(video, "_open_capture", lambda path: _OddCapture(path, **kwargs))


# --- good files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fourcc", "suffix"), [("mp4v", ".mp4"), ("MJPG", ".avi")])
def test_reads_synthetic_video_with_container_times(tmp_path, fourcc, suffix):
    path = _write(tmp_path / f"clip{suffix}", fourcc)
    vf, t_s, frames = _read_all(path)

    assert (vf.info.width_px, vf.info.height_px) == (W_PX, H_PX)
    assert vf.info.n_frames_nominal == N_FRAMES
    assert vf.info.fps_nominal == pytest.approx(FPS)
    assert vf.info.duration_s == pytest.approx(N_FRAMES / FPS)
    assert vf.info.rotation_deg == 0
    assert vf.info.source == str(path)
    assert vf.frames_read == N_FRAMES and not vf.ended_early and vf.timestamp_repairs == 0
    assert vf.timestamp_source == "container"
    assert np.all(np.diff(t_s) > 0)
    np.testing.assert_allclose(t_s, np.arange(N_FRAMES) / FPS, atol=1e-3)
    assert all(f.shape == (H_PX, W_PX, 3) and f.dtype == np.uint8 for f in frames)
    assert [_index_of(f) for f in frames] == list(range(N_FRAMES))


def test_pos_msec_is_the_returned_frames_own_time_under_variable_frame_rate(tmp_path):
    """Uneven frame durations come through as stamped: t_s is never index / fps."""
    deltas = [256, 768, 512] * (N_FRAMES // 3)  # 20, 60, 40 ms at the writer's 12800 Hz timescale
    path, timescale = _with_frame_durations(
        _write(tmp_path / "cfr.mp4", "mp4v"), tmp_path / "vfr.mp4", deltas
    )
    vf, t_s, frames = _read_all(path)

    expected_s = np.concatenate([[0.0], np.cumsum(deltas[:-1]) / timescale])
    np.testing.assert_allclose(t_s, expected_s, atol=1e-3)
    assert vf.timestamp_repairs == 0
    assert [_index_of(f) for f in frames] == list(range(N_FRAMES))


def test_transform_is_applied_and_reported_in_info(tmp_path):
    path = _write(tmp_path / "clip.avi", "MJPG")

    def mirror_and_halve(frame):
        return cv2.resize(frame[:, ::-1], (W_PX // 2, H_PX // 2), interpolation=cv2.INTER_AREA)

    vf, _, frames = _read_all(path, transform=mirror_and_halve)
    _, _, plain = _read_all(path)

    assert (vf.info.width_px, vf.info.height_px) == (W_PX // 2, H_PX // 2)
    assert frames[0].shape == (H_PX // 2, W_PX // 2, 3)
    np.testing.assert_array_equal(frames[5], mirror_and_halve(plain[5]))


def test_accepts_pathlike_and_closes_on_exit(tmp_path):
    path = _write(tmp_path / "clip.avi", "MJPG")
    with open_video(Path(path)) as vf:
        t0_s, _ = next(vf)
    assert t0_s == 0.0
    assert list(vf) == []  # closed: iteration is over, not an error
    assert vf.frames_read == 1 and not vf.ended_early


# --- bad input --------------------------------------------------------------------------------


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.mp4"
    with pytest.raises(InputNotFound, match="not found") as exc:
        open_video(missing)
    assert str(missing) in str(exc.value)


def test_directory(tmp_path):
    with pytest.raises(InputNotFound, match="is a directory") as exc:
        open_video(tmp_path)
    assert str(tmp_path) in str(exc.value)


def test_text_file_named_mp4(tmp_path):
    path = tmp_path / "x.mp4"
    path.write_text("this is a shopping list, not a video\n" * 20)
    with pytest.raises(NotAVideo, match="could not be opened as a video") as exc:
        open_video(path)
    assert str(path) in str(exc.value)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(NotAVideo, match="empty"):
        open_video(path)


def test_still_image_is_not_a_video(tmp_path):
    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), _frame(3))
    with pytest.raises(NotAVideo, match="single image"):
        open_video(path)


def test_truncated_mp4_with_index_at_end_does_not_open(tmp_path):
    """cv2.VideoWriter puts moov last; cut in half, the index is gone and nothing decodes."""
    path = _truncated(_write(tmp_path / "full.mp4", "mp4v", noise=True), tmp_path / "half.mp4")
    with pytest.raises(NotAVideo):
        open_video(path)


@pytest.mark.parametrize(("fourcc", "suffix"), [("MJPG", ".avi"), ("mp4v", ".mp4")])
def test_truncated_file_keeps_what_decodes(tmp_path, fourcc, suffix):
    full = _write(tmp_path / f"full{suffix}", fourcc, noise=True)
    if suffix == ".mp4":  # index first, as phones write it, so half the file still opens
        full = _moov_first(full, tmp_path / f"faststart{suffix}")
        assert _read_all(full)[0].frames_read == N_FRAMES
    vf, t_s, _ = _read_all(_truncated(full, tmp_path / f"half{suffix}"))

    assert vf.info.n_frames_nominal == N_FRAMES
    assert 0 < vf.frames_read < N_FRAMES - 2
    assert vf.ended_early
    assert np.all(np.diff(t_s) > 0)


def test_decode_error_mid_stream_ends_iteration(tmp_path, monkeypatch):
    _use_odd_capture(monkeypatch, fail_after=10)
    vf, t_s, _ = _read_all(_write(tmp_path / "clip.avi", "MJPG"))
    assert vf.frames_read == 10 and len(t_s) == 10
    assert vf.ended_early and vf.read_error


def test_nothing_but_formcheck_errors_for_bad_files(tmp_path):
    """Odd byte patterns: either a clean open or a FormcheckError, never cv2.error."""
    good = _write(tmp_path / "good.avi", "MJPG").read_bytes()
    cases = {
        "header_only.avi": good[:64],
        "random.mp4": np.random.default_rng(1).integers(0, 256, 4096, np.uint8).tobytes(),
        "zeros.mov": bytes(2048),
        "tail_only.avi": good[len(good) // 2 :],
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        try:
            _read_all(path)
        except FormcheckError as e:
            assert str(path) in str(e), name


# --- timestamp repair -------------------------------------------------------------------------


def test_no_usable_timestamps_fall_back_to_frame_rate(tmp_path, monkeypatch):
    _use_odd_capture(monkeypatch, stamps_ms=[0.0] * N_FRAMES)
    vf, t_s, _ = _read_all(_write(tmp_path / "clip.avi", "MJPG"))
    assert vf.timestamp_source == "frame_rate"
    np.testing.assert_allclose(t_s, np.arange(N_FRAMES) / FPS)
    assert vf.timestamp_repairs == N_FRAMES - 1


def test_repeated_or_backward_stamps_are_nudged(tmp_path, monkeypatch):
    stamps_ms = [40.0 * k for k in range(N_FRAMES)]
    stamps_ms[5] = stamps_ms[4]  # repeat
    stamps_ms[9] = 100.0  # backwards
    _use_odd_capture(monkeypatch, stamps_ms=stamps_ms)
    vf, t_s, _ = _read_all(_write(tmp_path / "clip.avi", "MJPG"))

    assert vf.timestamp_source == "container" and vf.timestamp_repairs == 2
    assert np.all(np.diff(t_s) > 0)
    assert t_s[5] == pytest.approx(t_s[4] + video.REPAIR_STEP_S)
    assert t_s[9] == pytest.approx(t_s[8] + video.REPAIR_STEP_S)
    others = [k for k in range(N_FRAMES) if k not in (5, 9)]
    np.testing.assert_allclose(t_s[others], np.array(stamps_ms)[others] / 1000.0)


# --- rotation metadata ------------------------------------------------------------------------


@pytest.mark.parametrize("deg", [90, 180, 270])
def test_rotation_metadata_is_applied(tmp_path, deg):
    plain = _write(tmp_path / "plain.mp4", "mp4v")
    vf, _, frames = _read_all(_with_rotation(plain, tmp_path / f"rot{deg}.mp4", deg))
    _, _, upright = _read_all(plain)

    assert vf.info.rotation_deg == deg
    size = (H_PX, W_PX) if deg in (90, 270) else (W_PX, H_PX)
    assert (vf.info.width_px, vf.info.height_px) == size
    expected = np.rot90(upright[7], k=-deg // 90)  # metadata degrees are clockwise
    assert frames[7].shape == expected.shape
    assert np.abs(frames[7].astype(int) - expected).mean() < 2


def test_rotation_is_done_here_when_the_backend_will_not(tmp_path, monkeypatch):
    path = _with_rotation(_write(tmp_path / "plain.mp4", "mp4v"), tmp_path / "rot.mp4", 90)
    _use_odd_capture(monkeypatch, refuse_auto_rotation=True)
    vf, _, frames = _read_all(path)
    assert vf.info.rotation_deg == 90
    assert (vf.info.width_px, vf.info.height_px) == (H_PX, W_PX)
    assert frames[0].shape == (W_PX, H_PX, 3)


# --- camera -----------------------------------------------------------------------------------


def test_missing_camera_raises_camera_error_quickly():
    start_s = time.monotonic()
    with pytest.raises(CameraError, match="camera 99"):
        open_camera(99)
    assert time.monotonic() - start_s < 5


# --- real footage (optional) ------------------------------------------------------------------

FOOTAGE_DIR = Path(
    os.environ.get("FORMCHECK_FOOTAGE", Path(__file__).resolve().parents[2] / "shared" / "footage")
)
REAL_CLIP = FOOTAGE_DIR / "deadlift_side_02.mp4"


@pytest.mark.footage
@pytest.mark.skipif(
    not REAL_CLIP.is_file(),
    reason=f"real clip {REAL_CLIP} not found (set FORMCHECK_FOOTAGE to the footage directory)",
)
def test_real_side_view_clip():
    with open_video(REAL_CLIP) as vf:
        t_s = np.array([t for t, frame in vf])  # frames not kept: less memory

    assert (vf.info.width_px, vf.info.height_px) == (492, 720)
    assert vf.info.fps_nominal == pytest.approx(23.976, abs=0.01)
    assert vf.info.rotation_deg == 0
    assert vf.frames_read == len(t_s) == vf.info.n_frames_nominal
    assert not vf.ended_early and vf.timestamp_repairs == 0
    assert t_s[0] == 0.0 and np.all(np.diff(t_s) > 0)
    assert t_s[-1] == pytest.approx(11.6, abs=0.1)
    assert math.isclose(vf.info.duration_s, 11.6, abs_tol=0.1)


def test_skip_goes_on_with_the_same_timestamps_and_frames() -> None:
    """skip(n) then reading gives the frames and times that reading n frames would have."""
    path = Path(__file__).parent / "data" / "renders" / "rdl_y90_p0_b4_neutral_soft_neutral.mp4"
    with open_video(path) as vf:
        read = [(t, f) for t, f in vf]
    with open_video(path) as vf:
        assert vf.skip(2) == 2  # within the frames decoded on open
        assert vf.skip(98) == 98
        rest = [(t, f) for t, f in vf]
        assert vf.skip(5) == 0 and not vf.ended_early
    assert [t for t, _ in rest] == [t for t, _ in read[100:]]
    assert np.array_equal(rest[0][1], read[100][1])


# --- trimmed without re-encoding: an MP4 edit list hides the stored frames before the cut ------


def _trimmed(tmp_path: Path, cut_s: float, faststart: bool = False, noise: bool = False) -> Path:
    """A long-GOP H.264 clip of N_FRAMES*2 frames cut at ``cut_s`` with ``ffmpeg -ss -c copy``, as
    phones and editors trim: the frames from the keyframe before the cut stay stored, an edit list
    hides them."""
    import imageio_ffmpeg

    ff = imageio_ffmpeg.get_ffmpeg_exe()
    src = _write(tmp_path / "src.mp4", "mp4v", n=2 * N_FRAMES, noise=noise)
    gop = tmp_path / "gop.mp4"
    subprocess.run([ff, "-y", "-loglevel", "error", "-i", str(src), "-c:v", "libx264", "-g", "1000",
                    "-pix_fmt", "yuv420p", str(gop)], check=True, timeout=120)
    out = tmp_path / "trimmed.mp4"
    flags = ["-movflags", "+faststart"] if faststart else []
    subprocess.run([ff, "-y", "-loglevel", "error", "-ss", str(cut_s), "-i", str(gop), "-c", "copy", *flags,
                    str(out)], check=True, timeout=120)
    assert b"elst" in out.read_bytes()
    return out


def test_a_trimmed_clip_is_read_whole_not_called_broken(tmp_path):
    cut_s = 1.5
    vf, t_s, frames = _read_all(_trimmed(tmp_path, cut_s))
    shown = round((2 * N_FRAMES / FPS - cut_s) * FPS)
    assert vf.info.n_frames_nominal == 2 * N_FRAMES  # every stored frame counted, hidden ones too
    assert abs(vf.frames_read - shown) <= 1  # ... but only the shown ones decoded
    assert not vf.ended_early
    assert t_s[0] == pytest.approx(0.0, abs=1e-6) and np.all(np.diff(t_s) > 0)
    assert _index_of(frames[0]) == round(cut_s * FPS) % (1 << N_BITS)  # the first frame shown


def test_a_trimmed_clip_cut_short_is_still_called_broken(tmp_path):
    whole = _trimmed(tmp_path, 1.5, faststart=True, noise=True)
    assert not _read_all(whole)[0].ended_early
    vf, _, _ = _read_all(_truncated(whole, tmp_path / "cut.mp4", 0.85))
    shown = round((2 * N_FRAMES / FPS - 1.5) * FPS)
    assert 0 < vf.frames_read < shown - 2 and vf.ended_early


@pytest.mark.footage
@pytest.mark.parametrize(("clip", "shown", "stored"), [("deadlift_side_bad_01.mp4", 102, 118),
                                                       ("deadlift_side_bad_02.mp4", 140, 145)])
def test_real_trimmed_clips_are_whole(footage, clip: str, shown: int, stored: int) -> None:
    """Two real 1080p deadlifts cut without re-encoding (MANIFEST.md): every shown frame is read
    and the file is not called broken, though the container stores more frames."""
    vf, t_s, _ = _read_all(footage / clip)
    assert (vf.frames_read, vf.info.n_frames_nominal) == (shown, stored)
    assert not vf.ended_early and np.all(np.diff(t_s) > 0)
