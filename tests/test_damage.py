"""Damaged files (issue 12, finding 2): decoding goes on past frames that fail, the damage is
recorded as spans of time, carried to the report's coverage and warnings, and an undamaged file
reads as before.

The damaged clips are small H.264 files made here with imageio-ffmpeg's FFmpeg; whole frames are
damaged by editing the bytes the MP4 sample table points at, so the damage is exact and repeatable.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from formcheck.io import video
from formcheck.io.mp4_header import constant_frame_s
from formcheck.io.video import open_video
from test_video_io import _STBL, FPS, N_FRAMES, _box, _OddCapture, _parse, _write

FRAME_S = 1.0 / FPS


def _sample_spans(path: Path) -> list[tuple[int, int]]:
    """(byte offset, size) of every sample of a one-track MP4 (stsz, stco and stsc)."""
    boxes = _parse(path.read_bytes())
    stsz, stco, stsc = (bytes(_box(boxes, *_STBL, k)[1]) for k in (b"stsz", b"stco", b"stsc"))
    (n,) = struct.unpack(">I", stsz[8:12])
    sizes = struct.unpack(f">{n}I", stsz[12 : 12 + 4 * n])
    (n_chunks,) = struct.unpack(">I", stco[4:8])
    chunk_at = struct.unpack(f">{n_chunks}I", stco[8 : 8 + 4 * n_chunks])
    (n_runs,) = struct.unpack(">I", stsc[4:8])
    runs = [struct.unpack(">III", stsc[8 + 12 * i : 20 + 12 * i]) for i in range(n_runs)]
    spans, k = [], 0
    for c, pos in enumerate(chunk_at):
        per_chunk = [spc for first, spc, _ in runs if first <= c + 1][-1]
        for _ in range(per_chunk):
            spans.append((pos, sizes[k]))
            pos, k = pos + sizes[k], k + 1
    return spans


def _h264(tmp_path: Path, n: int = 2 * N_FRAMES) -> Path:
    """An H.264 MP4 (one keyframe, no B-frames) of ``n`` frames at FPS, as cameras write."""
    import imageio_ffmpeg

    src = _write(tmp_path / "src.mp4", "mp4v", n=n)
    out = tmp_path / "h264.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(src),
                    "-c:v", "libx264", "-g", "1000", "-bf", "0", "-pix_fmt", "yuv420p", str(out)],
                   check=True, timeout=120)
    return out


def _damaged(src: Path, dst: Path, frames: list[int]) -> Path:
    """``src`` with the stored bytes of ``frames`` zeroed."""
    data = bytearray(src.read_bytes())
    spans = _sample_spans(src)
    for k in frames:
        pos, size = spans[k]
        data[pos : pos + size] = bytes(size)
    dst.write_bytes(bytes(data))
    return dst


def _read(path: Path) -> tuple[video.VideoFile, np.ndarray]:
    with open_video(path) as vf:
        t_s = np.array([t for t, _ in vf])
    return vf, t_s


# --- reading past damage ----------------------------------------------------------------------


def test_every_decodable_frame_is_read_past_damaged_ones(tmp_path):
    whole = _h264(tmp_path)
    _, t_whole = _read(whole)
    vf, t_s = _read(_damaged(whole, tmp_path / "damaged.mp4", [20, 21, 22]))

    assert len(t_whole) == 2 * N_FRAMES
    np.testing.assert_allclose(t_s, np.delete(t_whole, [20, 21, 22]))
    assert not vf.ended_early and not vf.read_error
    [span] = vf.damaged
    assert (span.frames, span.i_next) == (3, 20)
    assert span.start_s == pytest.approx(19 * FRAME_S) and span.end_s == pytest.approx(23 * FRAME_S)


def test_skipping_sees_the_same_frames_and_damage_as_reading(tmp_path):
    """The second landmarker's decoder skips ahead (pose/runner.py): it must count frames, and find
    the damage, exactly as the first."""
    path = _damaged(_h264(tmp_path), tmp_path / "damaged.mp4", [10, 30, 31])
    read, t_s = _read(path)
    with open_video(path) as vf:
        assert vf.skip(25) == 25
        rest = np.array([t for t, _ in vf])
    np.testing.assert_allclose(rest, t_s[25:])
    assert vf.damaged == read.damaged and len(read.damaged) == 2


def test_damage_at_the_tail_is_still_a_file_that_broke_off(tmp_path):
    whole = _h264(tmp_path)
    n = 2 * N_FRAMES
    vf, t_s = _read(_damaged(whole, tmp_path / "tail.mp4", list(range(n - 20, n))))
    assert len(t_s) == n - 20 and vf.ended_early and vf.damaged == []


def test_damage_opening_the_file_is_read_past(tmp_path):
    vf, t_s = _read(_damaged(_h264(tmp_path), tmp_path / "head.mp4", [1, 2]))
    assert len(t_s) == 2 * N_FRAMES - 2 and not vf.ended_early
    assert [(d.frames, d.i_next) for d in vf.damaged] == [(2, 1)]


def test_a_silent_timestamp_gap_in_a_constant_rate_file_is_damage(tmp_path, monkeypatch):
    """The decoder may drop a frame without a failed read: the next frame's time gives it away."""
    path = _write(tmp_path / "clip.mp4", "mp4v")
    assert constant_frame_s(str(path)) == pytest.approx(FRAME_S)
    stamps_ms = [1000 * k * FRAME_S for k in range(N_FRAMES + 3) if k not in (12, 13, 14)]
    monkeypatch.setattr(video, "_open_capture", lambda p: _OddCapture(p, stamps_ms=stamps_ms))
    vf, t_s = _read(path)
    assert len(t_s) == N_FRAMES and not vf.ended_early
    [span] = vf.damaged
    assert (span.frames, span.i_next) == (3, 12)
    assert span.start_s == pytest.approx(11 * FRAME_S) and span.end_s == pytest.approx(15 * FRAME_S)


def test_reads_failing_for_good_end_the_file_quickly(tmp_path, monkeypatch):
    """A decoder that never recovers: the file ends after MAX_BAD_READS failed reads, as broken."""
    monkeypatch.setattr(video, "_open_capture", lambda p: _OddCapture(p, fail_after=10))
    vf, t_s = _read(_write(tmp_path / "clip.avi", "MJPG"))
    assert len(t_s) == 10 and vf.ended_early and vf.read_error and vf.damaged == []


def test_undamaged_files_have_no_damage(tmp_path):
    for path in (_h264(tmp_path), _write(tmp_path / "clip.avi", "MJPG"), _write(tmp_path / "c.mp4", "mp4v")):
        vf, t_s = _read(path)
        assert vf.damaged == [] and not vf.ended_early and len(t_s) in (N_FRAMES, 2 * N_FRAMES)


def test_variable_rate_files_have_no_gap_damage(tmp_path):
    """Uneven frame durations (stts with many) are the camera's timing, not lost frames."""
    from test_video_io import _with_frame_durations

    deltas = [256, 1024, 256] * (N_FRAMES // 3)  # 20, 80, 20 ms at 12800 Hz: 40 ms a frame on average
    path, _ = _with_frame_durations(_write(tmp_path / "cfr.mp4", "mp4v"), tmp_path / "vfr.mp4", deltas)
    assert constant_frame_s(str(path)) is None
    vf, t_s = _read(path)
    assert len(t_s) == N_FRAMES and vf.damaged == []
