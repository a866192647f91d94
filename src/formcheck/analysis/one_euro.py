"""Streaming smoothing with little lag: the one-euro filter (Casiez, Roussel and Vogel, CHI 2012).

A low-pass filter whose cut-off rises with the signal's speed: slow, still stretches are smoothed
hard (the jitter a lifter standing at rest would otherwise see on the gauge), fast movements pass
almost unfiltered (a knee flexing at 200 deg/s is not dragged behind). Time steps come from the
frames' timestamps, so dropped frames are handled exactly.

The recorded-set analysis smooths with a zero-phase Gaussian (smoothing.py), which needs frames
from the future; live analysis cannot wait for them and uses this instead.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.config import OneEuroConfig


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau_s = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau_s / dt_s)


class OneEuroFilter:
    """Filters a vector of independent values (e.g. left and right knee) sample by sample.

    NaN in, NaN out for that element; the element's state is kept across short gaps and reset
    after ``max_gap_s`` without a value.
    """

    def __init__(self, size: int, cfg: OneEuroConfig | None = None) -> None:
        self.cfg = cfg or OneEuroConfig()
        self._x = np.full(size, np.nan)  # filtered value
        self._dx = np.zeros(size)  # filtered speed, units per second
        self._t = np.full(size, np.nan)  # time of the last value seen per element

    def update(self, t_s: float, value: np.ndarray | float) -> np.ndarray:
        v = np.atleast_1d(np.asarray(value, dtype=np.float64))
        out = np.full(v.shape, np.nan)
        cfg = self.cfg
        for k in range(v.size):
            if not np.isfinite(v[k]):
                continue
            dt = t_s - self._t[k]
            if not np.isfinite(self._x[k]) or not dt > 0 or dt > cfg.max_gap_s:
                self._x[k], self._dx[k] = v[k], 0.0
            else:
                speed = (v[k] - self._x[k]) / dt
                a_d = _alpha(cfg.d_cutoff_hz, dt)
                self._dx[k] = a_d * speed + (1.0 - a_d) * self._dx[k]
                cutoff = cfg.min_cutoff_hz + cfg.beta * abs(self._dx[k])
                a = _alpha(cutoff, dt)
                self._x[k] = a * v[k] + (1.0 - a) * self._x[k]
            self._t[k] = t_s
            out[k] = self._x[k]
        return out
