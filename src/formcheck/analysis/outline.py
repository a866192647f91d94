"""How much the back's outline bends, from the outline offsets the pose backend measured in the
segmentation mask (pose/outline.py: ``offset_px (K, 2)`` per frame, K levels from hip to
shoulder, side 0 and side 1 of the trunk axis). Which side is the back is decided from the
lifter's facing direction.
"""

from __future__ import annotations

import numpy as np

from formcheck.geometry import trunk_perpendiculars


def back_points_px(
    hip_xy_px: np.ndarray, shoulder_xy_px: np.ndarray, offset_px: np.ndarray, back_side: np.ndarray
) -> np.ndarray:
    """(n, K, 2) image points on the back's outline, given which side (0/1) is the back per frame."""
    hip = np.asarray(hip_xy_px, dtype=np.float64)
    axis = np.asarray(shoulder_xy_px, dtype=np.float64) - hip
    perps = trunk_perpendiculars(axis)  # (n, 2, 2)
    n, k = offset_px.shape[:2]
    side = np.clip(np.nan_to_num(back_side, nan=0).astype(int), 0, 1)
    perp = perps[np.arange(n), side]  # (n, 2)
    off = offset_px[np.arange(n), :, side]  # (n, K)
    frac = np.linspace(0.0, 1.0, k)
    centres = hip[:, None, :] + frac[None, :, None] * axis[:, None, :]
    pts = centres + off[..., None] * perp[:, None, :]
    pts[~np.isfinite(back_side)] = np.nan
    return pts


def bend_deg(points_xy: np.ndarray, toward_xy: np.ndarray) -> np.ndarray:
    """Bend of a chain of outline points (n, K, 2), + when the middle sags toward ``toward_xy``.

    The mean signed distance of the interior points from the end-to-end chord, ``s``, over the
    chord length ``c``, is turned into the turning angle of the circular arc with that sagitta
    (4 atan(2 s' / c), with s' = 1.5 s since a circle's mean offset is 2/3 of its sagitta).
    ``toward_xy`` (n, 2) is a unit direction (the body's front): concave backs sag toward it.
    """
    p = np.asarray(points_xy, dtype=np.float64)
    a, b = p[:, 0, :], p[:, -1, :]
    chord = b - a
    c = np.linalg.norm(chord, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = chord / c[:, None]
    normal = np.stack([-u[:, 1], u[:, 0]], axis=-1)
    sign = np.sign(np.sum(normal * toward_xy, axis=-1))
    normal = normal * sign[:, None]
    interior = p[:, 1:-1, :] - a[:, None, :]
    dev = np.sum(interior * normal[:, None, :], axis=-1)  # (n, K-2)
    with np.errstate(invalid="ignore"):
        s = np.mean(dev, axis=1) * 1.5
        deg = np.degrees(4.0 * np.arctan2(2.0 * s, c))
    deg[~np.isfinite(c) | (c <= 0) | (sign == 0)] = np.nan
    return deg
