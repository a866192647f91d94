"""The lifter's own straight knee: what the knees read while they stand tall.

A knee standing straight is 0 deg of flexion (docs/DOMAIN.md), but the landmarks put a standing
knee anywhere from -3 to +15 deg depending on the body, the clothes and the view (the real footage
in ../shared/footage read 8-21 deg side-on and from the front). For a lifter who starts and
finishes their reps standing, formcheck takes each knee's median reading over the frames where
they stand tall (hips within a few degrees of their straightest, trunk upright) as that knee's
zero, like the back's standing baseline. Pure numpy.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import MeasureConfig

STRAIGHT_BAND_DEG = 10.0


def standing_frames(t_s: np.ndarray, hip_deg: np.ndarray, trunk_deg: np.ndarray, cfg: MeasureConfig) -> np.ndarray:
    """(n,) frames where the lifter stands tall: hips within ``cfg.stand_hip_deg`` of their 5th
    percentile and the trunk within ``cfg.stand_trunk_deg`` of upright; none at all when these
    add up to less than ``cfg.stand_min_s``."""
    ok = np.isfinite(hip_deg) & np.isfinite(trunk_deg)
    if ok.sum() < 2:
        return np.zeros(len(t_s), dtype=bool)
    straightest = np.percentile(hip_deg[ok], 5)
    with np.errstate(invalid="ignore"):
        tall = ok & (hip_deg <= straightest + cfg.stand_hip_deg) & (np.abs(trunk_deg) <= cfg.stand_trunk_deg)
    frame_s = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0
    return tall if tall.sum() * frame_s >= cfg.stand_min_s else np.zeros(len(t_s), dtype=bool)


def knee_zero_deg(knee_deg: np.ndarray, tall: np.ndarray, cfg: MeasureConfig) -> np.ndarray:
    """(2,) each knee's median reading over the standing-tall frames where it is near its
    straightest (within ``STRAIGHT_BAND_DEG`` of its 10th percentile there: a standing curl's
    working knee bends while the hips stay tall), NaN where a knee was not seen there or read
    outside ``cfg.knee_zero_range_deg`` (then something other than a straight leg was seen, and
    nothing is taken off)."""
    zero = np.full(2, np.nan)
    lo, hi = cfg.knee_zero_range_deg
    for k in range(2):
        v = knee_deg[tall, k]
        v = v[np.isfinite(v)]
        if v.size:
            v = v[v <= np.percentile(v, 10) + STRAIGHT_BAND_DEG]
        if v.size and lo <= np.median(v) <= hi:
            zero[k] = float(np.median(v))
    return zero
