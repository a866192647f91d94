"""formcheck.outputs: what is written, checked before any work, in which order, and never half.

No pose model runs here: the report comes from a stored pose file and the annotated video's pass
is replaced by a stand-in that records what had been written when it ran.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from formcheck import outputs as out_mod
from formcheck.api import analyze_with_pose
from formcheck.cli import main
from formcheck.errors import CameraError, FormcheckError, InvalidOption, PartialVideo
from formcheck.io.video_writer import AnnotatedVideo
from formcheck.live import LiveSession, LiveStats
from formcheck.outputs import Outputs, save_session, write_outputs, write_pose_outputs

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kb_deadlift_side.pose.npz"
JPEG = b"\xff\xd8\xff\xe0 a still"


@pytest.fixture(scope="module")
def analysed():
    return analyze_with_pose(SAMPLE)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- Outputs.check


@pytest.mark.parametrize("outputs, source, kind, words", [
    (Outputs(video="v.mp4"), "set.pose.npz", InvalidOption, "is a pose file"),
    (Outputs(json="no/such/r.json"), None, FormcheckError, "the folder no/such does not exist"),
    (Outputs(cues_wav="no/c.wav"), None, FormcheckError, "the folder no does not exist"),
    (Outputs(pose="p.npz"), None, FormcheckError, "pose files must end in .pose.npz"),
])
def test_check_finds_what_cannot_be_written(tmp_path, monkeypatch, outputs, source, kind, words) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(kind, match=words):
        outputs.check(source)


def test_check_passes_stdout_and_existing_folders(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Outputs(json="-", csv="-", report="-", video="v.mp4", pose="p.pose.npz", cues_wav="c.wav").check("set.mp4")
    assert list(tmp_path.iterdir()) == []  # checking writes nothing


@pytest.mark.parametrize("args", [
    ("pose", "missing.mp4", "-o", "no/such/p.pose.npz"),
    ("pose", "missing.mp4", "-o", "p.npz"),
    ("live", "--camera", "9", "--record", "no/such/s.mp4"),
    ("live", "--camera", "9", "--save-pose", "s.npz"),
])
def test_bad_outputs_fail_before_any_work(tmp_path, monkeypatch, args) -> None:
    """Before the video or camera is even opened: the error is about the output, exit 1."""
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 1, r.output
    assert r.output.startswith("formcheck: error: ") and r.output.count("\n") == 1
    assert "does not exist" in r.output or "must end in .pose.npz" in r.output


# --------------------------------------------------------------------------- order


class _Video:
    """Stands in for the annotated video's pass: notes what the page held when it ran, and
    fills the requested stills (or fails, as an interrupted pass would)."""

    def __init__(self, page: Path | None, fail: bool = False) -> None:
        self.page, self.fail, self.page_then = page, fail, None

    def __call__(self, video, pose, report, out, progress=None, config=None, stills=None):
        if self.page is not None and self.page.exists():
            self.page_then = self.page.read_text(encoding="utf-8")
        if self.fail:
            raise FormcheckError(f"cannot write {out}: stopped")
        for t in stills or {}:
            stills[t] = JPEG
        return AnnotatedVideo(Path(out), "mp4v")


def test_page_first_then_video_then_page_with_its_stills(tmp_path, monkeypatch, analysed) -> None:
    report, pose = analysed
    page = tmp_path / "set.html"
    fake = _Video(page)
    monkeypatch.setattr(out_mod, "write_annotated_video", fake)
    monkeypatch.setattr(out_mod, "still_times_s", lambda _report: [3.0, 7.5])
    said, warned, printed = [], [], []
    write_outputs(report, pose, "set.mp4", Outputs(video=str(tmp_path / "v.mp4"), report=str(page), summary=True),
                  say=said.append, warn=warned.append, out=printed.append)
    assert fake.page_then is not None and "data:image/jpeg" not in fake.page_then
    assert page.read_text(encoding="utf-8").count("data:image/jpeg") == 2
    assert said == [f"annotated video written to {tmp_path / 'v.mp4'} (mp4v)", f"report written to {page}"]
    assert len(warned) == 1 and "H.264" in warned[0]
    assert len(printed) == 1 and printed[0].startswith("Hip hinge, 10 reps")  # the summary


def test_an_interrupted_video_keeps_everything_written_before_it(tmp_path, monkeypatch, analysed) -> None:
    report, pose = analysed
    page, js = tmp_path / "set.html", tmp_path / "set.json"
    monkeypatch.setattr(out_mod, "write_annotated_video", _Video(page, fail=True))
    with pytest.raises(FormcheckError, match="stopped"):
        write_outputs(report, pose, "set.mp4", Outputs(json=str(js), video=str(tmp_path / "v.mp4"), report=str(page)))
    assert json.loads(js.read_text())["schema"] == "formcheck.report/2"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_to_stdout_is_the_page_alone_once(tmp_path, monkeypatch, analysed) -> None:
    """With --video the page waits for the video's stills and comes once; no summary beside it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("formcheck.api.analyze_with_pose", lambda *a, **k: analysed)
    monkeypatch.setattr(out_mod, "write_annotated_video", _Video(None))
    r = run("analyze", "set.mp4", "--video", "v.mp4", "--report", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("<!DOCTYPE html>") and r.stdout.count("<!DOCTYPE html>") == 1
    assert r.stdout.endswith("</html>\n\n")  # the page's own newline, then echo's
    assert "annotated video written to v.mp4" in r.stderr and "report written" not in r.stderr


def test_a_truncated_set_is_written_then_reported_partial(tmp_path, analysed) -> None:
    report, pose = analysed
    report.truncated = True
    try:
        js = tmp_path / "r.json"
        with pytest.raises(PartialVideo, match="was not read to the end"):
            write_outputs(report, pose, "cut.mp4", Outputs(json=str(js)))
        assert json.loads(js.read_text())["video"]["truncated"] is True
    finally:
        report.truncated = False


def test_pose_outputs_save_then_report_a_video_that_broke_off(tmp_path, analysed) -> None:
    _, pose = analysed
    printed = []
    dest = tmp_path / "p.pose.npz"
    with pytest.raises(PartialVideo, match="broke off early"):
        write_pose_outputs(pose, "cut.mp4", Outputs(pose=str(dest), summary=True), truncated=True, out=printed.append)
    assert dest.stat().st_size > 1000 and printed[0].startswith(f"saved {len(pose)} frames")


# --------------------------------------------------------------------------- live sessions


def _session(report, pose, error=None) -> LiveSession:
    stats = LiveStats(frames_read=12, frames_processed=10, wall_s=1.0, latency_ms=[40.0] * 10)
    return LiveSession("lost", stats, report, error, [(1.0, "enter")], pose)  # a camera, no recording


def test_a_session_is_saved_before_its_error_is_raised(tmp_path, analysed) -> None:
    report, pose = analysed
    js, page, p = tmp_path / "s.json", tmp_path / "s.html", tmp_path / "s.pose.npz"
    said, printed = [], []
    with pytest.raises(CameraError, match="gone"):
        save_session(_session(report, pose, CameraError("camera:0 gone")),
                     Outputs(json=str(js), report=str(page), pose=str(p), summary=True),
                     say=said.append, out=printed.append)
    assert json.loads(js.read_text())["schema"] == "formcheck.report/2" and p.exists()
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert said[0].startswith("live: 10 of 12 frames processed") and said[1] == f"report written to {page}"
    assert len(printed) == 1 and printed[0].startswith("Hip hinge")


def test_a_session_with_nothing_measured_writes_nothing(tmp_path) -> None:
    with pytest.raises(CameraError):
        save_session(_session(None, None, CameraError("no frame")), Outputs(json=str(tmp_path / "s.json")))
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- never half a file


def test_a_failed_write_leaves_the_good_file_and_no_debris(tmp_path, monkeypatch, analysed) -> None:
    report, pose = analysed
    js = tmp_path / "r.json"
    write_outputs(report, pose, SAMPLE, Outputs(json=str(js)))
    good = js.read_text()

    def half_then_full(self, text, encoding=None):
        with open(self, "w", encoding=encoding) as fh:
            fh.write(text[: len(text) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", half_then_full)
    with pytest.raises(FormcheckError, match=f"cannot write {js}: {os.strerror(errno.ENOSPC)}"):
        write_outputs(report, pose, SAMPLE, Outputs(json=str(js)))
    assert js.read_text() == good
    assert [f.name for f in tmp_path.iterdir()] == ["r.json"]


def test_a_replaced_file_is_like_one_written_in_place(tmp_path, analysed) -> None:
    """A new file gets the usual permissions, an old one keeps its own, a symlink stays a link
    to the rewritten file, and a device is written in place."""
    report, pose = analysed
    new, old, real, link = (tmp_path / n for n in ("new.json", "old.json", "real.json", "link.json"))
    plain = tmp_path / "plain"
    plain.write_text("x")
    old.write_text("{}")
    old.chmod(0o640)
    real.write_text("{}")
    link.symlink_to(real)
    for dest in (new, old, link, Path(os.devnull)):
        write_outputs(report, pose, SAMPLE, Outputs(json=str(dest)))
    assert stat.S_IMODE(new.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    assert link.is_symlink() and json.loads(real.read_text())["schema"] == "formcheck.report/2"
    assert Path(os.devnull).is_char_device()


def test_a_file_size_limit_keeps_the_good_report_and_says_so(tmp_path) -> None:
    """Under a file size limit (RLIMIT_FSIZE, as a full disk) the write fails: one line, exit 1,
    the good JSON from before still whole, no debris; it used to leave invalid JSON in place."""
    import resource
    import subprocess
    import sys

    js = tmp_path / "r.json"
    cmd = [sys.executable, "-m", "formcheck", "analyze", str(SAMPLE), "--json", str(js), "-q"]
    subprocess.run(cmd, check=True)
    good = js.read_text()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(good) // 2, len(good) // 2))

    done = subprocess.run([*cmd, "--csv", str(tmp_path / "r.csv")], capture_output=True, text=True,
                          preexec_fn=limit)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("formcheck: error: cannot write") and done.stderr.count("\n") == 1
    assert js.read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
