"""End to end on the real clips in ../shared/footage (FORMCHECK_FOOTAGE): video -> report.

Skipped, with the reason, where the footage is absent; the stored pose files in tests/data keep
the analysis covered there.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from conftest import expectations, footage_dir
from formcheck.analysis.pipeline import analyze_pose
from formcheck.api import analyze, estimate_pose_frames
from formcheck.config import Config
from formcheck.io.video import open_video
from formcheck.types import Report

pytestmark = pytest.mark.footage
CLIPS = sorted(expectations())
# Clips added to the footage after formcheck 0.1 whose expectation 0.1 does not meet yet, each
# the subject of an open issue. Strict: the day one passes, the mark must go.
KNOWN_MISSES = {
    "lying_leg_curl_setup_01.mp4": (
        "known weakness (docs/DOMAIN.md 13): MediaPipe reads the far leg, hidden by the machine's pad, "
        "as moving 50-60 deg while the lifter sets up: one rep where none is done"
    ),
}


@cache
def _report(clip: str) -> Report:
    return analyze(footage_dir() / clip)


@pytest.mark.parametrize("clip", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[c])) if c in KNOWN_MISSES else c
    for c in CLIPS
])
def test_clip_reps_family_and_flags_match_the_manifest(footage, clip: str) -> None:
    exp = expectations()[clip]
    r = _report(clip)
    lo, hi = exp["reps"]
    assert lo <= len(r.reps) <= hi, f"{len(r.reps)} reps, expected {exp['reps']}"
    if exp["family"] is not None:
        assert r.family == exp["family"]
    kinds = {f.kind for f in r.faults}
    for flag, raised in exp.get("flags", {}).items():
        assert (flag in kinds) == raised
    if clip == "squat_side_01.mp4":
        assert r.family != "hinge"


# --- metamorphic checks: change the video in a known way, the results must follow ---------------

# A clean side view with both legs in sight. (In deadlift_side_02 the plate hides the knees and
# MediaPipe guesses differently on the mirrored image: no use for a metamorphic check.)
CLIP = "squat_side_01.mp4"


def _near_leg(r: Report) -> int:
    cov = r.measures.knee_deg.coverage()
    return int(np.argmax(cov))


def test_mirrored_video_swaps_left_and_right(footage) -> None:
    base = _report(CLIP)
    mirrored = analyze(footage / CLIP, transform=lambda f: np.ascontiguousarray(f[:, ::-1]))
    assert len(mirrored.reps) == len(base.reps)
    assert mirrored.view.facing == -base.view.facing
    leg = _near_leg(base)
    assert _near_leg(mirrored) == 1 - leg  # the leg nearest the camera is now labelled the other
    for name in ("knee_deg", "hip_deg"):
        a = getattr(base.measures, name).values[:, leg]
        b = getattr(mirrored.measures, name).values[:, 1 - leg]  # mirrored left = original right
        both = np.isfinite(a) & np.isfinite(b)
        assert both.mean() > 0.8
        assert np.median(np.abs(a[both] - b[both])) < 4.0, name


def test_half_resolution_changes_knee_angles_little(footage) -> None:
    import cv2

    base = _report(CLIP)
    half = analyze(
        footage / CLIP,
        transform=lambda f: cv2.resize(f, (f.shape[1] // 2, f.shape[0] // 2), interpolation=cv2.INTER_AREA),
    )
    assert len(half.reps) == len(base.reps)
    leg = _near_leg(base)
    a, b = base.measures.knee_deg.values[:, leg], half.measures.knee_deg.values[:, leg]
    both = np.isfinite(a) & np.isfinite(b)
    assert both.mean() > 0.8
    assert np.median(np.abs(a[both] - b[both])) < 3.0


def test_dropping_every_other_frame_changes_zone_times_little(footage) -> None:
    base = _report(CLIP)
    cfg = Config()
    with open_video(footage / CLIP) as video:
        info = video.info
        frames = (item for k, item in enumerate(video) if k % 2 == 0)
        pose, _ = estimate_pose_frames(frames, info.width_px, info.height_px, cfg, CLIP)
    halved = analyze_pose(pose, cfg)
    assert len(halved.reps) == len(base.reps)
    leg = _near_leg(base)
    for head, secs in base.zones[leg].seconds.items():
        assert halved.zones[leg].seconds[head] == pytest.approx(secs, abs=max(0.15, 0.1 * secs)), head


# --- the low back (issue 15) ------------------------------------------------------------------

# Sets the RDL back rules do not apply to: the verdict must say so, never stay silent.
NOT_HINGES = ("squat_side_01.mp4", "nordic_curl_side_01.mp4", "kb_deadlift_side_kneedominant_01.mp4",
              "kb_deadlift_oblique_kneedominant_01.mp4", "lying_leg_curl_setup_01.mp4")
# Correct, good-form or plate deadlifts, RDLs and kettlebell sets: never an arched back in the hinge.
NEUTRAL_HINGES = ("kb_deadlift_side_correct_01.mp4", "kb_deadlift_oblique_correct_01.mp4",
                  "kb_deadlift_side_a_01.mp4", "kb_deadlift_oblique_a_01.mp4", "deadlift_side_02.mp4",
                  "deadlift_side_good_02.mp4", "deadlift_side_good_04.mp4", "rdl_front_01.mp4",
                  "deadlift_front_01.mp4")


@pytest.mark.parametrize("clip", NOT_HINGES)
def test_sets_that_are_not_hinges_say_the_back_was_not_judged(footage, clip: str) -> None:
    r = _report(clip)
    assert r.back is not None and not r.back.judged and "hinge rules" in r.back.reason
    assert "Low back not judged:" in r.verdict
    assert not {f.kind for f in r.faults} & {"lumbar_extension", "lean_back", "back_rounded"}


@pytest.mark.parametrize("clip", NEUTRAL_HINGES)
def test_no_arched_back_on_a_correct_hinge(footage, clip: str) -> None:
    r = _report(clip)
    assert "lumbar_extension" not in {f.kind for f in r.faults}
    # judged or not, the verdict says something about the back or its lockout
    assert "Low back" in r.verdict or "lockout" in r.verdict
    # a lean-back flag only where the trunk finished well behind vertical
    assert all(f.value_deg >= 15.0 for f in r.faults if f.kind == "lean_back")


def test_the_rounded_back_set_is_flagged_rounded(footage) -> None:
    r = _report("kb_deadlift_side_roundedback_01.mp4")
    rounded = {f.rep for f in r.faults if f.kind == "back_rounded"}
    assert rounded and "Low back rounded" in r.verdict
    assert not {f.kind for f in r.faults} & {"lumbar_extension"}
