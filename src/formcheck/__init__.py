"""formcheck: which hamstring head a set loaded, toe bias and RDL back position, from video."""

from __future__ import annotations

__version__ = "0.1.0"


def analyze(*args, **kwargs):  # noqa: ANN002, ANN003 - re-exported, documented in formcheck.api
    """Analyse a recorded set; see :func:`formcheck.api.analyze`."""
    from formcheck.api import analyze as _analyze

    return _analyze(*args, **kwargs)


__all__ = ["analyze", "__version__"]
