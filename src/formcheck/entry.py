"""The ``formcheck`` console command's entry point.

Ctrl-C at any moment, even while the heavy modules load, ends with one line and exit code 130
(errors.Interrupted), never a traceback: this module imports nothing but the standard library
until the command line is parsed (formcheck/__init__.py is kept as light).
"""

from __future__ import annotations

import signal
import sys


def run() -> None:
    """Run the command line (formcheck.cli.main), turning a Ctrl-C or SIGTERM that arrives
    outside a command's own handling (imports, start-up) into one line and exit code 130."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from formcheck.cli import main

        main(prog_name="formcheck")
    except KeyboardInterrupt:
        from formcheck.errors import Interrupted

        sys.stderr.write(f"formcheck: error: {Interrupted.EARLY}\n")
        sys.exit(Interrupted.exit_code)


def _interrupt(signum, frame):  # noqa: ANN001, ANN202, ARG001 - a signal handler
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
