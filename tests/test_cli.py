"""The command line: output files, help text, and bad input turned into clear exits."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from conftest import POSES
from formcheck.cli import main
from formcheck.errors import InputNotFound, NoPersonFound, NotAVideo, PartialVideo

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kb_deadlift_side.pose.npz"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_every_command_has_help() -> None:
    for name, cmd in main.commands.items():
        assert cmd.help, name
        r = run(name, "--help")
        assert r.exit_code == 0 and "Usage" in r.output


def test_help_is_fast_to_import() -> None:
    import subprocess
    import sys

    code = "import sys, formcheck.cli; print('cv2' in sys.modules, 'mediapipe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_analyze_bundled_sample_prints_verdict_and_table() -> None:
    r = run("analyze", str(SAMPLE))
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Hip hinge, 10 reps")
    assert "semimembranosus" in r.output and "rep" in r.output


@pytest.mark.parametrize("name, family", [("RDL", "hinge"), ("nordic", "knee_flexion"), ("squat", "squat")])
def test_exercise_takes_the_names_lifters_use(name: str, family: str) -> None:
    r = run("analyze", str(SAMPLE), "--exercise", name, "--json", "-", "-q")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["exercise"]["family"] == family and data["exercise"]["source"] == "given"


def test_json_to_stdout_is_the_only_output(tmp_path: Path) -> None:
    r = run("analyze", str(SAMPLE), "--json", "-", "-q")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["schema"] == "formcheck.report/2"
    assert len(data["reps"]) == 10
    rep = data["reps"][0]
    assert rep["eccentric_s"] > 0 and rep["concentric_s"] > 0
    assert set(rep["zones"]) == {"left", "right"}


def test_csv_has_a_row_per_frame_with_reasons(tmp_path: Path) -> None:
    out = tmp_path / "frames.csv"
    r = run("analyze", str(SAMPLE), "--csv", str(out), "-q")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1262
    assert {"t_s", "knee_left_deg", "knee_left_conf", "knee_left_missing", "zone_left", "rep",
            "phase", "lumbar_extension_deg"} <= set(rows[0])
    # toe rotation from a side view is missing with its reason, not 0
    assert all(row["toe_left_deg"] == "" for row in rows)
    assert rows[0]["toe_left_missing"] == "not measurable from this view"
    reps = {int(row["rep"]) for row in rows}
    assert reps == set(range(11))
    t = [float(row["t_s"]) for row in rows]
    assert all(b > a for a, b in zip(t, t[1:]))


@pytest.mark.parametrize("setup,code", [
    ("missing", InputNotFound.exit_code),
    ("directory", InputNotFound.exit_code),
    ("text", NotAVideo.exit_code),
    ("empty", NotAVideo.exit_code),
    ("bad_pose_file", NotAVideo.exit_code),
])
def test_bad_input_is_one_clear_line_and_its_own_exit_code(tmp_path: Path, setup: str, code: int) -> None:
    path = tmp_path / "set.mp4"
    if setup == "directory":
        path.mkdir()
    elif setup == "text":
        path.write_text("this is not a video\n")
    elif setup == "empty":
        path.write_bytes(b"")
    elif setup == "bad_pose_file":
        path = tmp_path / "set.pose.npz"
        path.write_bytes(b"PK\x03\x04 broken")
    r = run("analyze", str(path))
    _no_traceback(r)
    assert r.exit_code == code
    lines = [ln for ln in r.output.strip().splitlines() if ln.startswith("formcheck: error")]
    assert len(lines) == 1 and str(path.name) in lines[0]


def test_exit_codes_are_distinct() -> None:
    from formcheck import errors

    kinds = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.FormcheckError)]
    codes = [k.exit_code for k in kinds if k is not errors.FormcheckError]
    assert len(codes) == len(set(codes))


def test_video_with_no_person_exits_no_person(tmp_path: Path) -> None:
    path = tmp_path / "empty_room.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (160, 120))
    rng = np.random.default_rng(0)
    for _ in range(15):
        w.write((rng.random((120, 160, 3)) * 60 + 80).astype(np.uint8))
    w.release()
    r = run("analyze", str(path), "-q")
    _no_traceback(r)
    assert r.exit_code == NoPersonFound.exit_code
    assert "no person" in r.output


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    for _ in range(3):
        w.write(np.zeros((48, 64, 3), np.uint8))
    w.release()
    r = run("analyze", str(path), "--model", str(tmp_path / "nope.task"))
    _no_traceback(r)
    assert r.exit_code == 6 and "pose model not found" in r.output


def test_save_pose_round_trips_through_analyze(tmp_path: Path) -> None:
    out = tmp_path / "again.pose.npz"
    r = run("analyze", str(POSES / "squat_side_01.pose.npz"), "--save-pose", str(out), "-q")
    assert r.exit_code == 0
    again = run("analyze", str(out), "--json", "-", "-q")
    assert json.loads(again.output)["exercise"]["family"] == "squat"


@pytest.mark.footage
def test_truncated_video_still_reports_what_was_measured(footage, tmp_path: Path) -> None:
    """A set that breaks off half-way: the report is printed, then exit 7 (PartialVideo)."""
    src = cv2.VideoCapture(str(footage / "deadlift_side_02.mp4"))
    path = tmp_path / "cut.avi"
    writer = None
    while True:
        ok, frame = src.read()
        if not ok:
            break
        if writer is None:
            h, w = frame.shape[:2]
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 23.976, (w, h))
        writer.write(frame)
    writer.release()
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    out_json = tmp_path / "r.json"
    r = run("analyze", str(path), "--json", str(out_json))
    _no_traceback(r)
    assert r.exit_code == PartialVideo.exit_code
    report = json.loads(out_json.read_text())
    assert report["video"]["truncated"] is True
    assert 0 < report["video"]["frames"] < 279
    assert "broke off" in r.output


def test_video_option_needs_the_video_not_a_pose_file(tmp_path: Path) -> None:
    r = run("analyze", str(SAMPLE), "--video", str(tmp_path / "out.mp4"), "-q")
    assert r.exit_code == 2
    assert "pose file" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "out.mp4").exists()


def test_html_report_from_a_pose_file(tmp_path: Path) -> None:
    out = tmp_path / "set.html"
    r = run("analyze", str(SAMPLE), "--report", str(out), "-q")
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "Hip hinge, 10 reps" in page
    assert "data:image/jpeg" not in page  # a pose file has no pixels to show


def test_video_and_report_from_a_rendered_set(tmp_path: Path) -> None:
    """One pass of the pose model, then the annotated video and a report with stills of the
    flagged reps (the rendered lifter arches the low back in both)."""
    clip = Path(__file__).parent / "data" / "renders15" / "rdl_arched15_b34_y75_p5.mp4"
    video, page = tmp_path / "annotated.mp4", tmp_path / "set.html"
    r = run("analyze", str(clip), "--video", str(video), "--report", str(page), "-q")
    assert r.exit_code == 0, r.output
    assert video.stat().st_size > 10_000
    html = page.read_text(encoding="utf-8")
    assert html.count("data:image/jpeg") == 2


@pytest.mark.parametrize("option", ["--video", "--report", "--json", "--csv"])
def test_output_into_a_missing_folder_fails_before_any_work(tmp_path: Path, option: str) -> None:
    clip = Path(__file__).parent / "data" / "renders" / "rdl_y90_p0_b5_arched_soft_neutral.mp4"
    r = run("analyze", str(clip), option, str(tmp_path / "no" / "such" / "out.x"), "-q")
    assert r.exit_code == 1
    assert "does not exist" in r.output and "Traceback" not in r.output


def test_the_pose_bar_shows_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the pose run shows its bar to the end, though each landmarker points fd 2
    at /dev/null for a moment while it loads (a bar opened then used to stay hidden)."""
    import os
    import pty
    import subprocess
    import sys

    video = Path(__file__).resolve().parents[1] / "samples" / "synthetic_rdl_side.mp4"
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "formcheck", "pose", str(video), "-o", str(tmp_path / "s.pose.npz")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary,
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=300) == 0
    os.close(primary)
    assert b"pose" in seen and b"351/351" in seen, seen[-500:]
