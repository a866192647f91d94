"""Accuracy on the committed synthetic renders (tools/synth), whose joint angles are known.

tests/data/renders/metrics.json records, per clip, what formcheck measured when the clip was
committed (tests/make_render_metrics.py); a regression beyond a small margin fails here instead of
drifting silently. Besides the recorded figures, each clip must meet what its truth demands: the
rendered reps, the right family, an arched back flagged in every rep and a neutral one in none, and
toe rotation within 5 deg where the view shows it.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from formcheck.types import Report
from render_metrics import (
    FAMILY,
    RENDERS,
    knee_errors,
    knee_rest,
    load,
    lumbar_flagged_reps,
    run,
    toe_feet_errors,
)

METRICS = json.loads((RENDERS / "metrics.json").read_text()) if (RENDERS / "metrics.json").is_file() else {}


@cache
def _run(clip: str) -> tuple[Report, dict, dict]:
    meta, truth = load(clip)
    return run(clip), meta, truth


def test_metrics_file_lists_every_committed_render() -> None:
    clips = sorted(p.name for p in RENDERS.glob("*.mp4"))
    assert clips, "no committed renders"
    assert sorted(METRICS) == clips


# A committed render whose expectation the shipped model does not meet: strict, so the day it
# passes the mark must go.
KNOWN_MISSES = {
    "rdl_y90_p0_b5_arched_soft_neutral.mp4": (
        "issue 15's pelvis-against-rib-cage tilt reads this body's 20-deg lumbar arch as +3 deg past "
        "its standing back (flag 6.1): a held-out miss, one of the 6 of 24 side-on (README)"
    ),
}


@pytest.mark.parametrize("clip", [
    pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[c])) if c in KNOWN_MISSES else c
    for c in sorted(METRICS)
])
def test_render_against_its_truth(clip: str) -> None:
    """One pose run per clip: reps, family, rep starts, knee and toe error, lumbar flags."""
    r, meta, truth = _run(clip)
    want = METRICS[clip]
    n_reps = len(truth["rep_start_s"])
    assert len(r.reps) == n_reps == want["reps"]
    assert r.family == FAMILY[meta["exercise"]]
    assert r.view.view == want["view"]
    starts = np.array([s.rep.start_s for s in r.reps])
    # square to the camera the hip angle is noisier and a rep's start is read up to 0.4 s late
    np.testing.assert_allclose(starts, truth["rep_start_s"], atol=0.35 if r.view.view == "side" else 0.5)

    knee = knee_errors(r, truth, knee_rest(clip))
    assert knee.size > 0.5 * len(truth["t_s"])
    mae = float(np.mean(np.abs(knee)))
    assert mae <= want["knee_mae_deg"] * 1.1 + 0.5, f"knee MAE {mae:.2f} deg"

    if want["toe_feet_mae_deg"] is not None:
        toe = toe_feet_errors(r, truth)
        toe_mae = float(np.mean(np.abs(toe)))
        assert toe_mae <= min(want["toe_feet_mae_deg"] * 1.1 + 0.5, 5.0), f"toe MAE {toe_mae:.2f} deg"

    if meta["exercise"] == "rdl" and r.view.view == "side":
        flagged = lumbar_flagged_reps(r)
        assert flagged == (n_reps if meta.get("back") == "arched" else 0), f"{flagged} reps flagged"
