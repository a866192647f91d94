"""Vector geometry on arrays of points. Works for 2-D (pixels) and 3-D (metres) alike.

All functions broadcast over leading axes and return NaN where an input is NaN or a segment has
zero length.
"""

from __future__ import annotations

import numpy as np


def angle_between_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Unsigned angle between vectors ``u`` and ``v`` (..., d), in degrees [0, 180]."""
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    cos = np.where((nu > 0) & (nv > 0), cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c at vertex ``b`` in degrees (180 = straight line)."""
    return angle_between_deg(np.asarray(a) - np.asarray(b), np.asarray(c) - np.asarray(b))


def flexion_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Flexion at ``b``: 180 minus the angle a-b-c, so a straight limb is 0."""
    return 180.0 - joint_angle_deg(a, b, c)


def signed_angle_from_plane_deg(v: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Signed angle (degrees) of vector ``v`` out of the plane whose normal is ``normal``.

    Positive when ``v`` leans toward ``normal``. Range [-90, 90].
    """
    v = np.asarray(v, dtype=np.float64)
    n = np.asarray(normal, dtype=np.float64)
    nv = np.linalg.norm(v, axis=-1)
    nn = np.linalg.norm(n, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sum(v * n, axis=-1) / (nv * nn)
    s = np.where((nv > 0) & (nn > 0), s, np.nan)
    return np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))


def inclination_from_vertical_deg(v_xy: np.ndarray) -> np.ndarray:
    """Angle of 2-D image vectors from straight up, degrees [0, 180] (image y points down)."""
    up = np.array([0.0, -1.0])
    return angle_between_deg(v_xy, np.broadcast_to(up, np.shape(v_xy)))
