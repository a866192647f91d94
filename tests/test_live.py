"""`formcheck live` driven by the pose model: a video played as a camera (``--source``), headless
or in a window on a virtual screen, and what is kept when the session ends well or badly.

The streaming analysis itself is tested on stored poses in test_live_analysis.py. Here the frames
go through MediaPipe at the source's real pace, dropping what the machine cannot keep up with, so
the figures are compared with tolerances, never exactly. A session whose figures depend on how many
frames were posed is played at a pace measured on the machine as busy as it is at that moment
(``measured_speed``), and checks it posed enough; nothing here waits on a wall-clock guess of how
long the model takes to load.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from audio_helpers import tone_onsets_s
from conftest import POSES, expectations
from formcheck.analysis.cues import ENTER, LEAVE, zone_events
from formcheck.analysis.pipeline import analyze_pose, working_knees
from formcheck.audio.sounds import ENTER_NOTES_HZ, LEAVE_NOTES_HZ, NOTE_S, read_wav, sound
from formcheck.cli import main
from formcheck.config import Config
from formcheck.errors import CameraError, PartialVideo
from formcheck.io import live_source
from formcheck.io.landmarks import load_pose
from formcheck.io.live_source import LatestFrame
from formcheck.io.video_writer import ConstantRateRecorder
from formcheck.live import LiveOptions, run_live
from formcheck.types import VideoInfo

RENDERS = Path(__file__).parent / "data" / "renders"
ARCHED = RENDERS / "rdl_y90_p0_b5_arched_soft_neutral"  # 3 RDL reps, 11.7 s (a source to play)
LEANING = Path(__file__).parent / "data" / "renders15" / "rdl_leanback25_b33_y90_p10"  # 2 reps, 25 deg back
CLIP = "kb_deadlift_side_correct_01"  # 10 kettlebell deadlifts, side view, 21 s at 60 fps
TONE_TOL_S = 0.3  # a tone within this of where the recorded analysis puts the crossing
ZONE_TOL = 0.12  # live zone seconds may differ from the recorded ones by this share of the time
# A session is paced to pose this share of the clip's frames (test_live_analysis checks the streaming
# analysis on every other frame), and must pose at least MIN_POSED: below a third of this 60 fps
# clip's frames, its zone seconds drift past ZONE_TOL (2.0% at every frame, 3.3% every other,
# 7.2% every third, 11.1% every fourth: tests/test_live_analysis.feed on the stored pose).
POSED_SHARE = 0.5
MIN_POSED = 1 / 3


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _frames_of(path: Path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def _duration_s(path: Path) -> float:
    cap = cv2.VideoCapture(str(path))
    n, fps = cap.get(cv2.CAP_PROP_FRAME_COUNT), cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return n / fps


def _fps(path: Path) -> float:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return fps


def measured_speed(path: Path) -> float:
    """The speed at which this machine, as busy as it is now, poses about POSED_SHARE of the clip's
    frames: a 3 s headless session at real pace counts the frames it processes per second (the
    model's warm-up included, so it errs slow), and the clip is played slower in proportion, never
    faster than real time. Two idle cores play these clips at real pace; two busy ones, a quarter
    of it or slower."""
    probe = run_live(LiveOptions(source=str(path), headless=True, mute=True, max_s=3.0))
    assert probe.stats.frames_processed > 0, probe.end
    rate = probe.stats.frames_processed / probe.stats.wall_s
    return float(np.clip(rate / (POSED_SHARE * _fps(path)), 0.05, 1.0))


def _posed_enough(processed: int, read: int, speed: float) -> None:
    assert processed >= MIN_POSED * read, (
        f"only {processed} of {read} frames posed at {speed:.2f}x, the pace measured just before: "
        "the machine got much busier during the session"
    )


# --------------------------------------------------------------------------- real footage


@pytest.mark.footage
def test_live_agrees_with_the_recorded_analysis_and_sounds_the_zone(footage, tmp_path: Path) -> None:
    """The clip played as a camera: the reps and zone seconds counted live match the recorded
    analysis of every frame, and the cue track has a rising chime where the knee enters the
    target zone and a falling one where it leaves, as the recorded knee angle puts them."""
    wav = tmp_path / "cues.wav"
    # At a pace measured now: on two cores busy with the rest of the suite, full pace dropped
    # enough frames to move zone seconds 12.4% (2.6% on a quiet machine), and a fixed half pace
    # was not slow enough either (9 of 10 reps). Throughput is bench/speed.py's to measure; this
    # checks that the streaming analysis agrees with the recorded one.
    speed = measured_speed(footage / f"{CLIP}.mp4")
    session = run_live(LiveOptions(
        source=str(footage / f"{CLIP}.mp4"), speed=speed, headless=True, mute=True,
        target="biceps_femoris_short", cues_wav=str(wav),
    ))
    assert session.end == "ended" and session.error is None
    _posed_enough(session.stats.frames_processed, session.stats.frames_read, speed)
    cfg = Config()
    recorded = analyze_pose(load_pose(POSES / f"{CLIP}.pose.npz"), cfg)
    lo, hi = expectations()[f"{CLIP}.mp4"]["reps"]
    assert len(session.live_reps) == len(recorded.reps)
    assert lo <= len(session.live_reps) <= hi
    assert len(session.report.reps) == len(recorded.reps)  # the session re-analysed as recorded

    heads = recorded.zones[0].seconds
    live_s = {h: sum(z[k].seconds[h] for z in session.live_zones for k in range(2)) for h in heads}
    rec_s = {h: sum(recorded.zones[k].seconds[h] for k in range(2)) for h in heads}
    measured_s = sum(recorded.zones[k].measured_s for k in range(2))
    off = sum(abs(live_s[h] - rec_s[h]) for h in heads) / measured_s
    assert off <= ZONE_TOL, f"live {live_s} vs recorded {rec_s} over {measured_s:.1f} s"

    # The tones in the WAV, where the cue list says
    samples, rate = read_wav(wav)
    enter = tone_onsets_s(samples, rate, ENTER_NOTES_HZ, NOTE_S)
    leave = tone_onsets_s(samples, rate, LEAVE_NOTES_HZ, NOTE_S)
    listed = session.cues
    assert np.allclose(enter, [t for t, s in listed if s == ENTER], atol=0.02)
    assert np.allclose(leave, [t for t, s in listed if s == LEAVE], atol=0.02)

    # ... and where the recorded knee crosses the zone, with the same hysteresis
    knee = working_knees(recorded.measures.knee_deg.values, cfg.reps.min_range_deg)
    zone = next(z for z in cfg.zones if z.head == "biceps_femoris_short")
    want = zone_events(recorded.measures.t_s, knee, zone, cfg.live.zone_margin_deg, cfg.live.zone_dwell_s)
    want_at = {ENTER: [t for t, k in want if k == ENTER], LEAVE: [t for t, k in want if k == LEAVE]}
    got = [(t, ENTER) for t in enter] + [(t, LEAVE) for t in leave]
    assert len(enter) >= 5, "the knee passes through this zone in most reps"
    stray = [(t, k) for t, k in got if not any(abs(t - w) <= TONE_TOL_S for w in want_at[k])]
    assert len(stray) <= len(got) // 10, f"tones where the recorded knee did not cross: {stray}"
    # every visit long enough to be seen at a dropped frame rate gets both tones
    visits = [(a, b) for (a, ka), (b, kb) in zip(want, want[1:]) if ka == ENTER and kb == LEAVE]
    for a, b in visits:
        if b - a >= TONE_TOL_S:
            assert any(abs(t - a) <= TONE_TOL_S for t in enter), f"no entry tone near {a:.2f} s"
            assert any(abs(t - b) <= TONE_TOL_S for t in leave), f"no exit tone near {b:.2f} s"
    # correct form: nothing spoken while the reps run
    last_end = session.live_reps[-1].end_s
    assert [(t, s) for t, s in listed if s not in (ENTER, LEAVE) and t <= last_end] == []
    assert session.stats.frames_processed > 0 and np.isfinite(session.stats.latency_ms).all()


# --------------------------------------------------------------------------- rendered set


def test_live_session_is_kept_as_json_report_recording_cues_and_pose(tmp_path: Path) -> None:
    """A rendered RDL set leaning back 25 deg at lockout, played live: the report, HTML page,
    recording, cue track and pose are all written, the two reps and their lean-back flags are
    found, and "finish tall" is spoken at the reps' lockouts."""
    out = {k: tmp_path / n for k, n in
           {"json": "s.json", "report": "s.html", "record": "s.mp4", "cues": "c.wav", "pose": "s.pose.npz"}.items()}
    speed = measured_speed(Path(f"{LEANING}.mp4"))
    r = run("live", "--source", f"{LEANING}.mp4", "--speed", f"{speed:.3f}", "--headless", "--mute",
            "--json", str(out["json"]), "--report", str(out["report"]), "--record", str(out["record"]),
            "--cues-wav", str(out["cues"]), "--save-pose", str(out["pose"]))
    _no_traceback(r)
    assert r.exit_code == 0, r.output
    assert "frames processed" in r.output and "latency median" in r.output
    processed, read = map(int, re.search(r"live: (\d+) of (\d+) frames processed", r.output).groups())
    _posed_enough(processed, read, speed)
    report = json.loads(out["json"].read_text())
    assert len(report["reps"]) == 2
    assert sum(f["kind"] == "lean_back" for f in report["faults"]) == 2
    assert "<img" in out["report"].read_text()  # stills grabbed from the source
    again = run("analyze", str(out["pose"]), "--json", "-", "-q")
    assert len(json.loads(again.output)["reps"]) == 2

    # the recording plays for as long as the session's frames span on their timestamps (frames
    # held over drops), the session spans the clip from its first frame to its last, and the
    # recording shows the overlay
    t = load_pose(out["pose"]).t_s
    fps = _fps(Path(f"{LEANING}.mp4"))
    assert abs(_duration_s(out["record"]) - (t[-1] - t[0] + 1 / fps)) < 1.01 / fps
    assert t[0] < 0.5 / fps and t[-1] > _duration_s(Path(f"{LEANING}.mp4")) - 1.5 / fps
    shown, raw = _frames_of(out["record"])[60], _frames_of(Path(f"{LEANING}.mp4"))[60]
    assert np.abs(shown.astype(int) - raw).mean() > 10

    # "finish tall" spoken at the reps' lockouts: find the clip in the track by normalised correlation
    samples, rate = read_wav(out["cues"])
    clip = sound("finish_tall")
    spoken = _clip_onsets_s(samples, clip, rate)
    truth = np.load(f"{LEANING}.truth.npz")
    spans = list(zip(truth["rep_start_s"], truth["rep_end_s"]))
    assert spoken, "no spoken cue in the track"
    hold = Config().back.lockout_hold_s
    assert all(any(a <= t <= b + hold + 1.0 for a, b in spans) for t in spoken), (spoken, spans)


def _clip_onsets_s(samples: np.ndarray, clip: np.ndarray, rate: int) -> list[float]:
    """Where ``clip`` was mixed into ``samples``: normalised cross-correlation above 0.9."""
    n = len(samples) + len(clip)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(samples, size) * np.conj(np.fft.rfft(clip, size)), size)[: len(samples)]
    energy = np.concatenate([[0.0], np.cumsum(samples.astype(float) ** 2)])
    win = energy[np.minimum(np.arange(len(samples)) + len(clip), len(samples))] - energy[: len(samples)]
    ncc = corr / (np.sqrt(np.maximum(win, 1e-12)) * np.linalg.norm(clip))
    hits = np.flatnonzero(ncc > 0.9)
    onsets: list[float] = []
    for i in hits:
        if not onsets or i / rate - onsets[-1] > 0.5:
            onsets.append(i / rate)
    return onsets


def test_a_source_that_breaks_off_leaves_a_saved_session(tmp_path: Path) -> None:
    """A file cut at 60%: the session up to the cut is reported and saved, then exit 7."""
    path = tmp_path / "cut.avi"
    frames = _frames_of(Path(f"{ARCHED}.mp4"))
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (w, h))
    for f in frames:
        writer.write(f)
    writer.release()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    out_json = tmp_path / "s.json"
    r = run("live", "--source", str(path), "--headless", "--mute", "--speed", "2", "--json", str(out_json))
    _no_traceback(r)
    assert r.exit_code == PartialVideo.exit_code, r.output
    assert "the session so far was kept" in r.output
    report = json.loads(out_json.read_text())
    assert report["video"]["truncated"] is True
    assert 0 < report["video"]["duration_s"] < 0.7 * len(frames) / 30.0


class _Camera:
    """A camera filming at 30 fps that delivers each of ``frames`` once the session took the one
    before (so the set is seen whole however busy the machine is: the session is what is tested
    here, not how many frames it keeps up with), then is unplugged."""

    def __init__(self, frames: list[np.ndarray]) -> None:
        h, w = frames[0].shape[:2]
        self.info = VideoInfo(source="camera:0", width_px=w, height_px=h, fps_nominal=30.0,
                              n_frames_nominal=-1, duration_s=float("nan"))
        self.frames = frames
        self.taken = lambda: 0  # how many frames the session has taken (set when opened)
        self.lost = False
        self.closed = False

    def __iter__(self):
        for i, frame in enumerate(self.frames):
            yield i / 30.0, frame
            deadline = time.monotonic() + 60.0  # a session that stopped taking frames: carry on
            while self.taken() <= i and time.monotonic() < deadline:
                time.sleep(0.002)
        self.lost = True

    def close(self) -> None:
        self.closed = True


def test_a_camera_that_disappears_ends_the_session_with_it_saved(tmp_path: Path, monkeypatch) -> None:
    """The camera stops mid-set: what was seen is reported and written, and the exit says why."""
    frames = _frames_of(Path(f"{ARCHED}.mp4"))[:150]  # 5 s: the first rep and a half
    cam = _Camera(frames)

    def open_camera(*args, **kwargs) -> LatestFrame:
        src = LatestFrame(cam, paced=False)
        cam.taken = lambda: src.taken
        return src.start()

    monkeypatch.setattr(live_source, "open_live", open_camera)
    out_json = tmp_path / "s.json"
    r = run("live", "--headless", "--mute", "--json", str(out_json))
    _no_traceback(r)
    assert r.exit_code == CameraError.exit_code, r.output
    assert "stopped delivering frames" in r.output and "the session so far was kept" in r.output
    report = json.loads(out_json.read_text())
    assert report["video"]["truncated"] is True
    assert len(report["reps"]) >= 1
    assert report["video"]["frames"] == len(frames)  # every frame delivered was posed
    assert cam.closed


def test_a_camera_that_is_not_there_is_one_clear_line() -> None:
    r = run("live", "--camera", "9", "--headless", "--mute")
    _no_traceback(r)
    assert r.exit_code == CameraError.exit_code
    assert "camera 9" in r.output


def test_without_a_display_it_asks_for_headless(tmp_path: Path, monkeypatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is Linux's (X11 or Wayland)")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    r = run("live", "--source", f"{ARCHED}.mp4", "--mute")
    _no_traceback(r)
    assert r.exit_code != 0
    assert "--headless" in r.output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupting_the_process_saves_the_session(tmp_path: Path, sig: signal.Signals) -> None:
    """Ctrl-C or a plain `kill` mid-set: the session so far is summarised and written."""
    out_json = tmp_path / "s.json"
    cmd = [sys.executable, "-m", "formcheck", "live", "--source", f"{ARCHED}.mp4", "--speed", "0.5",
           "--headless", "--mute", "--json", str(out_json)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read_stderr() -> None:
        for line in proc.stderr:
            lines.append(line)
            if line.strip() == "sound muted":  # said once the landmarkers are loaded and frames flow
                ready.set()
        ready.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    # Start-up (imports, two landmarkers) took over 6 s on two busy cores; the deadline only
    # catches a hang. The clip then plays from its first frame: 4 s is 2 s of the 23 s session.
    assert ready.wait(180) and proc.poll() is None, "".join(lines)
    time.sleep(4.0)
    assert proc.poll() is None, "".join(lines)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    reader.join(timeout=10)
    err = "".join(lines)
    assert "Traceback" not in err
    assert proc.returncode == 0, err
    assert "frames processed" in err
    report = json.loads(out_json.read_text())
    assert 0 < report["video"]["duration_s"] < 11.0
    assert report["video"]["truncated"] is False


# --------------------------------------------------------------------------- the window


def _xvfb() -> str:
    """Debian's Xvfb. Missing: fail, unless the developer opted out."""
    exe = shutil.which("Xvfb")
    if exe:
        return exe
    how = ("Xvfb not found: `sudo apt-get install -y --no-install-recommends xvfb` (tools/test_deps.sh "
           "does it); set FORMCHECK_ALLOW_NO_XVFB=1 to skip the window test")
    if os.environ.get("FORMCHECK_ALLOW_NO_XVFB") == "1":
        pytest.skip(how)
    pytest.fail(how)


def read_xwd(path: Path) -> np.ndarray:
    """A 24/32-bit TrueColor XWD screen dump (Xvfb's -fbdir file) as BGR."""
    data = path.read_bytes()
    head = np.frombuffer(data[:100], dtype=">u4")
    header_size, depth, width, height, byte_order = head[0], head[3], head[4], head[5], head[7]
    bits_per_pixel, bytes_per_line, ncolors = head[11], head[12], head[19]
    assert depth == 24 and bits_per_pixel == 32, (depth, bits_per_pixel)
    offset = int(header_size + 12 * ncolors)
    rows = np.frombuffer(data, np.uint8, int(bytes_per_line * height), offset).reshape(height, -1)
    px = rows[:, : width * 4].reshape(height, width, 4)
    return (px[..., :3] if byte_order == 0 else px[..., 3:0:-1]).copy()


def _window_session(tmp: Path) -> tuple[list[np.ndarray], Path, str]:
    """Run live in a window on a fresh Xvfb; the non-black screenshots taken while it ran."""
    exe = _xvfb()
    fb = tmp / "fb"
    fb.mkdir(parents=True)
    read_fd, write_fd = os.pipe()  # Xvfb picks a free display and writes its number here
    xvfb = subprocess.Popen([exe, "-displayfd", str(write_fd), "-screen", "0", "1024x768x24",
                             "-fbdir", str(fb), "-br", "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    os.close(write_fd)
    shots: list[np.ndarray] = []
    rec = tmp / "s.mp4"
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number, f"Xvfb did not start: {xvfb.stderr.read() if xvfb.poll() is not None else ''}"
        screen = fb / "Xvfb_screen0"
        env = dict(os.environ, DISPLAY=f":{number}")
        env.pop("WAYLAND_DISPLAY", None)
        live = subprocess.Popen(
            [sys.executable, "-m", "formcheck", "live", "--source", f"{ARCHED}.mp4", "--mute",
             "--max-seconds", "8", "--record", str(rec)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while live.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
            shot = read_xwd(screen)
            if shot.max() > 0:
                shots.append(shot)
        _, err = live.communicate(timeout=60)
        assert live.returncode == 0, err
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return shots, rec, err


def test_the_window_shows_the_annotated_frames(tmp_path: Path) -> None:
    """On a virtual screen, the window opens and shows the overlay: a screenshot taken mid-set
    matches one of the session's recorded (annotated) frames, and none of the plain source's.

    Qt on Xvfb with no window manager, on a machine busy with other tests, has left a window
    unpainted: 3 of 5 times under two busy cores before render.window's fix, and once since in
    a full test run. One more try is allowed for that, never for a wrong picture."""
    for attempt in range(2):
        shots, rec, err = _window_session(tmp_path / f"try{attempt}")
        if shots:
            break
    assert shots, f"nothing was ever drawn on the screen, twice; formcheck said: {err}"
    recorded, raw = _frames_of(rec), _frames_of(Path(f"{ARCHED}.mp4"))
    h, w = recorded[0].shape[:2]
    shot = shots[len(shots) // 2]
    ys, xs = np.nonzero(shot.max(axis=2) > 0)
    window = shot[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    assert abs(window.shape[1] / window.shape[0] - w / h) < 0.03  # the whole picture, in proportion
    window = cv2.resize(window, (w, h), interpolation=cv2.INTER_AREA).astype(np.int16)
    to_recorded = min(np.abs(window - f).mean() for f in recorded)
    to_raw = min(np.abs(window - f).mean() for f in raw)
    assert to_recorded < 6.0, to_recorded  # the frame shown, up to the recording's compression
    assert to_raw > 3 * to_recorded, (to_raw, to_recorded)


# --------------------------------------------------------------------------- parts


class _Fast:
    """A source as fast as the machine can read: 200 numbered frames."""

    info = VideoInfo(source="fast", width_px=4, height_px=4, fps_nominal=30.0, n_frames_nominal=200,
                     duration_s=200 / 30)

    def __iter__(self):
        for i in range(200):
            yield i / 30.0, np.full((4, 4, 3), i % 256, np.uint8)

    def close(self) -> None:
        pass


def test_latest_frame_drops_what_the_reader_cannot_keep_up_with() -> None:
    """A slow reader gets the newest frame each time, in order, never a backlog."""
    src = LatestFrame(_Fast(), paced=True, speed=4.0).start()  # 200 frames over ~1.7 s
    got = []
    t0 = time.monotonic()
    while (cap := src.get(5.0)) is not None:
        got.append(cap.index)
        time.sleep(0.03)  # a reader slower than the 120 frames/s delivered
    took_s = time.monotonic() - t0
    assert src.end == "ended" and src.read == 200
    assert got == sorted(got) and len(set(got)) == len(got)
    assert len(got) < 100 and src.taken == len(got)
    assert took_s >= 0.9 * (199 / 30.0) / 4.0  # paced: it did not run ahead of the clip's clock
    assert got[-1] >= 190  # the last frames were not lost behind old ones


def test_a_file_starts_playing_when_its_first_frame_is_taken() -> None:
    """The file's clock starts when the first frame is asked for, not when it is opened: loading
    the pose model takes seconds (15 s for two landmarkers on two busy cores), and a clock started
    at open skipped the clip's start (the first 8 s of a 21 s set, 3 of its 10 reps)."""
    src = LatestFrame(_Fast(), paced=True, speed=4.0).start()  # 200 frames over ~1.7 s
    time.sleep(2.5)  # longer than the whole clip takes to play
    assert src.read == 1 and src.end == ""  # the first frame is held, the rest wait for it
    t0 = time.monotonic()
    first = src.get(5.0)
    assert first.index == 0 and first.wall_s >= t0  # due when taken
    got = [first.index]
    while (cap := src.get(5.0)) is not None:
        got.append(cap.index)
    assert src.end == "ended" and src.read == 200 and got[-1] == 199
    assert time.monotonic() - t0 >= 0.9 * (199 / 30.0) / 4.0  # then paced from there


def test_recorder_holds_frames_over_drops_to_keep_real_time(tmp_path: Path) -> None:
    rec = ConstantRateRecorder(tmp_path / "r.mp4", (64, 48), fps=10.0)
    for t, v in [(5.0, 0), (5.1, 50), (5.5, 100), (6.0, 150)]:  # 3 and 4 frames dropped
        rec.add(t, np.full((48, 64, 3), v, np.uint8))
    rec.close()
    frames = _frames_of(tmp_path / "r.mp4")
    assert len(frames) == 11  # 0.0 .. 1.0 s at 10 fps
    levels = [round(float(f.mean()) / 50) * 50 for f in frames]
    assert levels == [0, 50, 50, 50, 50, 100, 100, 100, 100, 100, 150]


def test_live_frames_are_the_files_frames_in_bgr() -> None:
    """What live reads is what the file holds (a colour swap here once fed the model BGR)."""
    from formcheck.io.live_source import open_live
    from formcheck.io.video import open_video

    with open_video(f"{ARCHED}.mp4") as video:
        want = {round(t, 4): f for t, f in video}
    src = open_live(path=f"{ARCHED}.mp4", speed=4.0, max_side_px=960)  # 360x640: not shrunk
    got = []
    while (cap := src.get(5.0)) is not None:
        got.append(cap)
    assert len(got) > 10
    assert all(np.array_equal(c.frame, want[round(c.t_s, 4)]) for c in got)
    small = open_live(path=f"{ARCHED}.mp4", speed=4.0, max_side_px=320)
    cap = small.get(5.0)
    small.stop()
    assert cap.frame.shape == (320, 180, 3) and (small.info.width_px, small.info.height_px) == (180, 320)
