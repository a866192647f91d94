"""A fault worth a cue: a hinge that turns into a squat (the low back's faults are back.py's).

The threshold is applied by one predicate here (``squat_like``), which the recorded analysis (per
rep) and live cues (per frame) both call; the words are vocab.FAULTS'."""

from __future__ import annotations

import numpy as np

from formcheck.config import ScoreConfig
from formcheck.types import Fault, Rep


def squat_like(knee_deg: float, trunk_deg: float, cfg: ScoreConfig) -> bool:
    """Knees bent far past an RDL's soft bend (over ``squat_knee_deg``) with the trunk kept
    within ``squat_trunk_deg`` of upright: a squat pattern, so the quads, not the hamstrings, do
    the lift. A trunk angle that is not measurable (NaN) leaves the knee angle to decide."""
    if not np.isfinite(knee_deg) or knee_deg <= cfg.squat_knee_deg:
        return False
    return not (np.isfinite(trunk_deg) and abs(trunk_deg) > cfg.squat_trunk_deg)


def squatting_fault(
    rep: Rep, knee_max_deg: float, trunk_deg: float, family: str | None, cfg: ScoreConfig
) -> Fault | None:
    """A hinge or squat rep done as a squat (``squat_like`` at its deepest knee; ``trunk_deg`` is
    the trunk from upright at the rep's turn)."""
    if family not in ("hinge", "squat") or not squat_like(knee_max_deg, trunk_deg, cfg):
        return None
    what = "this set moves like a squat" if family == "squat" else "this rep turned into a squat"
    return Fault(
        "squatting", rep.index, rep.start_s, rep.end_s, float(knee_max_deg),
        f"rep {rep.index}: knees bent to {knee_max_deg:.0f} deg ({what}); keep a soft knee "
        f"(under {cfg.squat_knee_deg:.0f} deg) and push the hips back to load the hamstrings",
    )
