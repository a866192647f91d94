"""Gap filling and zero-phase smoothing on timestamps."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.smoothing import fill_short_gaps, gaussian_smooth, smooth_channel
from formcheck.config import SmoothConfig
from formcheck.types import NO_PERSON, OK, Channel


def test_short_gaps_filled_long_gaps_and_ends_left_missing() -> None:
    t = np.arange(20) / 10.0  # 10 fps
    y = t * 10
    y[[0, 4, 5]] = np.nan  # 0: leading; 4-5: 0.3 s between samples 3 and 6
    y[10:16] = np.nan  # 0.7 s gap
    filled, was = fill_short_gaps(t, y, max_gap_s=0.3)
    assert np.isnan(filled[0]) and not was[0]
    np.testing.assert_allclose(filled[4:6], [4.0, 5.0])
    assert was[4] and was[5]
    assert np.isnan(filled[10:16]).all()


def test_gaussian_smoothing_is_zero_phase_on_uneven_time() -> None:
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 4, 300))
    y = np.exp(-0.5 * ((t - 2.0) / 0.3) ** 2)
    s = gaussian_smooth(t, y, sigma_s=0.05)
    assert t[np.argmax(s)] == pytest.approx(2.0, abs=0.03)  # the peak does not move (no lag)
    assert np.max(np.abs(s - y)) < 0.06  # kernel regression on uneven samples: small bias


def test_smoothing_keeps_missing_missing_and_reasons() -> None:
    t = np.arange(30) / 30.0
    v = np.full(30, 40.0)
    reason = np.zeros(30, np.uint8)
    v[10:25] = np.nan
    reason[10:25] = NO_PERSON
    ch = Channel(v, np.ones(30), reason, "image")
    out = smooth_channel(t, ch, SmoothConfig())
    assert np.isnan(out.values[10:25]).all()
    assert (out.reason[10:25] == NO_PERSON).all()
    assert (out.reason[:10] == OK).all()
    np.testing.assert_allclose(out.values[:10], 40.0)
