"""A session's sound cues on one timeline, rendered to a single mono track.

The live loop adds every cue it sounds here as well as playing it, so the session's cues can be
written as a WAV: tests look for the tones at the moments they expect (no speakers needed), and
users can keep the track, e.g. to lay it under a recording of the set. Times are seconds from the
start of the session, the same clock as the frames' ``t_s``.
"""

from __future__ import annotations

import math
import os

import numpy as np

from formcheck.audio.sounds import SAMPLE_RATE_HZ, check_id, sound, write_wav


class CueTrack:
    """Cues ``(t_s, sound_id)`` in the order they were added; ``render`` mixes them."""

    def __init__(self) -> None:
        self._events: list[tuple[float, str]] = []

    def add(self, t_s: float, sound_id: str) -> None:
        """Record ``sound_id`` starting at ``t_s`` (seconds, finite, >= 0)."""
        if not (math.isfinite(t_s) and t_s >= 0):
            raise ValueError(f"t_s must be a finite time >= 0 s; got {t_s}")
        self._events.append((float(t_s), check_id(sound_id)))

    @property
    def events(self) -> list[tuple[float, str]]:
        """A copy of the cues, ``(t_s, sound_id)``, sorted by time (ties keep their order)."""
        return sorted(self._events, key=lambda e: e[0])

    def end_s(self) -> float:
        """When the last sound finishes: 0 for an empty track."""
        return max((i0 + len(x) for i0, x in self._placed()), default=0) / SAMPLE_RATE_HZ

    def render(self, duration_s: float | None = None) -> np.ndarray:
        """The mix: float32 mono at ``SAMPLE_RATE_HZ``, overlapping sounds summed then clipped to
        [-1, 1]. Long enough for ``duration_s`` and for the last sound to finish."""
        placed = self._placed()
        n_end = max((i0 + len(x) for i0, x in placed), default=0)
        n_duration = math.ceil(duration_s * SAMPLE_RATE_HZ - 1e-9) if duration_s else 0
        mix = np.zeros(max(n_end, n_duration), dtype=np.float64)
        for i0, samples in placed:
            mix[i0 : i0 + len(samples)] += samples
        return np.clip(mix, -1.0, 1.0).astype(np.float32)

    def _placed(self) -> list[tuple[int, np.ndarray]]:
        """Each cue as (first sample index, samples)."""
        return [(round(t_s * SAMPLE_RATE_HZ), sound(sid)) for t_s, sid in self._events]

    def write_wav(self, path: str | os.PathLike, duration_s: float | None = None) -> None:
        """``render(duration_s)`` as a 16-bit mono WAV at ``SAMPLE_RATE_HZ``."""
        write_wav(path, self.render(duration_s), SAMPLE_RATE_HZ)

    def __len__(self) -> int:
        return len(self._events)

