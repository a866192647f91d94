"""Time each knee spends in each hamstring head's zone, from timestamps.

Between two samples the angle is taken to move linearly, and the exact time it spends inside a
zone's [lo, hi) window is integrated. A piecewise-linear angle curve is therefore scored exactly,
whatever the frame rate; intervals with a missing end are not counted (they are uncovered time).
"""

from __future__ import annotations

import numpy as np

from formcheck.config import Zone


def time_in_window_s(t_s: np.ndarray, angle_deg: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Seconds spent in [lo, hi) on each interval between consecutive samples: shape (n-1,)."""
    t = np.asarray(t_s, dtype=np.float64)
    y = np.asarray(angle_deg, dtype=np.float64)
    if len(t) < 2:
        return np.zeros(0)
    dt = np.diff(t)
    a, b = y[:-1], y[1:]
    ok = np.isfinite(a) & np.isfinite(b)
    lo_ab, hi_ab = np.minimum(a, b), np.maximum(a, b)
    span = hi_ab - lo_ab
    overlap = np.clip(np.minimum(hi_ab, hi) - np.maximum(lo_ab, lo), 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(span > 0, overlap / span, ((a >= lo) & (a < hi)).astype(float))
    return np.where(ok, frac * dt, 0.0)


def covered_s(t_s: np.ndarray, angle_deg: np.ndarray) -> np.ndarray:
    """Seconds of each interval (n-1,) where both ends have a value."""
    y = np.asarray(angle_deg, dtype=np.float64)
    if len(y) < 2:
        return np.zeros(0)
    return np.where(np.isfinite(y[:-1]) & np.isfinite(y[1:]), np.diff(t_s), 0.0)


def zone_seconds(
    t_s: np.ndarray, angle_deg: np.ndarray, zones: tuple[Zone, ...], i0: int = 0, i1: int | None = None
) -> tuple[dict[str, float], float]:
    """Seconds in each zone over samples ``i0..i1`` (inclusive ends), and seconds measured."""
    i1 = len(t_s) - 1 if i1 is None else i1
    t = t_s[i0 : i1 + 1]
    y = angle_deg[i0 : i1 + 1]
    secs = {z.head: float(np.sum(time_in_window_s(t, y, z.lo_deg, z.hi_deg))) for z in zones}
    return secs, float(np.sum(covered_s(t, y)))


def zone_of(angle_deg: np.ndarray, zones: tuple[Zone, ...]) -> np.ndarray:
    """(n,) the head whose zone each sample lies in, '' for none or missing."""
    y = np.asarray(angle_deg, dtype=np.float64)
    out = np.full(y.shape, "", dtype=object)
    for z in zones:
        out[(y >= z.lo_deg) & (y < z.hi_deg)] = z.head
    return out
