"""formcheck: which hamstring head a set loaded, toe bias and RDL back position, from video."""

from __future__ import annotations

from typing import TYPE_CHECKING

from formcheck.version import __version__

if TYPE_CHECKING:
    from formcheck.types import Report


def analyze(*args, **kwargs) -> Report:  # noqa: ANN002, ANN003 - re-exported, documented in formcheck.api
    """Analyse a recorded set; see :func:`formcheck.api.analyze`."""
    from formcheck.api import analyze as _analyze

    return _analyze(*args, **kwargs)


__all__ = ["analyze", "__version__"]
