"""How sure each head's seconds are: the zone time the knee would have had under the angle errors
the view is known to make (config.AngleErrors, measured on held-out rendered bodies).

Per set the knee angle's error is mostly systematic (a view reads a lifter's knee a few degrees
high or low throughout), so the likely range of a head's seconds is found by shifting the whole
knee curve across its error band: at each angle the band's bias is taken off and the curve is
moved by -1 .. +1 times the band's spread (the 90th percentile of held-out sets' errors), and each
head keeps the least and most seconds any shift gives it. Pure numpy.
"""

from __future__ import annotations

import numpy as np

from formcheck.analysis.zones import zone_seconds
from formcheck.config import ErrorBand, Zone

SHIFTS = np.linspace(-1.0, 1.0, 9)  # multiples of the band's spread tried


def band_values(knee_deg: np.ndarray, bands: tuple[ErrorBand, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(bias, spread) degrees at each knee angle: the band holding it, NaN outside every band."""
    bias = np.full(np.shape(knee_deg), np.nan)
    spread = np.full(np.shape(knee_deg), np.nan)
    for b in bands:
        inside = (knee_deg >= b.lo_deg) & (knee_deg < b.hi_deg)
        bias[inside], spread[inside] = b.bias_deg, b.spread_deg
    return bias, spread


def likely_seconds(
    t_s: np.ndarray,
    knee_deg: np.ndarray,
    zones: tuple[Zone, ...],
    bands: tuple[ErrorBand, ...],
    spans: list[tuple[int, int]],
) -> dict[str, tuple[float, float]]:
    """head -> (low, high) seconds over the sample spans (inclusive ends), summed across them
    under one shift at a time (the same error runs through a set). Empty without bands."""
    if not bands or not spans:
        return {}
    bias, spread = band_values(knee_deg, bands)
    bias, spread = np.nan_to_num(bias), np.nan_to_num(spread)
    totals = []
    for k in SHIFTS:
        curve = knee_deg - bias + k * spread
        per_head = {z.head: 0.0 for z in zones}
        for i0, i1 in spans:
            secs, _ = zone_seconds(t_s, curve, zones, i0, i1)
            for h, s in secs.items():
                per_head[h] += s
        totals.append(per_head)
    return {z.head: (min(t[z.head] for t in totals), max(t[z.head] for t in totals)) for z in zones}
