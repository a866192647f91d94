"""Time in each hamstring head's zone, on curves whose answer is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.zones import time_in_window_s, zone_of, zone_seconds
from formcheck.config import ZONES


def test_linear_ramp_time_in_each_zone_is_exact() -> None:
    # knee goes 0 -> 120 deg in 12 s at 10 deg/s, sampled irregularly (variable frame rate)
    rng = np.random.default_rng(1)
    t = np.sort(np.concatenate([[0.0, 12.0], rng.uniform(0, 12, 400)]))
    y = 10.0 * t
    secs, measured = zone_seconds(t, y, ZONES)
    assert measured == pytest.approx(12.0)
    assert secs["semimembranosus"] == pytest.approx(1.5)  # 0..15 deg
    assert secs["biceps_femoris_long"] == pytest.approx(2.0)  # 45..65
    assert secs["biceps_femoris_short"] == pytest.approx(2.0)  # 65..85
    assert secs["semitendinosus"] == pytest.approx(2.0)  # 85..105


def test_frame_rate_does_not_change_zone_seconds() -> None:
    def curve(t: np.ndarray) -> np.ndarray:  # hold 55 deg for 3 s, ramp to 95, hold 2 s
        return np.interp(t, [0, 3, 5, 7], [55, 55, 95, 95])

    results = []
    for fps in (24.0, 30.0, 60.0, 240.0):
        t = np.arange(0, 7 + 1e-9, 1 / fps)
        t[-1] = 7.0
        results.append(zone_seconds(t, curve(t), ZONES)[0])
    for r in results:
        assert r["biceps_femoris_long"] == pytest.approx(3.0 + 10 / 40 * 2, abs=1e-9)
        assert r["semitendinosus"] == pytest.approx(2.0 + 10 / 40 * 2, abs=1e-9)
        assert r["biceps_femoris_short"] == pytest.approx(20 / 40 * 2, abs=1e-9)


def test_missing_samples_are_uncovered_not_zero_degrees() -> None:
    t = np.arange(11, dtype=float)
    y = np.full(11, 0.0)
    y[3:6] = np.nan  # frames 3,4,5 missing: intervals 2-3 .. 5-6 are unknown (4 s)
    secs, measured = zone_seconds(t, y, ZONES)
    assert measured == pytest.approx(6.0)
    assert secs["semimembranosus"] == pytest.approx(6.0)


def test_constant_interval_on_a_boundary_belongs_to_the_upper_zone() -> None:
    t = np.array([0.0, 1.0])
    assert time_in_window_s(t, np.array([65.0, 65.0]), 65, 85)[0] == pytest.approx(1.0)
    assert time_in_window_s(t, np.array([65.0, 65.0]), 45, 65)[0] == pytest.approx(0.0)


def test_zone_of_labels_samples() -> None:
    labels = zone_of(np.array([5.0, 30.0, 50.0, 70.0, 95.0, np.nan]), ZONES)
    assert list(labels) == [
        "semimembranosus", "", "biceps_femoris_long", "biceps_femoris_short", "semitendinosus", "",
    ]
