"""Rep segmentation on synthetic curves with noise, pauses, partial reps and dropouts."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.reps import RepCounter, RepScale, scale_from_series, segment_reps
from formcheck.config import RepConfig
from synthetic import rep_curve

CFG = RepConfig()


def _reps(t: np.ndarray, y: np.ndarray, rest_is_low: bool = True):
    return segment_reps(t, y, scale_from_series(y, rest_is_low), CFG)


def test_counts_clean_reps_and_their_timing() -> None:
    t = np.arange(0, 20, 1 / 30)
    starts = [1.0, 5.0, 9.0, 13.0]
    y = rep_curve(t, starts, down_s=1.5, up_s=1.0, low=5.0, high=95.0)
    reps = _reps(t, y)
    assert len(reps) == 4
    for r, s in zip(reps, starts):
        assert r.start_s == pytest.approx(s, abs=0.07)
        assert r.turn_s == pytest.approx(s + 1.5, abs=0.05)
        assert r.end_s == pytest.approx(s + 2.5, abs=0.07)
        assert r.away_s == pytest.approx(1.5, abs=0.1)
        assert r.back_s == pytest.approx(1.0, abs=0.1)
        assert r.rom_deg == pytest.approx(90.0, abs=1.0)


@pytest.mark.parametrize("seed", range(5))
def test_noise_and_pauses_do_not_add_reps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(1 / 40, 1 / 20, 1200))  # variable frame rate, ~40 s
    starts = [2.0, 8.0, 15.0, 24.0, 31.0]
    y = rep_curve(t, starts, down_s=2.0, up_s=1.2, low=10.0, high=100.0)
    # a pause half-way down in rep 3, and a wobble at the bottom of rep 4
    pause = (t > 15.8) & (t < 18.0)
    y[pause] = 55.0
    y[(t > 26.0) & (t < 26.6)] -= 12 * np.sin(np.linspace(0, np.pi, np.sum((t > 26.0) & (t < 26.6))))
    y += rng.normal(0, 3.0, len(t))
    reps = _reps(t, y)
    assert len(reps) == 5


def test_small_bounces_are_not_reps() -> None:
    t = np.arange(0, 10, 1 / 30)
    y = 20 + 8 * np.sin(2 * np.pi * t / 2.0)  # 16 deg wiggles: below min range
    assert _reps(t, y) == []


def test_half_rep_that_never_reaches_the_far_end_is_dropped() -> None:
    t = np.arange(0, 12, 1 / 30)
    y = rep_curve(t, [1.0, 7.0], 1.5, 1.0, 0.0, 100.0)
    y += rep_curve(t, [4.0], 1.0, 1.0, 0.0, 40.0)  # turned back at 40 %
    assert len(_reps(t, y)) == 2


def test_clip_that_starts_mid_rep_counts_it_and_one_that_ends_mid_rep_does_not() -> None:
    t = np.arange(0, 10, 1 / 30)
    y = rep_curve(t, [-1.0, 3.0, 7.5], 1.5, 1.0, 0.0, 100.0)  # first starts before the clip
    reps = _reps(t, y)  # last one (7.5 s) ends at 10.0: on its way back at the cut? no: 10.0 end
    assert reps[0].partial_start
    assert reps[0].start_s == 0.0
    y2 = rep_curve(t, [1.0, 4.0, 8.6], 1.5, 1.0, 0.0, 100.0)  # third is still going down at 10 s
    assert len(_reps(t, y2)) == 2


def test_nordic_rests_high_and_works_low() -> None:
    t = np.arange(0, 15, 1 / 30)
    y = rep_curve(t, [1.0, 6.0, 11.0], 2.5, 1.0, 0.0, 1.0)
    knee = 115.0 - 95.0 * y  # kneeling at 115 deg, lowering to 20 deg
    reps = _reps(t, knee, rest_is_low=False)
    assert len(reps) == 3
    assert all(r.away_s == pytest.approx(2.5, abs=0.1) for r in reps)


def test_long_dropout_abandons_the_rep_under_way() -> None:
    t = np.arange(0, 12, 1 / 30)
    y = rep_curve(t, [1.0, 5.0], 1.5, 1.0, 0.0, 100.0)
    y[(t > 5.8) & (t < 7.0)] = np.nan  # lifter lost 1.2 s at the bottom of rep 2
    reps = _reps(t, y)
    assert len(reps) == 1


def test_streaming_counter_reports_each_rep_as_it_completes() -> None:
    t = np.arange(0, 10, 1 / 30)
    y = rep_curve(t, [1.0, 5.0], 1.5, 1.0, 0.0, 100.0)
    counter = RepCounter(RepScale(0.0, 100.0), CFG)
    done_at = []
    for i, (tt, v) in enumerate(zip(t, y)):
        if counter.update(i, tt, v):
            done_at.append(tt)
    assert len(done_at) == 2
    # reported as soon as the knee is back near rest: within 0.2 s of the rep's true end
    assert done_at[0] == pytest.approx(3.5, abs=0.2)
    assert done_at[1] == pytest.approx(7.5, abs=0.2)
    assert counter.reps == segment_reps(t, y, RepScale(0.0, 100.0), CFG)


def _curl_with_hidden_tops(hide_s: float):
    """Four 3-s knee curls (10 -> 110 deg); the knee hidden for ``hide_s`` around each top."""
    t = np.arange(0, 16, 1 / 30)
    starts = [1.0, 4.5, 8.0, 11.5]
    y = rep_curve(t, starts, down_s=1.5, up_s=1.5, low=10.0, high=110.0)
    hidden = np.zeros(len(t), bool)
    for s in starts:
        hidden |= np.abs(t - (s + 1.5)) < hide_s / 2
    return t, y, np.where(hidden, np.nan, y), hidden


def test_a_knee_hidden_at_the_top_of_each_curl_is_bridged_not_split() -> None:
    """A front-view standing curl: the working knee is 'not visible' ~1 s at the top of each
    curl while the body is seen. Four reps, not eight halves."""
    from formcheck.analysis.reps import bridge_gaps

    t, y, seen_y, hidden = _curl_with_hidden_tops(1.0)
    scale = scale_from_series(seen_y, True)
    assert len(segment_reps(t, seen_y, scale, CFG)) == 0  # unbridged: every rep is cut in two
    filled, spans = bridge_gaps(t, seen_y, scale, np.ones(len(t), bool), CFG)
    reps = segment_reps(t, filled, scale, CFG)
    assert len(reps) == 4 and len(spans) == 4
    for r, s in zip(reps, [1.0, 4.5, 8.0, 11.5]):
        assert r.start_s == pytest.approx(s, abs=0.15) and r.end_s == pytest.approx(s + 3.0, abs=0.15)
    # the lifter lost altogether over the same stretches: nothing is bridged, no half-rep counted
    filled, spans = bridge_gaps(t, seen_y, scale, ~hidden, CFG)
    assert spans == [] and len(segment_reps(t, filled, scale, CFG)) == 0


def test_the_half_of_a_rep_seen_after_a_long_gap_is_not_counted() -> None:
    t = np.arange(0, 12, 1 / 30)
    y = rep_curve(t, [1.0, 6.0], down_s=1.5, up_s=1.5, low=5.0, high=95.0)
    y[(t > 6.5) & (t < 7.8)] = np.nan  # lost on the way down of rep 2, back near its bottom
    reps = segment_reps(t, y, scale_from_series(y, True), CFG)
    assert [round(r.start_s) for r in reps] == [1]
