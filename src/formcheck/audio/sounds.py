"""Every cue `formcheck live` can sound, as samples: two tones and the spoken phrases of vocab.CUES
(faults, toes, "step back into view", and a Nordic's break point to the nearest 10 deg).

The tones are synthesised here; the speech is pre-rendered (``tools/make_speech_clips.py`` runs
espeak-ng) and shipped as WAV files in ``audio/clips``, so users need no speech engine. All
sounds are mono float32 in [-1, 1] at ``SAMPLE_RATE_HZ``: one format for the player, the cue
track and the tests.

The tones are two-note chimes of pure sines with fixed, named frequencies, so a recording of a
session can be searched for them (``tests/audio_helpers.py``): entering the target zone rises
(660 then 990 Hz), leaving it falls (880 then 440 Hz). No note of one chime is a note of the
other, so the two cannot be mistaken for each other.
"""

from __future__ import annotations

import functools
import os
import wave
from importlib import resources
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from formcheck.vocab import CUES

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SAMPLE_RATE_HZ = 16000

NOTE_S = 0.09  # each note of a chime
FADE_S = 0.01  # raised-cosine fade at both ends of each note: no click at the edges
TONE_PEAK = 0.5  # below the speech's 0.8 peak: a cue, not an alarm
ENTER_NOTES_HZ = (660.0, 990.0)  # rising: into the target zone
LEAVE_NOTES_HZ = (880.0, 440.0)  # falling: out of it
TONES: dict[str, tuple[float, float]] = {
    "zone_enter": ENTER_NOTES_HZ,
    "zone_leave": LEAVE_NOTES_HZ,
}

# Spoken cues: id -> the words of the clip, from vocab.CUES (which also holds the screen's words).
SPOKEN: dict[str, str] = {key: cue.spoken for key, cue in CUES.items()}

SOUND_IDS: tuple[str, ...] = (*TONES, *SPOKEN)

CLIPS_DIR = "clips"  # inside this package: clips/<id>.wav, 16-bit mono at SAMPLE_RATE_HZ
_PCM_SCALE = 32768  # int16 = round(x * 32768), as read_wav divides: x = int16 / 32768


def check_id(sound_id: str) -> str:
    """``sound_id`` if it is a known sound, else ValueError naming the known ones."""
    if sound_id not in SOUND_IDS:
        raise ValueError(f"unknown sound id {sound_id!r}; known: {', '.join(SOUND_IDS)}")
    return sound_id


def sound(sound_id: str) -> np.ndarray:
    """The samples of one sound: float32, mono, ``SAMPLE_RATE_HZ``, read-only (shared, cached)."""
    return _cached(check_id(sound_id))


def duration_s(sound_id: str) -> float:
    """How long ``sound_id`` plays, in seconds."""
    return len(sound(sound_id)) / SAMPLE_RATE_HZ


def chime(notes_hz: tuple[float, ...], note_s: float = NOTE_S, rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """Notes of pure sine, one after another, each ``note_s`` long with its own fade in and out.

    Each note starts at phase zero and fades to zero, so the joins are silent rather than clicks.
    """
    n = round(note_s * rate_hz)
    n_fade = min(round(FADE_S * rate_hz), n // 2)
    envelope = np.ones(n)
    if n_fade:
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n_fade) / n_fade)
        envelope[:n_fade] = ramp
        envelope[n - n_fade :] = ramp[::-1]
    t_s = np.arange(n) / rate_hz
    notes = [TONE_PEAK * envelope * np.sin(2 * np.pi * f_hz * t_s) for f_hz in notes_hz]
    return np.concatenate(notes).astype(np.float32)


def clip_resource(sound_id: str) -> Traversable:
    """The packaged WAV of a spoken cue (works from a wheel, a zip or the source tree)."""
    if sound_id not in SPOKEN:
        raise ValueError(f"{sound_id!r} is not a spoken cue; spoken: {', '.join(SPOKEN)}")
    return resources.files(__package__) / CLIPS_DIR / f"{sound_id}.wav"


@functools.cache
def _cached(sound_id: str) -> np.ndarray:
    if sound_id in TONES:
        samples = chime(TONES[sound_id])
    else:
        with clip_resource(sound_id).open("rb") as f:
            samples, rate_hz = read_wav(f)
        if rate_hz != SAMPLE_RATE_HZ:
            raise ValueError(
                f"packaged clip {sound_id}.wav is {rate_hz} Hz, expected {SAMPLE_RATE_HZ} Hz "
                "(regenerate with tools/make_speech_clips.py)"
            )
    samples.flags.writeable = False  # one copy shared by every caller
    return samples


def write_wav(path: str | os.PathLike, samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """Write mono samples in [-1, 1] as 16-bit PCM; values outside are clipped (+1 to 32767/32768)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"samples must be mono, shape (n,); got shape {x.shape}")
    pcm = np.clip(np.round(np.nan_to_num(x) * _PCM_SCALE), -_PCM_SCALE, _PCM_SCALE - 1).astype("<i2")
    with wave.open(os.fspath(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(rate_hz))
        w.writeframes(pcm.tobytes())


def read_wav(source: str | os.PathLike | BinaryIO) -> tuple[np.ndarray, int]:
    """``(samples, rate_hz)`` of a PCM WAV: float32 mono in [-1, 1]; channels are averaged.

    8-bit (unsigned), 16- and 32-bit (signed) PCM are read; anything else is a ValueError.
    """
    src = source if hasattr(source, "read") else os.fspath(source)
    with wave.open(src, "rb") as w:
        n_channels, width, rate_hz = w.getnchannels(), w.getsampwidth(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128.0) / 128.0
    elif width in (2, 4):
        dtype = "<i2" if width == 2 else "<i4"
        x = np.frombuffer(raw, dtype).astype(np.float64) / float(2 ** (8 * width - 1))
    else:
        raise ValueError(f"{width * 8}-bit WAV not supported (8, 16 or 32-bit PCM)")
    x = x[: len(x) - len(x) % n_channels].reshape(-1, n_channels).mean(axis=1)
    return x.astype(np.float32), int(rate_hz)
