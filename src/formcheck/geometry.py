"""Plane geometry shared by the pose backends and the analysis (pure numpy)."""

from __future__ import annotations

import numpy as np


def trunk_perpendiculars(axis_xy: np.ndarray) -> np.ndarray:
    """(..., 2, 2): the two unit perpendiculars (side 0, side 1) of trunk axes (..., 2)."""
    a = np.asarray(axis_xy, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    p0 = np.stack([-a[..., 1], a[..., 0]], axis=-1)
    return np.stack([p0, -p0], axis=-2)
