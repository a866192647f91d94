"""The low back (analysis/back.py): the stack measures per frame, each rep's state from the start of
the pull to lockout, never a flag outside reps, and never silent when the back cannot be judged."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck import skeleton as sk
from formcheck.analysis.back import (
    back_faults,
    back_sentences,
    judge_back,
    lean_back_deg,
    set_reason,
    stack_measures,
)
from formcheck.config import BackConfig
from formcheck.pose.outline import outline_offsets_px
from formcheck.types import BackFrames, Rep, ViewEstimate
from synthetic import side_view_pose

CFG = BackConfig()
SIDE = ViewEstimate("side", 90.0, 1, {})
FPS = 30.0


def one_set(walk_in_s: float = 1.0, reps: int = 1, rest_s: float = 1.5) -> tuple[np.ndarray, np.ndarray, list[Rep]]:
    """A standing walk-in, then ``reps`` hinges (hips 0 -> 80 -> 0 deg over 3 s), ``rest_s`` apart."""
    rep_s = 3.0
    total = walk_in_s + reps * rep_s + (reps - 1) * rest_s + rest_s
    t = np.arange(int(total * FPS)) / FPS
    hip = np.zeros_like(t)
    out = []
    for k in range(reps):
        a = walk_in_s + k * (rep_s + rest_s)
        inside = (t >= a) & (t <= a + rep_s)
        hip[inside] = 80.0 * np.sin(np.pi * (t[inside] - a) / rep_s)
        i0, i1 = int(np.flatnonzero(inside)[0]), int(np.flatnonzero(inside)[-1])
        it = (i0 + i1) // 2
        out.append(Rep(k + 1, i0, it, i1, float(t[i0]), float(t[it]), float(t[i1]), 80.0))
    return t, hip, out


def frames(t: np.ndarray, lumbar: np.ndarray | float = 0.0, lean: np.ndarray | float = 0.0) -> BackFrames:
    f = BackFrames.empty(t)
    f.lumbar_deg = np.broadcast_to(np.asarray(lumbar, float), t.shape).copy()
    f.lean_back_deg = np.broadcast_to(np.asarray(lean, float), t.shape).copy()
    f.pelvis_tilt_deg = np.zeros_like(t)
    f.rib_offset_pct = np.zeros_like(t)
    return f


def judge(t, hip, reps, f, view=SIDE, why_not="", hinge=None, standing=20.0, pose=None):
    pose = pose if pose is not None else side_view_pose(t, np.zeros_like(t), hip)
    return judge_back(pose, f, hip, reps, hinge or [True] * len(reps), why_not, view, standing, CFG, 0.5)


# --------------------------------------------------------------------------- per-frame measures

@pytest.mark.parametrize("facing", [1, -1])
def test_lean_back_reads_the_trunk_behind_vertical_either_way_the_lifter_faces(facing: int) -> None:
    hip = np.array([[500.0, 600.0]] * 3)
    up = 200.0
    angles = np.radians([15.0, 0.0, -40.0])  # + behind the hips (away from the facing direction)
    sho = hip + np.stack([-facing * up * np.sin(angles), -up * np.cos(angles)], axis=1)
    np.testing.assert_allclose(lean_back_deg(hip, sho, facing, 90.0), [15.0, 0.0, -40.0], atol=1e-9)


def test_lean_back_undoes_an_oblique_cameras_foreshortening() -> None:
    """From 45 deg the sagittal lean shows across the image shrunk by sin(45 deg)."""
    hip = np.array([[500.0, 600.0]])
    img = math.atan(math.tan(math.radians(20.0)) * math.sin(math.radians(45.0)))
    sho = hip + np.array([[-200.0 * math.sin(img), -200.0 * math.cos(img)]])
    assert lean_back_deg(hip, sho, 1, 45.0)[0] == pytest.approx(20.0, abs=1e-6)
    assert np.isnan(lean_back_deg(hip, sho, 0, 45.0)).all()  # facing unknown: no lean, not 0


def silhouette(arch_px: float, shape=(720, 1000)) -> np.ndarray:
    """Side-on upright trunk facing image-right, its back bowed toward the front by ``arch_px`` at
    the lumbar level (negative: rounded), as in test_outline."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w]
    u = (600.0 - yy) / 300.0
    lumbar = np.where((u > 0) & (u < 0.75), np.sin(np.pi * u / 0.75), 0.0)
    d = xx - 500.0
    return ((d <= 60.0) & (d >= -(70.0 - arch_px * lumbar)) & (u > -0.15) & (u < 1.1)).astype(np.float32)


def stack_of(arch_px: float) -> tuple[float, float]:
    t = np.arange(2) / FPS
    pose = side_view_pose(t, np.zeros(2), np.zeros(2), facing=1)
    pose.xy_px[:, list(sk.SHOULDER)] = [500.0, 300.0]
    pose.xy_px[:, list(sk.HIP)] = [500.0, 600.0]
    pose.back_offset_px[:] = outline_offsets_px(silhouette(arch_px), np.array([500.0, 600.0]),
                                                np.array([500.0, 300.0]), levels=9)
    tilt, offset = stack_measures(pose, 1)
    return float(tilt[0]), float(offset[0])


def test_stack_measures_read_extension_positive_flexion_negative() -> None:
    """An arched back tips the pelvis's back line forward under the rib cage (+ tilt) and leaves
    the lower rib cage behind the pelvis's line (+ offset); rounding does the opposite."""
    neutral, arched, rounded = stack_of(0.0), stack_of(20.0), stack_of(-20.0)
    assert abs(neutral[0]) < 1.0 and abs(neutral[1]) < 1.0
    assert arched[0] > 5.0 and arched[1] > 5.0
    assert rounded[0] < -5.0 and rounded[1] < -5.0
    assert stack_of(30.0)[0] > arched[0]  # grows with the bow


def test_stack_is_nan_without_an_outline_or_a_facing() -> None:
    t = np.arange(3) / FPS
    pose = side_view_pose(t, np.zeros(3), np.zeros(3))
    assert np.isnan(stack_measures(pose, 1)).all()  # no mask: NaN, never 0
    pose.back_offset_px[:] = 30.0
    assert np.isnan(stack_measures(pose, 0)).all()


# --------------------------------------------------------------------------- the three states

@pytest.mark.parametrize(("lumbar", "state", "kind"), [
    (20.0, "extended", "lumbar_extension"), (-25.0, "flexed", "back_rounded"), (2.0, "neutral", None),
])
def test_each_state_in_the_hinge(lumbar: float, state: str, kind: str | None) -> None:
    t, hip, reps = one_set()
    with np.errstate(invalid="ignore"):
        lum = np.where(hip >= 20.0, lumbar, 0.0)
    call = judge(t, hip, reps, frames(t, lum))
    (rb,) = call.reps
    assert call.judged and rb.state == state
    assert rb.arch_deg == pytest.approx(lumbar, abs=1e-9)
    faults = back_faults(call, reps, t)
    assert [f.kind for f in faults] == ([kind] if kind else [])
    if kind:  # the fault spans the hinge frames that showed it, inside the rep
        assert reps[0].start_s <= faults[0].start_s < faults[0].end_s <= reps[0].end_s
        deep = t[hip >= CFG.min_hip_deg]
        assert faults[0].start_s == pytest.approx(deep[0]) and faults[0].end_s == pytest.approx(deep[-1])


def test_leaning_back_at_lockout_is_extension() -> None:
    t, hip, reps = one_set()
    end = reps[0].end_s
    lean = np.where((t >= end - 0.3) & (t <= end + 0.8), 18.0, 0.0)
    call = judge(t, hip, reps, frames(t, 0.0, lean))
    (rb,) = call.reps
    assert rb.state == "extended" and rb.extended_by == "lean back"
    assert rb.lean_back_deg == pytest.approx(18.0)
    (fault,) = back_faults(call, reps, t)
    assert fault.kind == "lean_back" and fault.start_s >= reps[0].turn_s
    assert "Leaned back at lockout in rep 1" in " ".join(back_sentences(call))


def test_nothing_is_judged_outside_reps() -> None:
    """A lean-back or an arch in the walk-in, or long after lockout, is not a rep's fault."""
    t, hip, reps = one_set(walk_in_s=2.0, rest_s=3.0)
    outside = (t < reps[0].start_s) | (t > reps[0].end_s + CFG.lockout_hold_s + 0.1)
    call = judge(t, hip, reps, frames(t, np.where(outside, 40.0, 0.0), np.where(outside, 30.0, 0.0)))
    assert call.reps[0].state == "neutral"
    assert back_faults(call, reps, t) == []
    assert not np.isfinite(call.frames.state[outside]).any()  # the gauge stays grey there


def test_the_lockout_hold_stops_at_the_next_rep() -> None:
    t, hip, reps = one_set(reps=2, rest_s=0.3)
    call = judge(t, hip, reps, frames(t))
    assert call.reps[0].i_last == reps[1].i_start - 1


@pytest.mark.parametrize("what", ["outline", "head"])
def test_a_hidden_back_is_not_judged_and_says_why(what: str) -> None:
    t, hip, reps = one_set()
    pose = side_view_pose(t, np.zeros_like(t), hip)
    f = frames(t, 30.0)
    if what == "outline":
        f.lumbar_deg[:] = np.nan
    else:
        pose.visibility[:, sk.NOSE] = 0.0  # the head out of frame
    call = judge(t, hip, reps, f, pose=pose)
    (rb,) = call.reps
    assert rb.state == "not judged" and rb.reason
    assert ("outline" in rb.reason) if what == "outline" else ("head" in rb.reason)
    assert back_faults(call, reps, t) == []
    assert any("not judged in rep 1" in s for s in back_sentences(call))


@pytest.mark.parametrize(("family", "alt", "view", "words"), [
    ("squat", None, SIDE, "this set is a squat"),
    ("knee_flexion", None, SIDE, "Nordic or leg curl"),
    ("hinge", "squat", SIDE, "could not be told apart"),
    ("hinge", None, ViewEstimate("front", 10.0, 0, {}), "80 deg off side-on"),
    ("hinge", None, ViewEstimate("oblique", 50.0, 1, {}), "40 deg off side-on"),
    ("hinge", None, ViewEstimate("side", 90.0, 0, {}), "which way the lifter faces"),
])
def test_a_set_that_cannot_be_judged_says_so(family, alt, view, words) -> None:
    why = set_reason(family, alt, view, CFG)
    assert words in why
    t, hip, reps = one_set()
    call = judge(t, hip, reps, frames(t, 30.0, 30.0), view=view, why_not=why)
    assert not call.judged and back_faults(call, reps, t) == []
    (sentence,) = back_sentences(call)
    assert sentence.startswith("Low back not judged:") and words in sentence


def test_an_oblique_camera_judges_the_lockout_only_and_says_so() -> None:
    """Where the config judges the lockout from further round than the hinge's profile."""
    t, hip, reps = one_set()
    cfg = replace(CFG, min_yaw_deg=45.0, arch_min_yaw_deg=67.5)
    oblique = ViewEstimate("oblique", 55.0, 1, {})
    assert set_reason("hinge", None, oblique, cfg) == ""
    call = judge_back(side_view_pose(t, np.zeros_like(t), hip), frames(t, 30.0, 0.0), hip, reps, [True], "",
                      oblique, 20.0, cfg, 0.5)
    (rb,) = call.reps
    assert rb.state == "neutral" and not math.isfinite(rb.arch_deg)  # the 30-deg arch is not read
    assert not call.arch_judged and "side-on" in call.arch_reason
    words = " ".join(back_sentences(call))
    assert "No lean-back at lockout in rep 1" in words and "arching and rounding in the hinge were not" in words


def test_no_standing_reference_leaves_the_lockout_only() -> None:
    t, hip, reps = one_set()
    call = judge(t, hip, reps, frames(t, 30.0, 0.0), standing=float("nan"))
    assert not call.arch_judged and "standing" in call.arch_reason


def test_thresholds_come_from_the_config() -> None:
    t, hip, reps = one_set()
    f = frames(t, np.where(hip >= 20.0, CFG.extended_deg + 1.0, 0.0))
    assert judge(t, hip, reps, f).reps[0].state == "extended"
    loose = replace(CFG, extended_deg=CFG.extended_deg + 2.0)
    call = judge_back(side_view_pose(t, np.zeros_like(t), hip), frames(t, f.lumbar_deg), hip, reps, [True], "",
                      SIDE, 20.0, loose, 0.5)
    assert call.reps[0].state == "neutral"
