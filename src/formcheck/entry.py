"""The ``formcheck`` console command's entry point.

Ctrl-C at any moment, even while the heavy modules load, ends with one line and exit code 130
(errors.Interrupted), never a traceback: this module imports nothing but the standard library
and formcheck.errors before the command line is parsed (formcheck/__init__.py is kept as light).
SIGTERM (`kill`, a service manager) is taken as Ctrl-C for the whole process: a recorded set's
run stops, analyses and writes what it measured; live mode installs its own handlers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def run() -> None:
    """Run the command line (formcheck.cli.main), SIGTERM raising KeyboardInterrupt as Ctrl-C
    does; one that arrives outside a command's own handling (imports, start-up) becomes one line
    and exit code 130."""
    signal.signal(signal.SIGTERM, _interrupt)
    from formcheck.errors import Interrupted

    try:
        from formcheck.cli import main

        main(prog_name="formcheck")
    except KeyboardInterrupt:
        sys.stderr.write(f"formcheck: error: {Interrupted.EARLY}\n")
        _end_now(Interrupted.exit_code)
    except SystemExit as exc:
        if exc.code == Interrupted.exit_code:  # said and saved: end without tearing down
            _end_now(Interrupted.exit_code)
        raise


def _end_now(code: int) -> None:
    """Exit at once after an interruption, its message out and what was measured saved: no
    waiting for a pose model still loading in another thread, no object teardown (MediaPipe's
    half-built landmarker prints a traceback from __del__ at exit), and the exit code formcheck
    chose (CPython reports an interrupt that landed in code an extension ran as death by SIGINT)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _interrupt(signum, frame):  # noqa: ANN001, ANN202, ARG001 - a signal handler
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
