"""formcheck: which hamstring head a set loaded, toe bias and RDL back position, from video."""

from __future__ import annotations

from typing import TYPE_CHECKING

from formcheck.version import __version__

if TYPE_CHECKING:
    from formcheck.batching.run import BatchResult
    from formcheck.types import Report


def analyze(*args, **kwargs) -> Report:  # noqa: ANN002, ANN003 - re-exported, documented in formcheck.api
    """Analyse a recorded set; see :func:`formcheck.api.analyze`."""
    from formcheck.api import analyze as _analyze

    return _analyze(*args, **kwargs)


def batch(*args, **kwargs) -> BatchResult:  # noqa: ANN002, ANN003 - re-exported, documented in formcheck.batching.run
    """Analyse many sets into one folder; see :func:`formcheck.batching.run.batch`."""
    from formcheck.batching.run import batch as _batch

    return _batch(*args, **kwargs)


__all__ = ["analyze", "batch", "__version__"]
