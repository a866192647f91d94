"""When live mode makes a sound: the knee entering and leaving the target zone, and spoken cues
for faults, rate-limited so they inform rather than nag. Pure logic over timestamps.

``ZoneWatcher`` is fed one sample at a time (live); ``zone_events`` runs it over a series, which
is how tests compute when the tones should have sounded from the recorded-set analysis.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import LiveConfig, Zone

ENTER, LEAVE = "zone_enter", "zone_leave"  # the two tones' sound ids


class ZoneWatcher:
    """Tracks whether a knee angle is in one zone, with hysteresis.

    In: the angle has been inside ``[lo, hi)`` for ``dwell_s``. Out again: it is more than
    ``margin_deg`` past either edge. A knee hovering on an edge therefore gives one tone, not a
    burst. Missing samples change nothing.
    """

    def __init__(self, zone: Zone, margin_deg: float, dwell_s: float) -> None:
        self.zone = zone
        self.margin_deg = margin_deg
        self.dwell_s = dwell_s
        self.inside = False
        self._since_s = float("nan")  # when the angle last came inside the zone

    def update(self, t_s: float, angle_deg: float) -> str | None:
        """Returns ENTER or LEAVE at the sample where the state changes, else None."""
        if not np.isfinite(angle_deg):
            return None
        z = self.zone
        if self.inside:
            if angle_deg < z.lo_deg - self.margin_deg or angle_deg >= z.hi_deg + self.margin_deg:
                self.inside = False
                self._since_s = float("nan")
                return LEAVE
            return None
        if z.lo_deg <= angle_deg < z.hi_deg:
            if not np.isfinite(self._since_s):
                self._since_s = t_s
            if t_s - self._since_s >= self.dwell_s:
                self.inside = True
                return ENTER
        else:
            self._since_s = float("nan")
        return None


def zone_events(
    t_s: np.ndarray, angle_deg: np.ndarray, zone: Zone, margin_deg: float, dwell_s: float
) -> list[tuple[float, str]]:
    """(time, ENTER or LEAVE) over a whole series: the batch form of ZoneWatcher."""
    watcher = ZoneWatcher(zone, margin_deg, dwell_s)
    events = []
    for t, y in zip(t_s, angle_deg):
        what = watcher.update(float(t), float(y))
        if what:
            events.append((float(t), what))
    return events


class CueLimiter:
    """Drops cues that would come too soon: the same spoken cue within ``cue_repeat_s``, any two
    spoken cues within ``cue_gap_s``, the same tone within ``tone_gap_s``. Dropped, not queued:
    a cue is only worth hearing at the moment it applies."""

    TONES = (ENTER, LEAVE)

    def __init__(self, cfg: LiveConfig) -> None:
        self.cfg = cfg
        self._last_s: dict[str, float] = {}
        self._last_spoken_s = -np.inf

    def allow(self, sound_id: str, t_s: float) -> bool:
        last = self._last_s.get(sound_id, -np.inf)
        if sound_id in self.TONES:
            ok = t_s - last >= self.cfg.tone_gap_s
        else:
            ok = t_s - last >= self.cfg.cue_repeat_s and t_s - self._last_spoken_s >= self.cfg.cue_gap_s
            if ok:
                self._last_spoken_s = t_s
        if ok:
            self._last_s[sound_id] = t_s
        return ok


class Hold:
    """A condition that must stay true ``hold_s`` before it counts (a fault worth cueing).

    ``update`` returns True while it counts; ``started_s`` is when the current run began, and
    ``fired`` lets the caller cue once per run.
    """

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self.started_s = float("nan")
        self.fired = False

    def update(self, t_s: float, condition: bool) -> bool:
        if not condition:
            self.started_s = float("nan")
            self.fired = False
            return False
        if not np.isfinite(self.started_s):
            self.started_s = t_s
        return t_s - self.started_s >= self.hold_s
