"""Keep the native libraries' log lines off the user's terminal.

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
from collections.abc import Iterator
from contextlib import contextmanager

ENV_KEEP = "FORMCHECK_NATIVE_LOG"


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
