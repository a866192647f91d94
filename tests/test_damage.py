"""Damaged files (issue 12, finding 2): decoding goes on past frames that fail, the damage is
recorded as spans of time, carried to the report's coverage and warnings, and an undamaged file
reads as before.

The damaged clips are small H.264 files made here with imageio-ffmpeg's FFmpeg; whole frames are
damaged by editing the bytes the MP4 sample table points at, so the damage is exact and repeatable.
"""

from __future__ import annotations

import dataclasses
import struct
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.damage import damage_warnings
from formcheck.analysis.pipeline import analyze_pose
from formcheck.io import decode_errors, video
from formcheck.io.landmarks import load_pose, save_pose
from formcheck.io.mp4_header import constant_frame_s
from formcheck.io.video import open_video
from formcheck.report.html.page import to_html
from formcheck.report.json_report import to_dict
from formcheck.report.text_report import to_text
from formcheck.types import PoseSequence, Rep
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


def _h264(tmp_path: Path, n: int = 2 * N_FRAMES, gop: int = 1000) -> Path:
    """An H.264 MP4 (a keyframe every ``gop`` frames, no B-frames) of ``n`` frames at FPS, as cameras
    write."""
    import imageio_ffmpeg

    src = _write(tmp_path / "src.mp4", "mp4v", n=n)
    out = tmp_path / "h264.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(src),
                    "-c:v", "libx264", "-g", str(gop), "-bf", "0", "-pix_fmt", "yuv420p", str(out)],
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


def _flipped(src: Path, dst: Path, frame: int) -> Path:
    """``src`` with one byte of ``frame``'s slice data (3/4 of the way into its sample) inverted:
    the frame still decodes, with errors concealed."""
    data = bytearray(src.read_bytes())
    pos, size = _sample_spans(src)[frame]
    data[pos + 3 * size // 4] ^= 0xFF
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


def test_a_frame_decoded_with_errors_concealed_is_damage_to_the_next_keyframe(tmp_path):
    """A flipped byte the decoder conceals fails no read (io/decode_errors.py): the frame comes out
    glitched, and the frames predicted from it up to the next keyframe (30) with it."""
    assert decode_errors.available()
    whole = _h264(tmp_path, gop=15)
    _, t_whole = _read(whole)
    vf, t_s = _read(_flipped(whole, tmp_path / "flipped.mp4", 20))
    np.testing.assert_allclose(t_s, t_whole)  # every frame delivered
    assert not vf.ended_early and not vf.read_error
    [span] = vf.damaged
    assert (span.frames, span.i_next) == (0, 30)
    assert span.start_s == pytest.approx(19 * FRAME_S) and span.end_s == pytest.approx(30 * FRAME_S)
    with open_video(tmp_path / "flipped.mp4") as skipping:  # the second landmarker's way
        assert skipping.skip(25) == 25 and len([t for t, _ in skipping]) == len(t_s) - 25
    assert skipping.damaged == vf.damaged


def test_concealment_is_told_apart_in_files_read_side_by_side(tmp_path):
    """pose/runner.py decodes with two threads at once: each file's concealed frames are its own."""
    whole = _h264(tmp_path, gop=15)
    flipped = _flipped(whole, tmp_path / "flipped.mp4", 20)
    found: dict[str, list] = {}

    def read(name: str, path: Path) -> None:
        for _ in range(3):
            found[name] = _read(path)[0].damaged

    threads = [threading.Thread(target=read, args=(name, p)) for name, p in (("whole", whole), ("flipped", flipped))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found["whole"] == [] and [d.i_next for d in found["flipped"]] == [30]


def test_concealed_frames_inside_a_rep_are_a_damage_warning():
    reps = [Rep(1, 0, 5, 10, 1.0, 2.0, 3.0, 60.0)]
    [warning] = damage_warnings(np.array([[1.5, 2.5]]), np.array([0], np.int32), reps)
    assert "damaged (decoded with errors concealed" in warning and "inside rep 1" in warning
    assert "may be wrong" in warning and "could not be decoded" not in warning


# --- from the pose to the report --------------------------------------------------------------

POSES = Path(__file__).parent / "data" / "poses"


def _without(pose: PoseSequence, frames: np.ndarray) -> PoseSequence:
    """``pose`` as a damaged file would have given it: ``frames`` (one run) missing, and recorded."""
    keep = np.setdiff1d(np.arange(len(pose)), frames)
    lost = PoseSequence(
        t_s=pose.t_s[keep], xy_px=pose.xy_px[keep], z_px=pose.z_px[keep], visibility=pose.visibility[keep],
        world_m=pose.world_m[keep], back_offset_px=pose.back_offset_px[keep], n_people=pose.n_people[keep],
        width_px=pose.width_px, height_px=pose.height_px, source=pose.source, layout=pose.layout,
        damaged_s=np.array([[pose.t_s[frames[0] - 1], pose.t_s[frames[-1] + 1]]]),
        damaged_frames=np.array([len(frames)], np.int32),
    )
    return lost


def test_damage_inside_a_rep_is_named_in_coverage_warnings_text_and_page(tmp_path):
    pose = _without(load_pose(POSES / "squat_side_01.pose.npz"), np.arange(175, 185))  # rep 2 turns at 180
    report = analyze_pose(pose)

    [warning] = [w for w in report.warnings if "damaged" in w]
    assert "5.80–6.17 s" in warning and "10 frames" in warning and "inside rep 2" in warning
    cov = to_dict(report)["coverage"]
    assert cov["damaged_frames"] == 10 and cov["damaged_spans_s"] == [[5.8, 6.167]]
    text = to_text(report)
    assert "damaged: 10 frames could not be decoded, between 5.80–6.17 s" in text
    assert f"warning: {warning}" in text
    page = to_html(report)
    assert "10 frames</b> could not be decoded" in page and "inside rep 2" in page

    save_pose(pose, tmp_path / "d.pose.npz")
    again = load_pose(tmp_path / "d.pose.npz")
    np.testing.assert_array_equal(again.damaged_s, pose.damaged_s)
    np.testing.assert_array_equal(again.damaged_frames, pose.damaged_frames)


def test_damage_outside_the_reps_is_still_a_warning():
    pose = _without(load_pose(POSES / "squat_side_01.pose.npz"), np.arange(95, 100))  # between reps
    [warning] = [w for w in analyze_pose(pose).warnings if "damaged" in w]
    assert "5 frames could not be decoded" in warning and "outside the reps" in warning


def test_many_damaged_spans_are_summed_up_in_one_warning():
    reps = [Rep(1, 0, 5, 10, 1.0, 2.0, 3.0, 60.0), Rep(2, 12, 15, 20, 4.0, 5.0, 6.0, 60.0)]
    spans = np.array([[0.1 + k, 0.2 + k] for k in range(6)])
    [warning] = damage_warnings(spans, np.full(6, 2, np.int32), reps)
    assert warning.startswith("12 frames in 6 spans between 0.10 and 5.20 s were damaged")
    assert "inside reps 1 and 2" in warning


def test_an_undamaged_report_says_none_and_old_pose_files_read_as_undamaged(tmp_path):
    """Pose files saved before damage was recorded have no damage arrays; an undamaged pose is saved
    without them, and its JSON says no frame was damaged."""
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    assert pose.damaged_s.shape == (0, 2) and pose.damaged_frames.shape == (0,)
    save_pose(pose, tmp_path / "u.pose.npz")
    with np.load(tmp_path / "u.pose.npz") as z:
        assert "damaged_s" not in z.files
    report = analyze_pose(pose)
    assert not any("damaged" in w for w in report.warnings)
    coverage = to_dict(report)["coverage"]
    assert coverage["damaged_frames"] == 0 and coverage["damaged_spans_s"] == []
    assert "damaged" not in to_text(report)


def test_a_concealed_span_is_in_the_warnings_text_and_page_as_glitched_frames():
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    pose = dataclasses.replace(pose, damaged_s=np.array([[pose.t_s[175], pose.t_s[185]]]),
                               damaged_frames=np.zeros(1, np.int32))
    report = analyze_pose(pose)
    [warning] = [w for w in report.warnings if "damaged" in w]
    assert "errors concealed" in warning and "inside rep 2" in warning
    assert to_dict(report)["coverage"]["damaged_frames"] == 0
    assert "damaged: frames decoded with errors concealed (glitched), between 5.83–6.17 s" in to_text(report)
    assert "decoded with errors concealed</b>" in to_html(report)


def test_frames_lost_before_the_first_are_damage_too(tmp_path: Path) -> None:
    """The opening keyframe damaged: the decoder starts at the next one, the first frame delivered
    comes seconds in, and nothing failed a read. (A flipped byte in a real clip's keyframe table
    did this: 58 of 102 frames, exit 0, a rep lost and no word.)"""
    clip = _damaged(_h264(tmp_path, gop=15), tmp_path / "d.mp4", [0])
    with open_video(clip) as v:
        t = [t_s for t_s, _ in v]
        damaged = v.damaged
    assert t[0] > 5 * FRAME_S, t[:3]
    assert len(damaged) >= 1 and damaged[0].start_s == 0.0 and damaged[0].end_s == t[0]
    assert damaged[0].frames == round(t[0] / FRAME_S)


def test_a_ctrl_c_landing_while_ffmpeg_logs_is_not_lost(monkeypatch):
    """ctypes hands an exception raised in a callback to sys.unraisablehook, which prints and drops
    it: a Ctrl-C that landed in the log callback let interrupted analyses go on to exit 0 (2 of 12
    runs of tests/test_interrupts.py, one in CI). It is delivered again."""
    import signal

    class Interrupting:
        def __getattr__(self, name):
            raise KeyboardInterrupt

        def __setattr__(self, name, value):
            raise KeyboardInterrupt

    monkeypatch.setattr(decode_errors, "_counts", Interrupting())
    seen = []
    old = signal.signal(signal.SIGINT, lambda *a: seen.append(a[0]))
    try:
        decode_errors._on_log(None, 16, b"concealing 3 DC errors", None)  # through the ctypes thunk
        for _ in range(100):  # the handler runs at the main thread's next check
            if seen:
                break
    finally:
        signal.signal(signal.SIGINT, old)
    assert seen == [signal.SIGINT]


def test_any_interrupt_ctypes_drops_is_delivered_again():
    """An interrupt can land on the callback's first line, before any code of its own runs: the
    hook that catches what ctypes drops delivers it again, whatever raised it."""
    import signal
    import types

    seen = []
    old = signal.signal(signal.SIGINT, lambda *a: seen.append(a[0]))
    try:
        args = types.SimpleNamespace(exc_type=KeyboardInterrupt, exc_value=KeyboardInterrupt(), exc_traceback=None,
                                     err_msg="Exception ignored on calling ctypes callback function", object=None)
        decode_errors._redeliver_interrupts(args)
        for _ in range(100):
            if seen:
                break
    finally:
        signal.signal(signal.SIGINT, old)
    assert seen == [signal.SIGINT]
