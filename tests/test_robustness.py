"""Odd and damaged videos (issue 12): the quick robustness corpus through `formcheck analyze`.

The corpus (tools/robustness_corpus.py --quick) is made from the repository's rendered sample, so
no footage is needed: its first 3 s at 10 fps, trimmed without re-encoding at and between
keyframes, rotated by a display matrix, at a variable frame rate, and six seeded mutants (bytes
flipped and zeroed in the media data and the sample tables, two truncations). Every file runs as
the CLI in its own process, two at a time, classed as bench/robustness.py classes them (it runs
the full corpus of 250 files).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("imageio_ffmpeg")

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 120.0  # a 3-second clip; past this the run is a hang
DOCUMENTED_EXITS = {0, 4, 5, 7}  # ok, not a video, no person, broke off (README)


def _bench():
    spec = importlib.util.spec_from_file_location("robustness_bench", ROOT / "bench" / "robustness.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _bench()
rc = bench.rc


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory):
    """(corpus, {file name: classed run}) for the quick corpus, run once for the module."""
    corpus = rc.build(tmp_path_factory.mktemp("robustness"), quick=True)
    items = bench.select(corpus, None)
    runs = bench.run_all(corpus, items, bench.default_command(), jobs=2, timeout_s=TIMEOUT_S)
    bench.classify_all(items, runs)
    return corpus, runs


def _failing(runs: dict, failure: str) -> dict:
    return {name: (r.rc, r.last_line()) for name, r in runs.items() if failure in r.failures}


def test_the_quick_corpus_has_what_it_says(outcome) -> None:
    corpus, runs = outcome
    kinds = {i.kind for i in corpus.items}
    assert {"trim-key", "trim-nonkey", "rot90", "vfr"} <= kinds
    assert {"mdat-flip", "mdat-zero", "moov-flip", "moov-zero", "trunc"} <= kinds
    assert len(runs) == len(corpus.items) == 11
    trims = [i for i in corpus.items if i.trimmed]
    base = next(i for i in corpus.items if i.group == "base")
    assert all(0 < i.shown_frames < base.shown_frames for i in trims)  # the cuts really cut


@pytest.mark.parametrize("failure", ["traceback", "hang", "signal"])
def test_no_traceback_hang_or_signal(outcome, failure: str) -> None:
    _, runs = outcome
    assert not _failing(runs, failure)


def test_every_exit_is_a_documented_one(outcome) -> None:
    _, runs = outcome
    odd = {name: (r.rc, r.last_line()) for name, r in runs.items() if r.rc not in DOCUMENTED_EXITS}
    assert not odd


@pytest.mark.parametrize("code", [0, 7])
def test_exit_0_and_7_leave_a_valid_report(outcome, code: int) -> None:
    _, runs = outcome
    assert not _failing(runs, f"exit {code} without valid JSON")
    for r in runs.values():
        if r.rc == 7:
            assert r.doc["video"]["truncated"] is True, r.name


def test_intact_files_are_read_whole_and_not_called_broken(outcome) -> None:
    corpus, runs = outcome
    assert not _failing(runs, "intact called broken")
    for item in corpus.items:
        if item.intact:
            assert runs[item.name].rc == 0, (item.name, runs[item.name].last_line())


def test_trimmed_files_exit_0_with_every_shown_frame(outcome) -> None:
    _, runs = outcome
    assert not _failing(runs, "trimmed, not exit 0")
    assert not _failing(runs, "trimmed, not every shown frame")


def test_changed_reps_on_a_damaged_file_come_with_a_damage_warning(outcome) -> None:
    _, runs = outcome
    assert not _failing(runs, "reps changed without a damage warning")


def test_reports_count_damaged_frames(outcome) -> None:
    _, runs = outcome
    reports = [r for r in runs.values() if r.doc is not None]
    assert reports
    for r in reports:
        cov = r.doc["coverage"]
        assert isinstance(cov.get("damaged_frames"), int), r.name
        assert isinstance(cov.get("damaged_spans_s"), list), r.name
        if r.group != "mutant":
            assert cov["damaged_frames"] == 0, r.name


def test_the_corpus_is_the_same_every_time(tmp_path: Path) -> None:
    """Fixed seeds, single-threaded encoders, bit-exact muxing: two builds, the same bytes."""
    a, b = rc.build(tmp_path / "a", quick=True), rc.build(tmp_path / "b", quick=True)
    assert [i.name for i in a.items] == [i.name for i in b.items]
    for item in a.items:
        assert a.path(item).read_bytes() == b.path(item).read_bytes(), item.name
