"""Cleaning series: fill short gaps, smooth without lag, leave long gaps missing.

Both work on real timestamps, so variable-frame-rate video is handled exactly.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.config import SmoothConfig
from formcheck.types import OK, Channel, Measures


def mean_present(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean over ``axis`` of the values that are present; NaN where none is (no warning)."""
    count = np.sum(np.isfinite(values), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.nansum(values, axis=axis) / count, np.nan)


def _columns(y: np.ndarray) -> tuple[np.ndarray, bool]:
    y = np.asarray(y, dtype=np.float64)
    return (y[:, None], True) if y.ndim == 1 else (y, False)


def fill_short_gaps(t_s: np.ndarray, y: np.ndarray, max_gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Linearly interpolate NaN runs whose bracketing samples are at most ``max_gap_s`` apart.

    Returns (filled copy, bool mask of the samples that were filled). Runs at either end and
    longer runs stay NaN.
    """
    cols, flat = _columns(y)
    out = cols.copy()
    filled = np.zeros(out.shape, dtype=bool)
    for c in range(out.shape[1]):
        col = out[:, c]
        good = np.flatnonzero(np.isfinite(col))
        if good.size < 2:
            continue
        gaps = np.flatnonzero(np.diff(good) > 1)
        for g in gaps:
            a, b = good[g], good[g + 1]
            if t_s[b] - t_s[a] <= max_gap_s:
                idx = np.arange(a + 1, b)
                col[idx] = np.interp(t_s[idx], [t_s[a], t_s[b]], [col[a], col[b]])
                filled[idx, c] = True
    if flat:
        return out[:, 0], filled[:, 0]
    return out, filled


def gaussian_smooth(t_s: np.ndarray, y: np.ndarray, sigma_s: float) -> np.ndarray:
    """Zero-phase Gaussian smoothing in time (weights from timestamps, NaN samples ignored).

    Samples that are NaN stay NaN. A ``sigma_s`` of 0 returns a copy.
    """
    cols, flat = _columns(y)
    if sigma_s <= 0 or len(t_s) == 0:
        return cols[:, 0].copy() if flat else cols.copy()
    t = np.asarray(t_s, dtype=np.float64)
    n = len(t)
    half = 3.0 * sigma_s
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right") - 1
    reach = int(max(np.max(np.arange(n) - lo), np.max(hi - np.arange(n))))
    finite = np.isfinite(cols)
    vals = np.where(finite, cols, 0.0)
    acc = np.zeros_like(cols)
    wsum = np.zeros_like(cols)
    idx = np.arange(n)
    for d in range(-reach, reach + 1):
        j = idx + d
        ok = (j >= lo) & (j <= hi) & (j >= 0) & (j < n)
        jj = np.clip(j, 0, n - 1)
        wt = np.exp(-0.5 * ((t[jj] - t) / sigma_s) ** 2) * ok
        wcol = wt[:, None] * finite[jj]
        acc += wcol * vals[jj]
        wsum += wcol
    with np.errstate(invalid="ignore", divide="ignore"):
        out = acc / wsum
    out[~finite] = np.nan
    return out[:, 0] if flat else out


def smooth_channel(t_s: np.ndarray, ch: Channel, cfg: SmoothConfig) -> Channel:
    filled, was_filled = fill_short_gaps(t_s, ch.values, cfg.max_gap_s)
    values = gaussian_smooth(t_s, filled, cfg.sigma_s)
    reason = ch.reason.copy()
    reason[was_filled] = OK
    conf = np.where(was_filled, 0.5 * _nearest_conf(ch.conf, was_filled), ch.conf)
    return Channel(values, conf, reason, ch.coords)


def _nearest_conf(conf: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Confidence for interpolated samples: the lower of the bracketing samples' (approximately)."""
    c = np.where(filled, np.nan, conf).astype(np.float64)
    cols, flat = _columns(c)
    out = cols.copy()
    for k in range(out.shape[1]):
        col = out[:, k]
        good = np.flatnonzero(np.isfinite(col))
        if good.size:
            col[:] = np.interp(np.arange(len(col)), good, col[good])
    return out[:, 0] if flat else out


def smooth_measures(m: Measures, cfg: SmoothConfig) -> Measures:
    chans = {name: smooth_channel(m.t_s, ch, cfg) for name, ch in m.channels().items()}
    return replace(m, **chans)
