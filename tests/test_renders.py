"""Accuracy on the committed synthetic renders (tools/synth), whose joint angles are known.

tests/data/renders/metrics.json records, per clip, the reps rendered and the knee-flexion error
measured when the clip was committed; a regression beyond a small margin fails here instead of
drifting silently. Regenerate the numbers with bench/accuracy.py after a deliberate change.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from formcheck.api import analyze
from formcheck.types import Report

RENDERS = Path(__file__).parent / "data" / "renders"
METRICS = json.loads((RENDERS / "metrics.json").read_text()) if (RENDERS / "metrics.json").is_file() else {}
FAMILY = {"rdl": "hinge", "squat": "squat", "nordic": "knee_flexion", "leg_curl_prone": "knee_flexion"}


@lru_cache(maxsize=None)
def _run(clip: str) -> tuple[Report, dict, dict]:
    mp4 = RENDERS / clip
    meta = json.loads(mp4.with_suffix(".json").read_text())["args"]
    truth = dict(np.load(mp4.with_suffix(".truth.npz")))
    return analyze(mp4), meta, truth


def _knee_errors(r: Report, truth: dict) -> np.ndarray:
    """formcheck minus truth, knee flexion in the sagittal plane (what DOMAIN.md measures)."""
    got = r.measures.knee_deg.values
    want = truth["knee_sag_deg"]
    n = min(len(got), len(want))
    d = (got[:n] - want[:n]).ravel()
    return d[np.isfinite(d)]


def test_metrics_file_lists_every_committed_render() -> None:
    clips = sorted(p.name for p in RENDERS.glob("*.mp4"))
    assert clips, "no committed renders"
    assert sorted(METRICS) == clips


@pytest.mark.parametrize("clip", sorted(METRICS))
def test_render_reps_family_and_knee_error(clip: str) -> None:
    """One pose run per clip: reps and family exact, rep starts close, knee error not drifting."""
    r, meta, truth = _run(clip)
    assert len(r.reps) == len(truth["rep_start_s"]) == METRICS[clip]["reps"]
    assert r.family == FAMILY[meta["exercise"]]
    starts = np.array([s.rep.start_s for s in r.reps])
    np.testing.assert_allclose(starts, truth["rep_start_s"], atol=0.35)
    err = _knee_errors(r, truth)
    assert err.size > 0.5 * len(truth["t_s"])
    mae = float(np.mean(np.abs(err)))
    assert mae <= METRICS[clip]["knee_mae_deg"] * 1.1 + 0.5, f"knee MAE {mae:.2f} deg"
