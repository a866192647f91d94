"""Which way the toes point over a rep or the set: in, neutral or out, only where the feet agree.

Square to the camera each foot's reading can be trusted, and their mean is called. At oblique
yaws the two feet read far apart (issue 14: a lifter with parallel feet read +16..+18 deg on one
foot and -2..-4 on the other, per rep), so there a bias is called only when both feet give the
same word; one foot alone, or two that disagree, leave it "unknown", with the reason in words.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import MeasureConfig, ScoreConfig
from formcheck.types import SIDES, ToeCall

NOT_JUDGED = "toe rotation not judged; film from the front"


def toe_bias_word(toe_deg: float, cfg: ScoreConfig) -> str:
    """Toes turned "out" or "in" past the dead band, "neutral" within it, "unknown" if missing."""
    if not np.isfinite(toe_deg):
        return "unknown"
    if toe_deg > cfg.toe_dead_band_deg:
        return "out"
    if toe_deg < -cfg.toe_dead_band_deg:
        return "in"
    return "neutral"


def signed_deg(x: float) -> str:
    """'+17°', '−3°' (a true minus sign), '0°'."""
    return f"{x:+.0f}°".replace("-", "\u2212").replace("+0°", "0°").replace("\u22120°", "0°")


def per_foot_trusted(yaw_deg: float, cfg: MeasureConfig) -> bool:
    """Whether the view is square enough to trust each foot's reading on its own."""
    return bool(np.isfinite(yaw_deg) and yaw_deg <= cfg.toe_per_foot_max_yaw_deg)


def call_toes(feet_deg: tuple[float, float], yaw_deg: float, measure: MeasureConfig,
              score: ScoreConfig) -> ToeCall:
    """The bias of a pair of feet (left, right degrees, + = out) seen from ``yaw_deg``."""
    feet = (float(feet_deg[0]), float(feet_deg[1]))
    seen = [k for k in range(2) if np.isfinite(feet[k])]
    per_foot = per_foot_trusted(yaw_deg, measure)
    if not seen:
        return ToeCall("unknown", feet, per_foot)
    if per_foot:
        return ToeCall(toe_bias_word(float(np.mean([feet[k] for k in seen])), score), feet, per_foot)
    if len(seen) == 1:
        k = seen[0]
        return ToeCall("unknown", feet, per_foot,
                       f"only the {SIDES[k]} foot was measured from this angle ({signed_deg(feet[k])}): {NOT_JUDGED}")
    words = [toe_bias_word(x, score) for x in feet]
    if words[0] == words[1]:
        return ToeCall(words[0], feet, per_foot)
    return ToeCall("unknown", feet, per_foot,
                   f"the two feet read differently from this angle (left {signed_deg(feet[0])}, right "
                   f"{signed_deg(feet[1])}): {NOT_JUDGED}")


def set_toe_call(rep_feet_deg: list[tuple[float, float]], frame_feet_deg: np.ndarray, yaw_deg: float,
                 measure: MeasureConfig, score: ScoreConfig) -> ToeCall:
    """The set's call from each foot's median over the reps' medians (``rep_feet_deg``), or over
    the frames (``frame_feet_deg`` (n, 2)) when there are no reps."""
    feet = np.array(rep_feet_deg, float).reshape(-1, 2) if rep_feet_deg else np.asarray(frame_feet_deg, float)
    med = tuple(float(np.nanmedian(feet[:, k])) if np.isfinite(feet[:, k]).any() else float("nan")
                for k in range(2))
    return call_toes(med, yaw_deg, measure, score)
