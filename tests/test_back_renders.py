"""The low back's states on stored poses: rendered backs whose state is known exactly
(tests/data/renders15, from tools/synth/suite15.py: bodies 33-35, side-on), and the real
kettlebell sets' stored poses (tests/data/poses). The recorded analysis and live agree."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.live import LiveAnalyzer
from formcheck.analysis.pipeline import analyze_pose
from formcheck.config import Config
from formcheck.io.landmarks import load_pose
from formcheck.types import PoseCandidate, Report

DATA = Path(__file__).parent / "data"
RENDERS = DATA / "renders15"
POSES = DATA / "poses"
BACK_FAULTS = {"lumbar_extension", "lean_back", "back_rounded"}

# clip -> (state of every rep, fault kind), as rendered (lumbar or lean-back of 15-30 deg)
RENDERED = {
    "rdl_neutral_b35_y-90_p5": ("neutral", None),
    "rdl_arched15_b34_y75_p5": ("extended", "lumbar_extension"),
    "rdl_leanback25_b33_y90_p10": ("extended", "lean_back"),
    "rdl_rounded30_b34_y-90_p15": ("flexed", "back_rounded"),
}


@cache
def rendered(name: str) -> tuple[Report, list[dict]]:
    truth = json.loads((RENDERS / f"{name}.json").read_text())["reps"]
    return analyze_pose(load_pose(RENDERS / f"{name}.pose.npz")), truth


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_each_rendered_backs_state_is_found_in_every_rep(name: str) -> None:
    report, truth = rendered(name)
    state, kind = RENDERED[name]
    assert report.back.judged and report.back.arch_judged
    assert len(report.back.reps) == len(truth) == 2
    assert [r.state for r in report.back.reps] == [state, state]
    kinds = {f.kind for f in report.faults} & BACK_FAULTS
    assert kinds == ({kind} if kind else set())
    if kind == "lean_back":
        assert all(r.extended_by == "lean back" for r in report.back.reps)


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_no_back_flag_outside_the_rendered_reps(name: str) -> None:
    """Each flag lies between its rendered rep's start and the end of its lockout hold."""
    report, truth = rendered(name)
    hold = Config().back.lockout_hold_s
    for f in report.faults:
        if f.kind in BACK_FAULTS:
            assert any(r["start_s"] - 0.1 <= f.start_s and f.end_s <= r["end_s"] + hold + 0.1 for r in truth), f
    # and the walk-in before the first rep is never judged
    f = report.back.frames
    before = f.t_s < truth[0]["start_s"] - 0.1
    assert not np.isfinite(f.state[before]).any()


def test_the_real_rounded_kettlebell_set_is_flagged_rounded_and_its_correct_twin_is_not() -> None:
    """Same lifter, same room: the set labelled rounded_back against the one labelled correct."""
    rounded = analyze_pose(load_pose(POSES / "kb_deadlift_side_roundedback_01.pose.npz"))
    correct = analyze_pose(load_pose(POSES / "kb_deadlift_side_correct_01.pose.npz"))
    flexed = rounded.back.reps_in("flexed")
    assert len(flexed) >= 8 and "Low back rounded" in rounded.verdict
    assert {f.kind for f in correct.faults} & BACK_FAULTS == set()
    assert all(r.state == "neutral" for r in correct.back.reps)
    # the rounded set reads further from its standing back than the correct one, rep for rep
    assert max(r.arch_deg for r in flexed) < min(r.arch_deg for r in correct.back.reps) - 5


def test_a_set_with_no_walk_in_judges_the_lockout_only_and_says_why() -> None:
    """deadlift_side_02 starts at the bottom: no standing reference before the first pull."""
    r = analyze_pose(load_pose(POSES / "deadlift_side_02.pose.npz"))
    assert r.back.judged and not r.back.arch_judged and "standing still" in r.back.arch_reason
    assert "arching and rounding in the hinge were not" in r.verdict
    assert all(not np.isfinite(rb.arch_deg) for rb in r.back.reps)


@pytest.mark.parametrize("clip", ["squat_side_01", "nordic_curl_side_01", "deadlift_front_01", "rdl_front_01"])
def test_stored_sets_the_back_cannot_be_judged_in_say_so(clip: str) -> None:
    r = analyze_pose(load_pose(POSES / f"{clip}.pose.npz"))
    assert not r.back.judged and r.back.reason
    assert "Low back not judged: " + r.back.reason in r.verdict


def _live(pose) -> tuple[LiveAnalyzer, list]:
    live = LiveAnalyzer(pose.width_px, pose.height_px, Config())
    frames = []
    for i in range(len(pose)):
        cands = [] if not pose.detected[i] else [PoseCandidate(
            pose.xy_px[i], pose.z_px[i], pose.visibility[i], pose.world_m[i], pose.back_offset_px[i])]
        frames.append(live.update(float(pose.t_s[i]), cands))
    return live, frames


@pytest.mark.parametrize(("name", "cue"), [
    ("rdl_leanback25_b33_y90_p10", "finish_tall"), ("rdl_neutral_b35_y-90_p5", None),
])
def test_live_cues_a_lean_back_at_lockout_and_stays_quiet_on_a_neutral_back(name: str, cue: str | None) -> None:
    live, frames = _live(load_pose(RENDERS / f"{name}.pose.npz"))
    said = [s for f in frames for s in f.sounds if s in ("ribs_down", "finish_tall", "flat_back")]
    assert said == ([cue] * len(said) if cue else []) and (bool(said) == bool(cue))
    # the gauge is green only on judged neutral frames, never between reps before the first rep
    first_rep = next(i for i, f in enumerate(frames) if f.view.rep)
    assert not any(f.view.back.state for f in frames[:first_rep])
