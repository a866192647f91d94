"""What the committed view-suite renders (tests/data/renders14, from tools/synth/suite14.py) measure
against their truth, from their stored poses. Shared by tests/test_view_renders.py and
tests/make_view_metrics.py, which records the figures in metrics.json after a deliberate change.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.view import fold_azimuth
from formcheck.config import Config
from formcheck.io.landmarks import load_pose
from formcheck.types import Report
from render_metrics import body_knee_rest

RENDERS14 = Path(__file__).parent / "data" / "renders14"


def clips() -> list[str]:
    return sorted(p.name[: -len(".pose.npz")] for p in RENDERS14.glob("*.pose.npz"))


def load(clip: str) -> tuple[dict, dict]:
    meta = json.loads((RENDERS14 / f"{clip}.json").read_text())["args"]
    return meta, dict(np.load(RENDERS14 / f"{clip}.truth.npz"))


def knee_rest(meta: dict, truth: dict) -> np.ndarray:
    """The body's standing knee (render_metrics.body_knee_rest) among the committed view-suite sets."""
    return body_knee_rest(meta, truth, (load(c) for c in clips()))


def run(clip: str, cfg: Config | None = None) -> Report:
    return analyze_pose(load_pose(RENDERS14 / f"{clip}.pose.npz"), cfg or Config())


def raw_config() -> Config:
    """The raw geometry: no angle model, no standing zero (what the model is judged against)."""
    cfg = Config()
    return replace(cfg, measure=replace(cfg.measure, angle_model=None, zero_standing_knee=False))


def knee_mae(r: Report, meta: dict, truth: dict) -> float:
    want = truth["knee_sag_deg"] - knee_rest(meta, truth)
    got = r.measures.knee_deg.values
    n = min(len(got), len(want))
    d = (got[:n] - want[:n]).ravel()
    d = d[np.isfinite(d)]
    return float(np.mean(np.abs(d))) if d.size else float("nan")


def metrics(clip: str) -> dict:
    meta, truth = load(clip)
    r = run(clip)
    yaw, rear = fold_azimuth(float(meta["yaw"]))
    return {
        "camera_yaw_deg": yaw, "camera_rear": rear,
        "yaw_deg": round(r.view.yaw_deg, 1), "rear": r.view.rear, "label": r.view.label,
        "knee_mae_deg": round(knee_mae(r, meta, truth), 2),
        "raw_knee_mae_deg": round(knee_mae(run(clip, raw_config()), meta, truth), 2),
        "reps": len(r.reps),
    }
