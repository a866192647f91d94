"""Stopping formcheck at any moment, and what it says while it runs (issue 12, findings 3-6).

The real command runs in a subprocess and gets real signals: Ctrl-C (SIGINT), SIGTERM and
kill -9, at start-up, while posing and while drawing the annotated video. Each must end with one
line saying it was interrupted (exit 130, never a traceback or a false "no person found"), keep
what was measured, and never leave a partial video under the name of a complete one. The stages
are recognised by what the command prints (its progress labels), not by sleeping a guessed time,
so a busy machine only makes them later.
"""

from __future__ import annotations

import json
import os
import queue
import re
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

from formcheck.cli import main
from formcheck.errors import Interrupted, ModelError

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT / "samples" / "synthetic_rdl_side.mp4"  # 351 frames, 11.7 s: a three-rep set
POSE = ROOT / "samples" / "kb_deadlift_side.pose.npz"
STAGE_TIMEOUT_S = 300.0  # a stage not reached in this long is a hang, loaded machine or not


def _ctrl_c_reaches_it() -> None:
    """Ctrl-C as a terminal delivers it: a shell running the suite in the background starts it
    with SIGINT ignored, and a process that starts so keeps ignoring it (as it should)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Run:
    """``python -m formcheck ARGS`` with its stderr read line by line as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "formcheck", *args], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})}, preexec_fn=_ctrl_c_reaches_it,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, word: str) -> None:
        """Until a stderr line starting with ``word`` (a progress label, a status line)."""
        deadline = time.monotonic() + STAGE_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1.0)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"ended before {word!r}: {''.join(self.err)}")
            self.err.append(line)
            if line.startswith(word):
                return
        raise AssertionError(f"no {word!r} within {STAGE_TIMEOUT_S} s")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def finish(self) -> tuple[int, str]:
        """Exit code and all of stderr."""
        code = self.proc.wait(timeout=STAGE_TIMEOUT_S)
        while (line := self.lines.get(timeout=10)) is not None:
            self.err.append(line)
        return code, "".join(self.err)


def _one_interrupted_line(code: int, err: str) -> str:
    assert code == Interrupted.exit_code, err
    assert "Traceback" not in err and "Aborted" not in err, err
    said = [ln for ln in err.splitlines() if ln.startswith("formcheck:")]
    assert len(said) == 1 and ("interrupted" in said[0] or "stopped" in said[0]), err
    assert "no person found" not in err, err
    return said[0]


# --------------------------------------------------------------------------- Ctrl-C and SIGTERM


def _loaded(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc/PID/maps to see the imports")
@pytest.mark.parametrize("library", ["cv2", "ai_edge_litert"])
def test_ctrl_c_while_the_modules_load_is_one_line(tmp_path, library) -> None:
    """Ctrl-C the moment OpenCV's or the pose backend's library (LiteRT, since issue 17) is mapped
    in (the command's imports): one line, exit 130, nothing written. It was a KeyboardInterrupt
    traceback."""
    run = Run("analyze", str(VIDEO), "--json", str(tmp_path / "r.json"), "-q")
    deadline = time.monotonic() + STAGE_TIMEOUT_S
    while not _loaded(run.proc.pid, library):
        assert run.proc.poll() is None and time.monotonic() < deadline, f"{library} never loaded"
        time.sleep(0.005)
    run.signal(signal.SIGINT)
    line = _one_interrupted_line(*run.finish())
    if "before anything was measured" in line:
        assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_pose_run_keeps_what_was_measured(tmp_path, sig) -> None:
    """Part-way through posing, Ctrl-C or SIGTERM: the frames posed are analysed and written,
    marked interrupted, and the command says so (exit 130). It used to say "no person found"
    (exit 5) or, for SIGTERM, die with nothing written."""
    js = tmp_path / "r.json"
    run = Run("analyze", str(VIDEO), "--json", str(js))
    run.wait_for("pose")  # the bar's label: the first frame is posed
    time.sleep(2.0)
    run.signal(sig)
    line = _one_interrupted_line(*run.finish())
    if "too soon to analyse" in line:  # an honest outcome when very few frames were posed
        assert not js.exists()
        return
    assert "interrupted after" in line and str(js) in line, line
    report = json.loads(js.read_text())
    assert report["video"]["interrupted"] is True and report["video"]["truncated"] is False
    assert 0 < report["video"]["frames"] < 351
    assert any("stopped by the user" in w for w in report["warnings"])


def test_interrupting_formcheck_pose_saves_the_frames_posed(tmp_path) -> None:
    out = tmp_path / "s.pose.npz"
    run = Run("pose", str(VIDEO), "-o", str(out))
    run.wait_for("pose")
    time.sleep(1.0)
    run.signal(signal.SIGINT)
    line = _one_interrupted_line(*run.finish())
    assert "saved the" in line and out.is_file()
    from formcheck.io.landmarks import load_pose

    assert 0 < len(load_pose(out)) < 351


# --------------------------------------------------------------------------- the annotated video


def _frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    cap.release()
    return n


def test_ctrl_c_while_drawing_keeps_the_part_as_partial(tmp_path) -> None:
    """The video pass interrupted: the JSON stays, the frames drawn are finished as
    NAME.partial.mp4, and nothing sits under NAME.mp4 (a valid-looking part of the set was left
    there, unmarked)."""
    js, video = tmp_path / "r.json", tmp_path / "set.mp4"
    run = Run("analyze", str(VIDEO), "--json", str(js), "--video", str(video))
    run.wait_for("video")
    time.sleep(1.0)
    run.signal(signal.SIGINT)
    line = _one_interrupted_line(*run.finish())
    assert not video.exists()
    partial = tmp_path / "set.partial.mp4"
    assert "interrupted while drawing" in line and str(partial) in line and str(js) in line, line
    assert 0 < _frames(partial) < 351
    assert json.loads(js.read_text())["video"]["interrupted"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "set.partial.mp4"]


def test_kill_9_while_drawing_leaves_no_video_under_its_name(tmp_path) -> None:
    js, video = tmp_path / "r.json", tmp_path / "set.mp4"
    run = Run("analyze", str(VIDEO), "--json", str(js), "--video", str(video))
    run.wait_for("video")
    time.sleep(1.0)
    run.signal(signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    assert not video.exists() and not (tmp_path / "set.partial.mp4").exists()
    assert json.loads(js.read_text())["schema"] == "formcheck.report/2"
    # what the encoder had written is under a hidden name that says it is a part
    assert all(p.name.startswith(".set.") and p.name.endswith(".part.mp4")
               for p in tmp_path.iterdir() if p.name != "r.json")


# --------------------------------------------------------------------------- live


def test_live_stopped_while_the_model_loads_says_nothing_was_saved(tmp_path) -> None:
    """SIGTERM before the first frame is analysed: it exited 0 with no JSON and no word."""
    js = tmp_path / "s.json"
    run = Run("live", "--source", str(VIDEO), "--headless", "--mute", "--json", str(js))
    run.wait_for("live from")  # said just before the models load
    run.signal(signal.SIGTERM)
    line = _one_interrupted_line(*run.finish())
    assert not js.exists()
    assert str(js) in line or "nothing was written" in line, line


# --------------------------------------------------------------------------- what is printed


def _damaged_copy(tmp_path: Path) -> Path:
    """The sample with bytes flipped in its frame data (seeded): FFmpeg logs decode errors."""
    data = bytearray(VIDEO.read_bytes())
    mdat = data.find(b"mdat")
    rng = np.random.default_rng(7)
    for at in rng.integers(mdat + 5000, len(data) - 100, 40):
        data[at] ^= 0xFF
    out = tmp_path / "damaged.mp4"
    out.write_bytes(bytes(data))
    return out


def test_native_log_lines_stay_off_the_terminal(tmp_path) -> None:
    """FFmpeg's decode errors (up to 167 lines) printed before formcheck's own lines. With
    FORMCHECK_NATIVE_LOG=1 they still show (the control: this clip does make them)."""
    clip = _damaged_copy(tmp_path)
    shown = Run("analyze", str(clip), "-q", env={"FORMCHECK_NATIVE_LOG": "1"})
    _code, err = shown.finish()
    assert re.search(r"^\[\w+ @ 0x[0-9a-f]+\] ", err, re.M), err[-2000:]
    quiet = Run("analyze", str(clip), "-q")
    _code, err = quiet.finish()
    lines = err.splitlines()
    assert all(ln.startswith(("formcheck:", "warning:")) for ln in lines), err[-2000:]


def test_an_unreadable_path_is_not_a_usage_block(monkeypatch) -> None:
    """click checked readability itself and printed its three-line usage block; the file is
    formcheck's to read and explain (io.video._check_file: 'cannot read ...', exit 3)."""
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    r = CliRunner().invoke(main, ["analyze", str(POSE), "-q"])
    assert "Usage:" not in r.output and r.exit_code == 0, r.output


def test_a_folder_given_as_the_model_is_one_line(tmp_path) -> None:
    r = CliRunner().invoke(main, ["analyze", str(VIDEO), "--model", str(tmp_path), "-q"])
    assert r.exit_code == ModelError.exit_code and "Usage:" not in r.output
    assert r.output.startswith("formcheck: error: pose model is a folder"), r.output
