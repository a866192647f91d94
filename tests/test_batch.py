"""formcheck batch: inputs, job keys, the results database, the local pool, and the command.

Sets are stored pose files (tests/data/poses, analysed without the model) and one committed
rendered video, so the whole batch runs here in seconds; broken inputs are made on the spot.
The Ray engine is tested on a real local Ray cluster in test_batch_ray.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import formcheck
from formcheck.batching import jobs as jobs_module
from formcheck.batching.inputs import find_inputs
from formcheck.batching.jobs import JobOptions, make_job
from formcheck.batching.store import SCHEMA_VERSION, Store, StoreError
from formcheck.batching.worker import JobResult
from formcheck.cli import main
from formcheck.errors import InputNotFound, InvalidOption, SetsFailed

DATA = Path(__file__).parent / "data"
POSES = sorted((DATA / "poses").glob("*.pose.npz"))
VIDEO = DATA / "renders15" / "rdl_arched15_b34_y75_p5.mp4"
TIMINGS = ("seconds", "peak_rss_mb", "worker", "recorded_at")


def make_sets(folder: Path, n_good: int, broken: int = 0) -> list[Path]:
    """``n_good`` pose files (copies of the stored ones) and ``broken`` unreadable 'videos'."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, src in enumerate(POSES[:n_good]):
        dst = folder / f"2026-11-0{1 + k % 3}-{src.name}"
        shutil.copy(src, dst)
        out.append(dst)
    kinds = [b"this is not a video\n", b"", (DATA / "renders15" / VIDEO.name).read_bytes()[:3000]]
    for k in range(broken):
        dst = folder / f"broken_{k}.mp4"
        dst.write_bytes(kinds[k % len(kinds)])
        out.append(dst)
    return out


def rows(db: Path, table: str) -> list[tuple]:
    """A table's rows without the columns that time a run, sorted."""
    con = sqlite3.connect(db)
    try:
        cur = con.execute(f"select * from {table}")
        names = [d[0] for d in cur.description]
        keep = [i for i, n in enumerate(names) if n not in TIMINGS]
        return sorted(tuple(r[i] for i in keep) for r in cur.fetchall())
    finally:
        con.close()


def count(db: Path, table: str, where: str = "1") -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"select count(*) from {table} where {where}").fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------- inputs and keys


def test_inputs_from_folders_csv_and_globs(tmp_path: Path) -> None:
    (tmp_path / "anna").mkdir()
    (tmp_path / "anna" / "VID_20261102_101500.mp4").write_bytes(b"x")
    (tmp_path / "anna" / "notes.txt").write_text("not picked up from a folder")
    (tmp_path / "top.mov").write_bytes(b"x")
    listing = tmp_path / "sets.csv"
    listing.write_text("Path,Lifter,Date,Exercise,Notes\nanna/VID_20261102_101500.mp4,Anna B,2026-11-05,rdl,heavy\n"
                       "top.mov,Ben,,,\n")
    found = {i.path.name: i for i in find_inputs([str(tmp_path)])}
    assert set(found) == {"VID_20261102_101500.mp4", "top.mov"}
    assert (found["VID_20261102_101500.mp4"].lifter, found["VID_20261102_101500.mp4"].date) == ("anna", "2026-11-02")
    assert found["VID_20261102_101500.mp4"].date_from == "name" and found["top.mov"].date_from == "file time"

    listed = find_inputs([str(listing)])
    assert [(i.path.name, i.lifter, i.date, i.exercise, i.notes) for i in listed] == [
        ("VID_20261102_101500.mp4", "Anna B", "2026-11-05", "hinge", "heavy"), ("top.mov", "Ben", "", None, "")
    ] or listed[1].date  # top.mov's date comes from its file time
    assert listed[0].date_from == "csv" and listed[1].date_from == "file time"
    # the first mention of a path wins; a glob picks files
    both = find_inputs([str(listing), str(tmp_path / "*" / "*.mp4")])
    assert len(both) == 2 and both[0].lifter == "Anna B"

    with pytest.raises(InputNotFound, match="does not exist"):
        find_inputs([str(tmp_path / "missing.mp4")])
    with pytest.raises(InputNotFound, match="no file matches"):
        find_inputs([str(tmp_path / "*.avi")])
    bad = tmp_path / "bad.csv"
    bad.write_text("video,exercise\ntop.mov,bench-press\n")
    with pytest.raises(InvalidOption, match="line 2: unknown exercise 'bench-press'"):
        find_inputs([str(bad)])
    bad.write_text("video,date\ntop.mov,5/11/26\n")
    with pytest.raises(InvalidOption, match="not a date like 2026-11-02"):
        find_inputs([str(bad)])
    bad.write_text("name,lifter\ntop.mov,Ben\n")
    with pytest.raises(InvalidOption, match="needs a column named path or video or file"):
        find_inputs([str(bad)])


def test_job_key_follows_content_version_and_options_not_labels(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "b.mp4"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    item_a, item_b = find_inputs([str(a), str(b)])
    base = make_job(item_a, JobOptions())
    assert make_job(item_b, JobOptions()).key == base.key  # same video elsewhere: one job
    assert make_job(item_a, JobOptions(exercise="squat")).key != base.key
    assert make_job(item_a, JobOptions(model_path="/m.task", model_sha256="ab")).key != base.key
    monkeypatch.setattr(jobs_module, "__version__", "99.0")
    assert make_job(item_a, JobOptions()).key != base.key
    monkeypatch.undo()
    a.write_bytes(b"other bytes")
    assert make_job(item_a, JobOptions()).key != base.key


# ---------------------------------------------------------------------- the database


@pytest.fixture(scope="module")
def squat_json() -> str:
    from formcheck.report.json_report import to_json

    return to_json(formcheck.analyze(DATA / "poses" / "squat_side_01.pose.npz"))


def test_a_set_is_recorded_whole_or_not_at_all(tmp_path: Path, squat_json: str, monkeypatch) -> None:
    from formcheck.batching import store as store_module

    src = tmp_path / "s.pose.npz"
    shutil.copy(DATA / "poses" / "squat_side_01.pose.npz", src)
    job = make_job(find_inputs([str(src)])[0], JobOptions())
    report = json.loads(squat_json)
    store = Store(tmp_path / "r.db")
    res = JobResult(job.key, squat_json, "<html></html>")

    def broken_faults(key: str, r: dict) -> list:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module, "_fault_rows", broken_faults)
    with pytest.raises(sqlite3.OperationalError):
        store.record_set(job, res, report, "sets/a.json", "sets/a.html")
    assert all(count(store.path, t) == 0 for t in ("sets", "reps", "zones", "faults"))
    monkeypatch.undo()

    store.record_set(job, res, report, "sets/a.json", "sets/a.html")
    assert count(store.path, "sets") == 1 and count(store.path, "reps") == len(report["reps"]) == 2
    assert count(store.path, "faults") == len(report["faults"]) > 0
    # zone seconds per head, leg and rep, and rep 0 for the set's reps together
    heads = len(report["zones"]["in_reps"]["left"]["seconds"])
    assert count(store.path, "zones") == heads * 2 * (1 + len(report["reps"]))
    summary = store.summaries()[0]
    legs = report["verdict_legs"] or ["left", "right"]
    for head in summary.zone_s:
        want = sum(report["zones"]["in_reps"][leg]["seconds"][head] or 0 for leg in legs)
        assert summary.zone_s[head] == pytest.approx(want)
    assert summary.family == "squat" and summary.faults == {"squatting": 2} and summary.page == "sets/a.html"

    # the same path with a new result (an option changed): the old one goes, with its files named
    job2 = make_job(find_inputs([str(src)])[0], JobOptions(exercise="hinge"))
    stale = store.record_set(job2, JobResult(job2.key, squat_json, ""), report, "sets/b.json", "sets/b.html")
    assert stale == ["sets/a.json", "sets/a.html"] and count(store.path, "sets") == 1
    assert count(store.path, "reps", f"set_key = '{job.key}'") == 0
    store.close()


def test_a_database_from_a_newer_formcheck_is_refused(tmp_path: Path) -> None:
    Store(tmp_path / "r.db").close()
    con = sqlite3.connect(tmp_path / "r.db")
    con.execute("update meta set value = ? where key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="written by a newer formcheck"):
        Store(tmp_path / "r.db")
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError, match="cannot use .*junk.db"):
        Store(tmp_path / "junk.db")


# ---------------------------------------------------------------------- batches


def test_ten_inputs_three_broken_give_seven_results_and_three_errors(tmp_path: Path) -> None:
    make_sets(tmp_path / "in", 7, broken=3)
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), str(tmp_path / "in" / "*.pose.npz"),
                                    "--out", str(out), "--workers", "2"])
    assert run.exit_code == SetsFailed.exit_code, run.output
    assert "3 of 10 set(s) could not be analysed" in run.output and "Traceback" not in run.output
    assert "sets" in run.output and "7 set(s) analysed, 3 failed" in run.output  # the bar and the summary
    db = out / "formcheck.db"
    assert count(db, "sets") == 7 and count(db, "errors") == 3
    errors = {r[0]: r[1:] for r in sqlite3.connect(db).execute("select name, exit_code, error, message from errors")}
    assert set(errors) == {"broken_0.mp4", "broken_1.mp4", "broken_2.mp4"}
    assert all(code == 4 and kind == "NotAVideo" and name in msg for name, (code, kind, msg) in errors.items())
    for name, page in sqlite3.connect(db).execute("select json_file, page_file from sets"):
        assert (out / name).is_file() and (out / page).is_file()
        assert json.loads((out / name).read_text())["schema"].startswith("formcheck.report/")
    dash = (out / "index.html").read_text()
    assert "broken_1.mp4" in dash and dash.count("sets/") >= 7

    # the spreadsheet: one row per set, failed ones with their message
    csv_run = CliRunner().invoke(main, ["batch", "--out", str(out), "--csv", "-"])
    assert csv_run.exit_code == 0, csv_run.output
    lines = csv_run.output.strip().splitlines()
    assert len(lines) == 11 and sum("failed (exit 4)" in line for line in lines) == 3


def test_a_rerun_skips_what_is_done_and_a_changed_option_reruns(tmp_path: Path) -> None:
    make_sets(tmp_path / "in", 3)
    out = tmp_path / "out"
    first = formcheck.batch([tmp_path / "in" / "*.pose.npz"], out, workers=1)
    assert len(first.analysed) == 3 and not first.failed
    before = rows(out / "formcheck.db", "sets")
    again = formcheck.batch([tmp_path / "in" / "*.pose.npz"], out, workers=1)
    assert again.analysed == [] and again.skipped == 3 and rows(out / "formcheck.db", "sets") == before

    changed = formcheck.batch([tmp_path / "in" / "*.pose.npz"], out, workers=1, exercise="squat")
    assert len(changed.analysed) == 3 and set(changed.analysed).isdisjoint(first.analysed)
    db = out / "formcheck.db"
    assert count(db, "sets") == 3 and count(db, "sets", "family = 'squat'") == 3
    assert len(list((out / "sets").iterdir())) == 6  # the superseded JSON and pages are gone
    # one file edited: only it runs again
    edited = sorted((tmp_path / "in").iterdir())[0]
    shutil.copy(POSES[5], edited)
    third = formcheck.batch([tmp_path / "in" / "*.pose.npz"], out, workers=1, exercise="squat")
    assert len(third.analysed) == 1 and third.skipped == 2


def test_the_batch_gives_what_analyze_gives(tmp_path: Path) -> None:
    """The batch's report for a video is `formcheck analyze --json`'s, byte for byte."""
    shutil.copy(VIDEO, tmp_path / "set.mp4")
    res = formcheck.batch([tmp_path / "set.mp4"], tmp_path / "out", workers=1)
    assert len(res.analysed) == 1
    run = CliRunner().invoke(main, ["analyze", str(tmp_path / "set.mp4"), "--json", str(tmp_path / "a.json"), "-q"])
    assert run.exit_code == 0, run.output
    (json_file,) = (tmp_path / "out" / "sets").glob("*.json")
    assert json_file.read_text() == (tmp_path / "a.json").read_text()


def _pool_workers(parent: int) -> list[int]:
    """Pids of the pool workers whose parent is ``parent`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"formcheck.batching.pool_worker" in cmd:
            out.append(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the pool's workers in /proc (Linux)")
def test_a_worker_that_dies_costs_only_its_own_set(tmp_path: Path) -> None:
    make_sets(tmp_path / "in", 4)
    killed: list[int] = []

    def kill_once(state) -> None:
        if state.done == 1 and not killed:
            (pid,) = _pool_workers(os.getpid())  # busy with the second set already
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    res = formcheck.batch([tmp_path / "in" / "*.pose.npz"], tmp_path / "out", workers=1, progress=kill_once)
    assert killed and len(res.analysed) == 3 and len(res.failed) == 1
    (msg,) = sqlite3.connect(tmp_path / "out" / "formcheck.db").execute("select message from errors").fetchone()
    assert "was killed by signal 9" in msg
    assert _pool_workers(os.getpid()) == []  # the pool's workers are gone after the batch


def make_videos(folder: Path) -> Path:
    """The committed rendered videos (posed for real: seconds each, so a batch over them is still
    running when it is stopped), copied into ``folder``; a glob naming them."""
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted((DATA / "renders").glob("*.mp4")) + sorted((DATA / "renders15").glob("*.mp4")):
        shutil.copy(src, folder / src.name)
    return folder / "*.mp4"


def _batch_cmd(inputs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "formcheck", "batch", str(inputs), "--out", str(out), "--workers", "1"]


def _wait_for_sets(db: Path, n: int, proc: subprocess.Popen, timeout_s: float = 120) -> int:
    t_end = time.monotonic() + timeout_s
    while time.monotonic() < t_end and proc.poll() is None:
        try:
            got = count(db, "sets")
        except sqlite3.Error:
            got = 0
        if got >= n:
            return got
        time.sleep(0.05)
    raise AssertionError(f"the batch did not record {n} sets in time (exit {proc.poll()})")


def test_kill_9_mid_batch_then_rerun_redoes_only_unfinished_sets(tmp_path: Path) -> None:
    videos = make_videos(tmp_path / "in")
    out = tmp_path / "out"
    db = out / "formcheck.db"
    proc = subprocess.Popen(_batch_cmd(videos, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_sets(db, 1, proc)
    proc.kill()  # kill -9: no handler runs
    proc.wait()
    deadline = time.monotonic() + 10
    while _pool_workers(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # an orphaned worker that lived on could still write: it must not
    done = {r[0] for r in sqlite3.connect(db).execute("select key from sets")}
    assert 1 <= len(done) < 8
    for key, n_reps in sqlite3.connect(db).execute("select key, n_reps from sets"):  # each set whole
        assert count(db, "reps", f"set_key = '{key}'") == n_reps
        assert count(db, "zones", f"set_key = '{key}' and rep = 0") > 0
    res = formcheck.batch([videos], out, workers=2)
    assert set(res.analysed).isdisjoint(done) and len(res.analysed) == 8 - len(done)
    assert res.skipped == len(done) and count(db, "sets") == 8


def test_ctrl_c_stops_cleanly_and_says_how_far_it_got(tmp_path: Path) -> None:
    videos = make_videos(tmp_path / "in")
    out = tmp_path / "out"
    proc = subprocess.Popen(_batch_cmd(videos, out), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_sets(out / "formcheck.db", 1, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted:" in err and "run the same command to go on" in err
    n = count(out / "formcheck.db", "sets")
    assert f"{n} set(s) analysed" in err and (out / "index.html").is_file()


@pytest.mark.browser
def test_the_batch_dashboard_draws_in_chromium_and_links_every_set(tmp_path: Path) -> None:
    import re

    from browser import browse

    make_sets(tmp_path / "in", 4, broken=1)
    out = tmp_path / "out"
    formcheck.batch([tmp_path / "in" / "*"], out, workers=2)
    b = browse(out / "index.html", tmp_path)
    assert b.console == [] and b.page_requests == []
    assert b.png.std() > 10 and "broken_0.mp4" in b.dom
    links = set(re.findall(r'href="(sets/[^"]+\.html)"', b.dom))
    assert len(links) == 4 and all((out / link).is_file() for link in links)
