"""Repetitions from one driving signal (hip flexion for hinges and squats, knee flexion otherwise).

The signal is normalised so 0 is the rest position and 1 the far end. A rep starts when the
signal leaves rest (crosses ``leave_frac``), must reach ``enter_frac`` of the way, and ends when it
comes back below ``leave_frac``: the gap between the two thresholds is the hysteresis that keeps
noise and pauses from making extra reps. Start and end times are refined to where the signal
last / first sat near rest (``SETTLE_FRAC``). A clip that starts mid-rep counts that rep (its
start is marked partial); one that ends mid-rep does not count the unfinished one.

``RepCounter`` is fed one sample at a time (live use); ``segment_reps`` runs it over a series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.config import RepConfig
from formcheck.types import Rep

SETTLE_FRAC = 0.12  # within this share of the range of rest, the lifter is "at rest"
DEPART_TOL = 0.015  # a rep starts at the last sample this close to the lowest rest level


@dataclass(frozen=True)
class RepScale:
    rest: float  # signal value at the rest position
    far: float  # signal value at the far end of a typical rep

    @property
    def span(self) -> float:
        return self.far - self.rest

    def norm(self, value: float) -> float:
        return (value - self.rest) / self.span


def scale_from_series(signal: np.ndarray, rest_is_low: bool) -> RepScale:
    """Rest and far levels from a whole series: robust percentiles, not extremes."""
    y = signal[np.isfinite(signal)]
    if y.size == 0:
        return RepScale(np.nan, np.nan)
    lo, hi = np.percentile(y, [3.0, 92.0]) if rest_is_low else np.percentile(y, [8.0, 97.0])
    return RepScale(float(lo), float(hi)) if rest_is_low else RepScale(float(hi), float(lo))


class RepCounter:
    """Stateful rep segmentation over (index, t_s, value) samples given in time order."""

    def __init__(self, scale: RepScale, cfg: RepConfig) -> None:
        self.scale = scale
        self.cfg = cfg
        self.reps: list[Rep] = []
        self._state = "init"
        self._start: tuple[int, float, float] | None = None  # (i, t, value) where the rep began
        self._partial = False
        self._peak: tuple[int, float, float] | None = None  # furthest point of the current rep
        self._reached = False
        self._settle: tuple[int, float, float] | None = None  # last / first point near rest
        self._low: tuple[int, float, float] | None = None  # lowest point while returning
        self._last_t = float("nan")
        self._rest_low = self._rest_low_value = self._origin_value = float("nan")

    @property
    def state(self) -> str:
        """'rest', 'away' (heading out or at the far end) or 'back' (returning)."""
        return {"init": "rest", "lost": "rest", "out": "away", "returning": "back"}.get(self._state, self._state)

    def update(self, i: int, t_s: float, value: float) -> Rep | None:
        """Feed one sample; returns a Rep when one completes."""
        if not np.isfinite(value) or not np.isfinite(self.scale.span) or self.scale.span == 0:
            return None
        if t_s - self._last_t > self.cfg.max_gap_s:  # lifter lost too long: drop a rep under way,
            self._state = "lost"  # and never count the half of one seen after the gap
        self._last_t = t_s
        x = self.scale.norm(value)
        sample = (i, t_s, value)
        cfg = self.cfg
        if self._state == "init":
            if x <= cfg.leave_frac:
                self._to_rest(sample, x)
            else:
                self._to_out(sample, partial=True)
                self._track_out(sample, x)
            return None
        if self._state == "lost":
            if x <= cfg.leave_frac:
                self._to_rest(sample, x)
            return None
        if self._state == "rest":
            if x < self._rest_low:
                self._rest_low, self._rest_low_value = x, value
            if x <= self._rest_low + DEPART_TOL:
                self._settle = sample
            if x > cfg.leave_frac:
                self._to_out(self._settle or sample, partial=False)
                self._track_out(sample, x)
            return None
        if self._state == "out":
            self._track_out(sample, x)
            if x <= cfg.leave_frac:
                if self._reached:
                    self._state = "returning"
                    self._low, self._low_x = sample, x
                    if x <= self._target:
                        return self._complete(sample, x)
                else:  # turned back before the far end: not a rep
                    self._to_rest(sample, x)
            return None
        # returning
        if x < self._low_x:
            self._low, self._low_x = sample, x
        if x <= self._target:  # back where the rep started
            return self._complete(sample, x)
        if x <= SETTLE_FRAC and x >= self._low_x + DEPART_TOL:  # settled a little higher
            rep = self._emit(self._low)
            self._to_rest(sample, x)
            return rep
        if x > cfg.leave_frac:  # went out again without settling: end at the lowest point
            rep = self._emit(self._low)
            self._to_out(self._low, partial=False)
            self._track_out(sample, x)
            return rep
        return None

    def finish(self) -> Rep | None:
        """End of the series: a rep on its way back counts, ending at its lowest point."""
        if self._state == "returning" and self._low is not None:
            rep = self._emit(self._low)
            self._state = "rest"
            return rep
        return None

    # -- state changes -----------------------------------------------------------------------
    def _to_rest(self, sample: tuple[int, float, float], x: float) -> None:
        self._state = "rest"
        self._settle = sample
        self._rest_low, self._rest_low_value = x, sample[2]

    def _to_out(self, start: tuple[int, float, float], partial: bool) -> None:
        self._state = "out"
        self._start = start
        self._partial = partial
        self._origin_value = start[2] if partial else self._rest_low_value
        # the rep is over once the signal is back where it started (or near rest, if it
        # started mid-rep)
        start_x = self.scale.norm(start[2])
        self._target = min(start_x, SETTLE_FRAC) + DEPART_TOL
        self._peak = None
        self._reached = False

    def _track_out(self, sample: tuple[int, float, float], x: float) -> None:
        if self._peak is None or x > self.scale.norm(self._peak[2]):
            self._peak = sample
        if x >= self.cfg.enter_frac:
            self._reached = True

    def _complete(self, sample: tuple[int, float, float], x: float) -> Rep | None:
        rep = self._emit(sample)
        self._to_rest(sample, x)
        return rep

    def _emit(self, end: tuple[int, float, float]) -> Rep | None:
        assert self._start is not None and self._peak is not None
        start, peak = self._start, self._peak
        rom = max(abs(peak[2] - self._origin_value), abs(peak[2] - end[2]))
        duration = end[1] - start[1]
        cfg = self.cfg
        if rom < cfg.min_range_deg or not (cfg.min_duration_s <= duration <= cfg.max_duration_s):
            return None
        rep = Rep(
            index=len(self.reps) + 1,
            i_start=start[0], i_turn=peak[0], i_end=end[0],
            start_s=start[1], turn_s=peak[1], end_s=end[1],
            rom_deg=float(rom), partial_start=self._partial,
        )
        self.reps.append(rep)
        return rep


def bridge_gaps(
    t_s: np.ndarray, signal: np.ndarray, scale: RepScale, body_seen: np.ndarray, cfg: RepConfig
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The signal with hidden stretches inside a rep filled in, and the spans filled (s).

    A stretch where the driving joint was not seen is bridged (linearly) when it is at most
    ``cfg.max_bridge_s`` long, both its edges are away from rest (so it lies inside one rep, not
    between two), and the rest of the body was seen through at least BRIDGE_SEEN of it: a curling
    knee hidden at the top of a front-view curl. Longer stretches, ones that start or end at rest,
    and ones where the lifter was lost altogether are left as gaps (RepCounter drops a rep under
    way across them and never counts the half after)."""
    y = np.asarray(signal, dtype=np.float64).copy()
    spans: list[tuple[float, float]] = []
    if not np.isfinite(scale.span) or scale.span == 0:
        return y, spans
    idx = np.flatnonzero(np.isfinite(y))
    for a, b in zip(idx[:-1], idx[1:]):
        gap = float(t_s[b] - t_s[a])
        if b - a <= 1 or gap <= cfg.max_gap_s or gap > cfg.max_bridge_s:
            continue
        inside = min(scale.norm(y[a]), scale.norm(y[b])) > cfg.leave_frac
        if inside and np.mean(body_seen[a + 1:b]) >= BRIDGE_SEEN:
            y[a + 1:b] = np.interp(t_s[a + 1:b], [t_s[a], t_s[b]], [y[a], y[b]])
            spans.append((float(t_s[a]), float(t_s[b])))
    return y, spans


BRIDGE_SEEN = 0.8


def segment_reps(t_s: np.ndarray, signal: np.ndarray, scale: RepScale, cfg: RepConfig) -> list[Rep]:
    """All complete reps in a series (the batch form of RepCounter)."""
    counter = RepCounter(scale, cfg)
    for i, (t, v) in enumerate(zip(t_s, signal)):
        counter.update(i, float(t), float(v))
    counter.finish()
    return counter.reps
