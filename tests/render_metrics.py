"""What the committed renders (tests/data/renders, made by tools/synth) measure against their truth.

Shared by tests/test_renders.py and tests/make_render_metrics.py, which records the figures in
metrics.json when renders are added or formcheck changes on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from formcheck.api import analyze
from formcheck.types import Report

RENDERS = Path(__file__).parent / "data" / "renders"
FAMILY = {
    "rdl": "hinge", "squat": "squat", "nordic": "knee_flexion", "leg_curl_prone": "knee_flexion",
    "leg_curl_seated": "knee_flexion", "leg_curl_standing": "knee_flexion",
}


def load(clip: str) -> tuple[dict, dict]:
    mp4 = RENDERS / clip
    meta = json.loads(mp4.with_suffix(".json").read_text())["args"]
    return meta, dict(np.load(mp4.with_suffix(".truth.npz")))


def run(clip: str) -> Report:
    return analyze(RENDERS / clip)


# the rig's own straight leg reads 8-10 deg between its joint centres: knee truth counts from the
# body's standing rest, as bench/accuracy.py takes it (docs/DOMAIN.md 3.1)
STARTS_STRAIGHT = {"rdl", "deadlift", "squat"}


def body_knee_rest(meta: dict, truth: dict, others) -> np.ndarray:
    """The body's standing knee (per leg): this set's first frame if it starts straight, else the
    first frame of another of the body's sets that does (``others``: (meta, truth) of every
    committed set), else NaN."""
    if meta["exercise"] in STARTS_STRAIGHT:
        return truth["knee_sag_deg"][0]
    for m, t in others:
        if m["body_seed"] == meta["body_seed"] and m["exercise"] in STARTS_STRAIGHT:
            return t["knee_sag_deg"][0]
    return np.full(2, np.nan)


def knee_rest(clip: str) -> np.ndarray:
    """The standing knee of the committed render ``clip``'s body."""
    return body_knee_rest(*load(clip), (load(p.name) for p in sorted(RENDERS.glob("*.mp4"))))


def knee_errors(r: Report, truth: dict, rest: np.ndarray) -> np.ndarray:
    """formcheck minus truth, knee flexion in the sagittal plane from standing straight (what
    docs/DOMAIN.md measures)."""
    got, want = r.measures.knee_deg.values, truth["knee_sag_deg"] - rest
    n = min(len(got), len(want))
    d = (got[:n] - want[:n]).ravel()
    return d[np.isfinite(d)]


def toe_feet_errors(r: Report, truth: dict) -> np.ndarray:
    """formcheck minus truth, toe rotation averaged over both feet (what the toe bias uses)."""
    got = np.mean(r.measures.toe_deg.values, axis=1)
    want = np.mean(truth["toe_heel_deg"], axis=1)
    n = min(len(got), len(want))
    d = got[:n] - want[:n]
    return d[np.isfinite(d)]


def lumbar_flagged_reps(r: Report) -> int:
    return len({f.rep for f in r.faults if f.kind == "lumbar_extension"})


def metrics(clip: str) -> dict:
    meta, truth = load(clip)
    r = run(clip)
    knee = knee_errors(r, truth, knee_rest(clip))
    toe = toe_feet_errors(r, truth)
    return {
        "reps": len(r.reps),
        "view": r.view.view,
        "knee_mae_deg": round(float(np.mean(np.abs(knee))), 2),
        "knee_bias_deg": round(float(np.mean(knee)), 2),
        "toe_feet_mae_deg": round(float(np.mean(np.abs(toe))), 2) if toe.size else None,
        "lumbar_flagged_reps": lumbar_flagged_reps(r),
        "back": meta.get("back", "neutral"),
    }
