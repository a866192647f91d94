"""Fire-and-forget playback of the cues on the user's speakers, with no new dependency.

Python's standard library plays sound only on Windows (``winsound``); elsewhere the system's own
player command does it: ``afplay`` on macOS, ``paplay``, ``pw-play`` or ``aplay`` on Linux. At
open every sound is written once to a temporary folder as a WAV, and the first player on PATH that
can play a short silence within ``PROBE_TIMEOUT_S`` is kept. ``play`` then starts that command on
the sound's file and returns at once, so the video loop never waits for audio.

No audio output is normal (a server, a container, a muted session): the player is then silent
(``available`` False) and says why once, in ``message``; nothing raises for want of sound. A player
that fails later (the device unplugged) is noticed when its child exits, and the player goes silent
the same way. ``take_message`` hands each new message to the caller once, for the live window.

Children are capped at ``MAX_PLAYING``: a cue that would exceed the cap is dropped, not queued, so a
burst of cues cannot pile up and play late. ``winsound`` plays one sound at a time: a new cue cuts
off the one playing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.audio.sounds import SAMPLE_RATE_HZ, SOUND_IDS, check_id, sound, write_wav

DEFAULT_CANDIDATES: tuple[tuple[str, ...], ...] = (
    ("afplay",),  # macOS
    ("paplay",),  # PulseAudio, or PipeWire's pulse server
    ("pw-play",),  # PipeWire
    ("aplay", "-q"),  # ALSA
)
PROBE_TIMEOUT_S = 2.0  # per candidate: a player that cannot play silence in this long is no use
PROBE_S = 0.05  # the silence played to prove the output works
MAX_PLAYING = 3
STOP_WAIT_S = 0.5  # at close, how long a terminated child gets before it is killed
MUTED_MESSAGE = "sound muted"
_GIVE_UP = "carrying on without sound"
_PROBE_FILE = "_probe.wav"
_REASON_CHARS = 100


class _Backend(Protocol):
    name: str

    def probe(self, path: Path, timeout_s: float) -> str | None:
        """Play ``path`` and wait for it: None if it played, else why not."""

    def start(self, path: Path) -> str | None:
        """Start ``path`` (or drop it when busy) without waiting: None, or why playback failed."""

    def check(self) -> str | None:
        """Reap finished playbacks: None, or why one failed."""

    def stop(self) -> None:
        """Stop whatever is playing and reap it."""


class Player:
    """Plays cues by id without blocking; silent, with a ``message``, when it cannot.

    Made by :func:`open_player`. Use from one thread. ``close`` (or the ``with`` block's end)
    stops the sounds still playing and removes the temporary files; it is also run at exit.
    """

    def __init__(self, backend: _Backend | None, folder: Path | None, message: str | None) -> None:
        self._backend = backend
        self._folder = folder
        self.message = message  # the latest line for the user, or None while all is well
        self._pending = message  # not yet handed out by take_message
        self._close = weakref.finalize(self, _cleanup, backend, folder)

    @property
    def available(self) -> bool:
        """Whether cues are being played (False when muted, without output, failed or closed)."""
        return self._backend is not None and self._close.alive

    @property
    def backend(self) -> str | None:
        """The player in use ('paplay', 'winsound', ...), None when silent."""
        return self._backend.name if self.available else None

    def play(self, sound_id: str) -> None:
        """Start ``sound_id`` and return at once. Never raises for want of sound: a failure makes
        the player silent and sets ``message``. An unknown id is a bug and a ValueError."""
        check_id(sound_id)
        if not self.available:
            return
        reason = self._backend.start(self._folder / f"{sound_id}.wav")
        if reason is not None:
            self._fail(reason)

    def take_message(self) -> str | None:
        """A message not yet taken (say, for the live window), once; else None. Also notices a
        player that has failed since the last ``play``."""
        if self.available:
            reason = self._backend.check()
            if reason is not None:
                self._fail(reason)
        message, self._pending = self._pending, None
        return message

    def close(self) -> None:
        """Stop the sounds still playing, reap them and remove the temporary files. Idempotent."""
        self._close()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _fail(self, reason: str) -> None:
        name = self._backend.name
        self.close()
        self._backend = None
        self.message = self._pending = f"sound stopped ({name}: {reason}): {_GIVE_UP}"


def open_player(
    mute: bool = False,
    candidates: Sequence[Sequence[str]] | None = None,
    *,
    probe_timeout_s: float = PROBE_TIMEOUT_S,
) -> Player:
    """A player for the cues: the first working backend, or a silent one saying why.

    ``candidates``: argv prefixes to try, in order; the WAV's path is appended to play it. None
    means ``winsound`` on Windows, then ``DEFAULT_CANDIDATES``; a test passes its own command.
    Each candidate on PATH is proved by playing ``PROBE_S`` of silence, waiting at most
    ``probe_timeout_s`` for it. Never raises for want of sound.
    """
    if mute:
        return Player(None, None, MUTED_MESSAGE)
    backends: list[_Backend] = []
    if candidates is None:
        if sys.platform == "win32":
            with contextlib.suppress(ImportError):
                backends.append(_Winsound())
        candidates = DEFAULT_CANDIDATES
    for argv in candidates:
        exe = shutil.which(argv[0])
        if exe is not None:
            backends.append(_Subprocess((exe, *argv[1:])))
    if not backends:
        names = ", ".join(os.path.basename(argv[0]) for argv in candidates)
        why = f"none of {names} on PATH" if names else "no player command given"
        return Player(None, None, f"no audio output found ({why}): {_GIVE_UP}")
    try:
        folder = _write_sounds()
    except OSError as e:
        return Player(None, None, f"cannot write the sounds to a temporary folder ({e}): {_GIVE_UP}")
    failures = []
    for backend in backends:
        reason = backend.probe(folder / _PROBE_FILE, probe_timeout_s)
        if reason is None:
            return Player(backend, folder, None)
        failures.append(f"{backend.name}: {reason}")
    shutil.rmtree(folder, ignore_errors=True)
    return Player(None, None, f"no audio output found ({'; '.join(failures)}): {_GIVE_UP}")


def _write_sounds() -> Path:
    """A new temporary folder holding ``<id>.wav`` for every sound, and the probe's silence."""
    folder = Path(tempfile.mkdtemp(prefix="formcheck-sounds-"))
    try:
        for sound_id in SOUND_IDS:
            write_wav(folder / f"{sound_id}.wav", sound(sound_id))
        write_wav(folder / _PROBE_FILE, np.zeros(int(PROBE_S * SAMPLE_RATE_HZ), np.float32))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _cleanup(backend: _Backend | None, folder: Path | None) -> None:
    # a function of its arguments, not of the Player, so weakref.finalize can run it at exit
    if backend is not None:
        backend.stop()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return line if len(line) <= _REASON_CHARS else line[: _REASON_CHARS - 3] + "..."


def _exit_reason(returncode: int) -> str:
    return f"killed by signal {-returncode}" if returncode < 0 else f"exit status {returncode}"


class _Subprocess:
    """A player command run once per cue: ``argv + [wav]``, output discarded."""

    def __init__(self, argv: tuple[str, ...]) -> None:
        self.argv = argv
        self.name = os.path.basename(argv[0])
        self._children: list[subprocess.Popen] = []

    def probe(self, path: Path, timeout_s: float) -> str | None:
        try:
            done = subprocess.run(
                [*self.argv, os.fspath(path)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                timeout=timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            return f"no answer within {timeout_s:g} s"
        except OSError as e:
            return _one_line(str(e))
        if done.returncode != 0:
            return _one_line(done.stderr.decode(errors="replace")) or _exit_reason(done.returncode)
        return None

    def start(self, path: Path) -> str | None:
        reason = self.check()
        if reason is not None:
            return reason
        if len(self._children) >= MAX_PLAYING:
            return None  # dropped: a late cue is worse than none
        try:
            child = subprocess.Popen(
                [*self.argv, os.fspath(path)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        except OSError as e:
            return _one_line(str(e))
        self._children.append(child)
        return None

    def check(self) -> str | None:
        running, reason = [], None
        for child in self._children:
            returncode = child.poll()
            if returncode is None:
                running.append(child)
            elif returncode != 0 and reason is None:
                reason = _exit_reason(returncode)
        self._children = running
        return reason

    def stop(self) -> None:
        for child in self._children:
            if child.poll() is None:
                child.terminate()
        for child in self._children:
            try:
                child.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._children = []


class _Winsound:
    """Windows' own ``winsound.PlaySound``: asynchronous, one sound at a time."""

    name = "winsound"

    def __init__(self) -> None:
        import winsound  # Windows only; imported here so the module loads everywhere

        self._winsound = winsound
        self._flags = winsound.SND_FILENAME | winsound.SND_NODEFAULT  # no system beep on failure

    def probe(self, path: Path, timeout_s: float) -> str | None:  # noqa: ARG002 - the backends' signature
        try:
            # synchronous, so no timeout_s: PlaySound returns after the PROBE_S of silence
            self._winsound.PlaySound(os.fspath(path), self._flags)
        except RuntimeError as e:
            return _one_line(str(e)) or "cannot play"
        return None

    def start(self, path: Path) -> str | None:
        try:
            self._winsound.PlaySound(os.fspath(path), self._flags | self._winsound.SND_ASYNC)
        except RuntimeError as e:
            return _one_line(str(e)) or "cannot play"
        return None

    def check(self) -> str | None:
        return None  # an asynchronous sound's failure is not reported

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._winsound.PlaySound(None, 0)
