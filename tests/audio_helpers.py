"""Finding the cue tones in a rendered track, for the audio and live-mode tests.

A chime is notes of pure sine, ``note_s`` each (``formcheck.audio.sounds``). At every sample the
amplitude of each note's frequency over the next ``note_s`` is measured with a sliding DFT (one
Goertzel bin per window, all windows at once from a cumulative sum), which is blind to the phase
and, over a whole note's length, narrow enough (~1/note_s Hz) that speech, whose harmonics glide,
and the other chime's notes barely register. A chime starts at ``t`` when:

* each note is loud where it should be: note k's amplitude over [t + k*note_s, t + (k+1)*note_s)
  is at least ``min_amp`` (the chimes are 0.5 peak, ~0.45 averaged over their fades; the speech
  clips reach ~0.1 at a chime frequency);
* each note stands out from its neighbours: it is ``contrast`` times the amplitude the previous
  and next notes' frequencies have over the same window, so the order of the notes counts (a
  falling chime is not a rising one) and broadband sound (a click, noise) is not a chime;
* it is the best such start within ``note_s`` either side (the score peaks sharply at the onset,
  where every window lines up with its note).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def note_amplitude(samples: np.ndarray, rate_hz: float, freq_hz: float, window_n: int) -> np.ndarray:
    """(n - window_n + 1,) the amplitude of ``freq_hz`` over ``samples[i : i + window_n]``.

    A sine of amplitude A filling the window gives A (to within the leakage of its own fades)."""
    x = np.asarray(samples, dtype=np.float64)
    if len(x) < window_n:
        return np.zeros(0)
    phase = np.exp(-2j * np.pi * freq_hz / rate_hz * np.arange(len(x)))
    c = np.concatenate([[0.0], np.cumsum(x * phase)])
    return 2.0 * np.abs(c[window_n:] - c[:-window_n]) / window_n


def tone_onsets_s(
    samples: np.ndarray,
    rate_hz: float,
    notes_hz: Sequence[float],
    note_s: float,
    *,
    min_amp: float = 0.2,
    contrast: float = 2.0,
) -> list[float]:
    """Start times (s, ascending) of each occurrence of the chime ``notes_hz`` in ``samples``."""
    n_note = round(note_s * rate_hz)
    n_notes = len(notes_hz)
    n_starts = len(samples) - n_note * n_notes + 1
    if n_starts <= 0:
        return []
    amp = {f: note_amplitude(samples, rate_hz, f, n_note) for f in set(notes_hz)}
    score = np.full(n_starts, np.inf)
    ok = np.ones(n_starts, dtype=bool)
    for k, f_hz in enumerate(notes_hz):
        here = amp[f_hz][k * n_note : k * n_note + n_starts]  # note k's window for each start
        score = np.minimum(score, here)
        ok &= here >= min_amp
        for j in (k - 1, k + 1):
            if 0 <= j < n_notes and notes_hz[j] != f_hz:
                ok &= here >= contrast * amp[notes_hz[j]][k * n_note : k * n_note + n_starts]
    peak = np.ones(n_starts, dtype=bool)  # local maxima of the score: one or a few per chime
    peak[1:] &= score[1:] >= score[:-1]
    peak[:-1] &= score[:-1] > score[1:]
    candidates = np.flatnonzero(ok & peak)
    onsets: list[int] = []
    for i in candidates[np.argsort(-score[candidates], kind="stable")]:
        if all(abs(i - j) > n_note for j in onsets):
            onsets.append(int(i))
    return sorted(i / rate_hz for i in onsets)
