"""Keep the native libraries' log lines off the user's terminal.

Two ways, both on file descriptor 2 (which belongs to the whole process):
``native_stderr_silenced`` for the length of a CLI command, and ``native_stderr_quieted`` around
one noisy native call (a model load, a codec probe) for library users too.

FFmpeg (inside OpenCV), MediaPipe and TFLite write straight to file descriptor 2: a damaged clip
printed up to 167 lines of "[h264 @ 0x...] error while decoding MB" before formcheck's own
one-line message. While a command runs, :func:`native_stderr_silenced` points fd 2 at /dev/null
and gives Python's ``sys.stderr`` (formcheck's messages, warnings, progress bars, and the
traceback of a bug) a duplicate of the real stderr, so only formcheck speaks.

``FORMCHECK_NATIVE_LOG=1`` leaves fd 2 alone, to see the native lines when debugging.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

ENV_KEEP = "FORMCHECK_NATIVE_LOG"

_quiet_lock = threading.Lock()
_quiet_depth = 0  # threads inside native_stderr_quieted now
_saved_fd: int | None = None  # fd 2 as it was while any is


@contextmanager
def native_stderr_quieted() -> Iterator[None]:
    """fd 2 at /dev/null for the block (native lines that are not errors: MediaPipe's graph and
    accelerator logs, a hardware encoder's "no device").

    With several threads inside at once (two landmarkers loading), the first one in points fd 2
    at /dev/null and the last one out puts it back (two saving and restoring their own copies
    would leave it pointing at /dev/null)."""
    global _quiet_depth, _saved_fd
    with _quiet_lock:
        if _quiet_depth == 0:
            with suppress(OSError, ValueError):
                sys.stderr.flush()  # Python's own lines written before, not lost
            try:
                _saved_fd = os.dup(2)
                with open(os.devnull, "wb") as null:
                    os.dup2(null.fileno(), 2)
            except OSError:
                _saved_fd = None
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _saved_fd is not None:
                os.dup2(_saved_fd, 2)
                os.close(_saved_fd)
                _saved_fd = None


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """fd 2 to /dev/null, ``sys.stderr`` on a copy of the real stderr, for the block; both put
    back after it. Does nothing when ``sys.stderr`` has no file descriptor (click's CliRunner)
    or ``$FORMCHECK_NATIVE_LOG`` is set."""
    if os.environ.get(ENV_KEEP):
        yield
        return
    try:
        fd = sys.stderr.fileno()
        sys.stderr.flush()
        saved = os.dup(fd)
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        yield
        return
    old = sys.stderr
    sys.stderr = open(  # noqa: SIM115 - closed in the finally below
        saved, "w", buffering=1, encoding=old.encoding or "utf-8", errors=old.errors or "strict", closefd=False,
    )
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
        yield
    finally:
        try:
            sys.stderr.flush()
        finally:
            sys.stderr.close()
            sys.stderr = old
            os.dup2(saved, fd)
            os.close(saved)
