#!/usr/bin/env python
"""Regenerate the spoken cues, src/formcheck/audio/clips/<id>.wav, from the spoken words in ``vocab.CUES``.

    .venv/bin/python tools/make_speech_clips.py [--out DIR] [--espeak PATH]

Users get these clips with the package, so they need no speech engine; this tool is for us, after
changing a phrase. Each phrase is spoken by espeak-ng (US English, 165 words a minute), which
writes 22050 Hz; the clip is low-passed and resampled to ``SAMPLE_RATE_HZ`` (16 kHz), trimmed of
leading and trailing silence, faded at both ends and normalised to a 0.8 peak, then written as
16-bit mono. Prints each clip's length and size.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from formcheck.audio.sounds import SAMPLE_RATE_HZ, read_wav, write_wav
from formcheck.vocab import CUES

VOICE = "en-us"
WORDS_PER_MIN = 165
PEAK = 0.8
SILENCE_REL = 0.02  # quieter than this fraction of the peak counts as silence at the ends
PAD_S = 0.02  # kept either side of the speech
FADE_S = 0.005
LOWPASS_TAPS = 63
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "formcheck" / "audio" / "clips"


def speak(phrase: str, espeak: str) -> tuple[np.ndarray, int]:
    """espeak-ng's rendering of ``phrase``: (samples, rate_hz)."""
    with tempfile.TemporaryDirectory(prefix="formcheck-speech-") as tmp:
        out = Path(tmp) / "speech.wav"
        cmd = [espeak, "-v", VOICE, "-s", str(WORDS_PER_MIN), "-w", str(out), phrase]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return read_wav(out)


def resample(x: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Linear interpolation onto the new rate, after a windowed-sinc low-pass below the new
    Nyquist when downsampling (espeak's content above 8 kHz would otherwise fold back as hiss)."""
    x = np.asarray(x, dtype=np.float64)
    if from_hz == to_hz:
        return x
    if to_hz < from_hz:
        cutoff = 0.45 * to_hz / from_hz  # cycles per input sample
        k = np.arange(LOWPASS_TAPS) - (LOWPASS_TAPS - 1) / 2
        taps = 2 * cutoff * np.sinc(2 * cutoff * k) * np.hanning(LOWPASS_TAPS)
        x = np.convolve(x, taps / taps.sum(), mode="same")
    t_in_s = np.arange(len(x)) / from_hz
    t_out_s = np.arange(int(len(x) * to_hz / from_hz)) / to_hz
    return np.interp(t_out_s, t_in_s, x)


def trim_and_normalise(x: np.ndarray, rate_hz: int) -> np.ndarray:
    """The speech without silence at either end, faded in and out, peak ``PEAK``."""
    loud = np.flatnonzero(np.abs(x) > SILENCE_REL * np.max(np.abs(x)))
    pad = int(PAD_S * rate_hz)
    y = x[max(loud[0] - pad, 0) : loud[-1] + pad + 1].copy()
    n_fade = int(FADE_S * rate_hz)
    ramp = np.linspace(0.0, 1.0, n_fade)
    y[:n_fade] *= ramp
    y[-n_fade:] *= ramp[::-1]
    return y * (PEAK / np.max(np.abs(y)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for <id>.wav")
    parser.add_argument("--espeak", default="espeak-ng", help="the espeak-ng executable")
    args = parser.parse_args(argv)
    espeak = shutil.which(args.espeak)
    if espeak is None:
        print(f"{args.espeak} not found (Debian: apt-get install espeak-ng)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    total_b = 0
    for cue in CUES.values():
        phrase = cue.spoken
        raw, rate_hz = speak(phrase, espeak)
        clip = trim_and_normalise(resample(raw, rate_hz, SAMPLE_RATE_HZ), SAMPLE_RATE_HZ)
        path = args.out / f"{cue.key}.wav"
        write_wav(path, clip, SAMPLE_RATE_HZ)
        size_b = path.stat().st_size
        total_b += size_b
        print(f"{path.name:14s} {len(clip) / SAMPLE_RATE_HZ:5.2f} s {size_b / 1024:6.1f} KB  {phrase!r}")
    print(f"total {total_b / 1024:.1f} KB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
