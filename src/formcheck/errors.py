"""Errors a user can act on. The library raises these; only the CLI turns them into messages.

Each kind carries its own process exit code so scripts can tell failures apart.
"""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: a problem with the user's input or set-up, not a bug."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class InputNotFound(FormcheckError):
    """The path does not exist or is a directory."""

    exit_code = 3


class NotAVideo(FormcheckError):
    """The file exists but cannot be decoded as video (wrong type, corrupt, zero frames)."""

    exit_code = 4


class NoPersonFound(FormcheckError):
    """The video decodes but no usable pose was found in enough frames."""

    exit_code = 5


class ModelError(FormcheckError):
    """The pose model file is missing or unreadable."""

    exit_code = 6


class PartialVideo(FormcheckError):
    """The video broke off before its stated end; results up to that point were kept."""

    exit_code = 7


class CameraError(FormcheckError):
    """A camera could not be opened, or stopped delivering frames."""

    exit_code = 8


class Interrupted(FormcheckError):
    """Ctrl-C or SIGTERM stopped the work; what was measured before it was saved (the message
    says what). 128 + SIGINT, as shells report a process Ctrl-C ended (entry.py exits with it
    at once)."""

    exit_code = 130
    EARLY = "interrupted before anything was measured; nothing was written"  # start-up, model load


class InvalidOption(FormcheckError):
    """A setting is out of range or names something that does not exist."""

    exit_code = 2


class SetsFailed(FormcheckError):
    """A batch ran to its end, but some sets could not be analysed (each recorded with its own
    exit code and message)."""

    exit_code = 9
