"""analysis/zone_error.py: each head's likely seconds under the view's known angle error."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.zone_error import band_values, likely_seconds
from formcheck.analysis.zones import zone_seconds
from formcheck.config import ZONES, ErrorBand


def test_no_bands_no_ranges() -> None:
    t = np.arange(10) / 10.0
    assert likely_seconds(t, np.full(10, 60.0), ZONES, (), [(0, 9)]) == {}


def test_a_knee_held_near_a_zone_edge_gets_a_range_across_it() -> None:
    """A knee held at 63 deg sits in the long head's zone (45-65); 3 deg of possible error reaches
    the short head's zone (65-85), so the long head's range runs from 0 to all of the time."""
    t = np.arange(31) / 10.0  # 3 s
    knee = np.full(31, 63.0)
    likely = likely_seconds(t, knee, ZONES, (ErrorBand(-30, 180, 0.0, 3.0),), [(0, 30)])
    assert likely["biceps_femoris_long"] == pytest.approx((0.0, 3.0))
    assert likely["biceps_femoris_short"] == pytest.approx((0.0, 3.0))
    assert likely["semitendinosus"] == (0.0, 0.0)


def test_range_holds_the_measured_value_and_the_bias_moves_it() -> None:
    t = np.linspace(0, 4, 121)
    knee = 50 + 40 * np.sin(np.pi * t / 4)  # 50 -> 90 -> 50
    secs, _ = zone_seconds(t, knee, ZONES)
    likely = likely_seconds(t, knee, ZONES, (ErrorBand(-30, 180, 0.0, 4.0),), [(0, 120)])
    for h, s in secs.items():
        lo, hi = likely[h]
        assert lo - 1e-9 <= s <= hi + 1e-9
    assert likely["semitendinosus"][1] > secs["semitendinosus"]
    # the view reads 10 deg high: truth is lower, the deep head gets less time than measured
    biased = likely_seconds(t, knee, ZONES, (ErrorBand(-30, 180, 10.0, 1.0),), [(0, 120)])
    assert biased["semitendinosus"][1] < secs["semitendinosus"]


def test_spans_share_one_shift() -> None:
    """Two reps are scored under the same error, not each under its own worst case: a rep held at
    66 deg reaches the long head's zone (45-65) only if the view reads high, one held at 44 only
    if it reads low, so no single error gives the long head both."""
    t = np.arange(40) / 10.0
    knee = np.concatenate([np.full(20, 66.0), np.full(20, 44.0)])
    band = (ErrorBand(-30, 180, 0.0, 2.5),)
    joint = likely_seconds(t, knee, ZONES, band, [(0, 19), (20, 39)])
    apart = [likely_seconds(t, knee, ZONES, band, [span]) for span in ((0, 19), (20, 39))]
    assert sum(a["biceps_femoris_long"][1] for a in apart) == pytest.approx(3.8)
    assert joint["biceps_femoris_long"][1] == pytest.approx(1.9)


def test_band_values_outside_every_band_are_nan() -> None:
    bias, spread = band_values(np.array([10.0, 50.0, 200.0]), (ErrorBand(0, 30, 1.0, 2.0),))
    assert bias[0] == 1.0 and spread[0] == 2.0
    assert np.isnan(bias[1:]).all() and np.isnan(spread[1:]).all()
