"""Toe rotation per foot, read from where the image can see it.

MediaPipe's world feet are mostly a prior: on rendered lifters with toes turned in 21 deg they read
about +1 deg, and neutral feet read 12-14 deg "out" at oblique views. The image sees the toe swing
sideways, though. This module measures the foot's sideways offset in the image and turns it into
an angle, borrowing from the world landmarks only what they get right: lengths, the hip line's
direction and the plane the foot lies in.

For a foot vector of length ``L`` at angle ``theta`` out of the sagittal plane (whose normal is the
hip line ``lat``), ``foot = L (sin(theta) lat_out + cos(theta) g)`` with ``g`` the foot's in-plane
direction. Its image x offset (pixels, divided by the clip's pixels per metre) is
``L (a sin(theta) + b cos(theta))`` with ``a = lat_out.x`` and ``b = g.x``; solving that for
``theta`` needs no depth. Square to the camera ``b`` is about 0 and the reading is direct; the more
the lifter turns side-on, the more the foot's forward length leaks into x and the reading degrades
(side-on it is meaningless, and the view trusts it not at all).
"""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk

MIN_SCALE_FRAMES = 5
# MediaPipe's world toe sits 40-47 deg below a standing lifter's ankle; a toe at or above the
# ankle's level (legs out straight on a seated curl, toes up) breaks the level-foot geometry
MIN_FOOT_DROP_DEG = 10.0


def pixels_per_metre(xy_px: np.ndarray, world_m: np.ndarray, ok: np.ndarray) -> float:
    """The clip's scale from the shins (image length over world length), NaN if unknown.

    The 75th percentile keeps the frames where the shin lies closest to the image plane (a shin
    tilted toward the camera looks short)."""
    shin_px = np.linalg.norm(xy_px[:, sk.KNEE] - xy_px[:, sk.ANKLE], axis=-1)
    shin_m = np.linalg.norm(world_m[:, sk.KNEE] - world_m[:, sk.ANKLE], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = shin_px / shin_m
    ratio = ratio[ok & np.isfinite(ratio) & (shin_m > 0.1)]
    return float(np.percentile(ratio, 75)) if ratio.size >= MIN_SCALE_FRAMES else float("nan")


def toe_rotation_deg(
    xy_px: np.ndarray, world_m: np.ndarray, ok: np.ndarray, shin_ok: np.ndarray | None = None
) -> np.ndarray:
    """(n, 2) toe rotation [left, right] in degrees, + = toes out; NaN where not solvable.

    ``xy_px`` (n, 33, 2) image landmarks in pixels, ``world_m`` (n, 33, 3) world landmarks (x
    right as in the image, y down), ``ok`` (n, 2) feet whose hips, ankle and toe are seen,
    ``shin_ok`` (n, 2) shins (knee and ankle) seen well enough to set the scale (default ``ok``).
    The foot axis runs ankle -> toe tip: from the front the heel hides behind the foot and its
    landmark is a guess.
    """
    n = xy_px.shape[0]
    out = np.full((n, 2), np.nan)
    world_m = np.asarray(world_m, dtype=np.float64)
    scale = pixels_per_metre(xy_px, world_m, ok if shin_ok is None else shin_ok)
    if not np.isfinite(scale) or scale <= 0:
        return out
    lat = world_m[:, sk.HIP[0]] - world_m[:, sk.HIP[1]]  # toward the lifter's left, level
    lat[:, 1] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        lat = lat / np.linalg.norm(lat, axis=1, keepdims=True)
    # the foot's in-plane direction: level, forward or back (the world's foot pitch is too noisy)
    forward = np.cross(lat, [0.0, -1.0, 0.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        forward = forward / np.linalg.norm(forward, axis=1, keepdims=True)
    for i, side in ((0, 1.0), (1, -1.0)):  # "out" is the lifter's left for the left foot
        foot_m = world_m[:, sk.TOE[i]] - world_m[:, sk.ANKLE[i]]
        # the 3-D length: on 12 rendered sets it read toe angles better than the length along
        # the floor did (mean of both feet off by 1-3 deg, against 2-11 deg)
        length_m = np.linalg.norm(foot_m, axis=1)
        # a foot pointing back (kneeling for a Nordic, prone) lies along -forward
        along = np.where(np.sum(foot_m * forward, axis=1) < 0, -1.0, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            a, b = side * lat[:, 0], along * forward[:, 0]
            r = np.hypot(a, b)
            x_m = (xy_px[:, sk.TOE[i], 0] - xy_px[:, sk.ANKLE[i], 0]) / scale
            s = np.arcsin(np.clip(x_m / (length_m * r), -1.0, 1.0))
        phi = np.arctan2(b, a)
        # a sin(t) + b cos(t) = r sin(t + phi) has two solutions; a foot turns less than 90 deg
        first = np.angle(np.exp(1j * (s - phi)))
        second = np.angle(np.exp(1j * (np.pi - s - phi)))
        theta = np.where(np.abs(first) <= np.abs(second), first, second)
        with np.errstate(invalid="ignore", divide="ignore"):
            drop = np.degrees(np.arcsin(np.clip(foot_m[:, 1] / length_m, -1.0, 1.0)))  # y is down
        theta[~ok[:, i] | (length_m < 0.05) | ~(drop >= MIN_FOOT_DROP_DEG)] = np.nan
        out[:, i] = np.degrees(theta)
    return out
