"""Synthetic lifters for tests: PoseSequences with exactly known joint angles."""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk
from formcheck.types import PoseSequence

THIGH_PX = 200.0
SHIN_PX = 200.0
TRUNK_PX = 260.0


def side_view_pose(
    t_s: np.ndarray,
    knee_deg: np.ndarray,
    hip_deg: np.ndarray,
    *,
    facing: int = 1,
    width_px: int = 1280,
    height_px: int = 720,
    levels: int = 9,
) -> PoseSequence:
    """A side-on lifter (facing image-right for +1) with both legs at the given flexion.

    The shin stays vertical; the thigh tilts forward by the knee angle; the trunk by the hip
    angle minus the knee angle, so hip flexion (trunk vs thigh) is exactly ``hip_deg`` and knee
    flexion exactly ``knee_deg``. World landmarks mirror the image in metres (x right, y down)
    with the hips 0.3 m apart along depth, as a side view sees them.
    """
    t_s = np.asarray(t_s, dtype=np.float64)
    n = len(t_s)
    knee = np.radians(np.asarray(knee_deg, dtype=np.float64))
    hip = np.radians(np.asarray(hip_deg, dtype=np.float64))
    f = float(facing)
    ankle = np.stack([np.full(n, width_px / 2), np.full(n, height_px - 40.0)], axis=1)
    knee_pt = ankle + np.stack([np.zeros(n), np.full(n, -SHIN_PX)], axis=1)
    # thigh direction from knee up to hip: rotated backward (away from facing) by the knee angle
    thigh_dir = np.stack([-f * np.sin(knee), -np.cos(knee)], axis=1)
    hip_pt = knee_pt + THIGH_PX * thigh_dir
    # trunk direction: continues the thigh line (knee->hip), then turns forward by the hip angle
    trunk_ang = knee - hip  # angle from vertical, + = backward
    trunk_dir = np.stack([-f * np.sin(trunk_ang), -np.cos(trunk_ang)], axis=1)
    sho_pt = hip_pt + TRUNK_PX * trunk_dir
    head = sho_pt + 60.0 * trunk_dir
    xy = np.full((n, 33, 2), np.nan, np.float32)
    for i in range(33):
        xy[:, i] = head
    xy[:, sk.NOSE] = head + np.array([f * 25.0, 0.0])
    for side in range(2):
        xy[:, sk.SHOULDER[side]] = sho_pt
        xy[:, sk.HIP[side]] = hip_pt
        xy[:, sk.KNEE[side]] = knee_pt
        xy[:, sk.ANKLE[side]] = ankle
        xy[:, sk.HEEL[side]] = ankle + np.array([-f * 15.0, 10.0])
        xy[:, sk.TOE[side]] = ankle + np.array([f * 45.0, 15.0])
        xy[:, sk.EAR[side]] = head
    world = np.zeros((n, 33, 3), np.float32)
    centre = (hip_pt[:, None, :] + 0.0)
    world[:, :, :2] = (xy - centre) / 500.0
    for side, dz in ((0, 0.15), (1, -0.15)):  # left hip nearer the camera... depth only
        for group in (sk.SHOULDER, sk.HIP, sk.KNEE, sk.ANKLE, sk.HEEL, sk.TOE):
            world[:, group[side], 2] = dz
    vis = np.ones((n, 33), np.float32)
    return PoseSequence(
        t_s=t_s, xy_px=xy, z_px=np.zeros((n, 33), np.float32), visibility=vis, world_m=world,
        back_offset_px=np.full((n, levels, 2), np.nan, np.float32),
        n_people=np.ones(n, np.int16), width_px=width_px, height_px=height_px, source="synthetic",
    )


def rep_curve(
    t_s: np.ndarray, starts_s: list[float], down_s: float, up_s: float, low: float, high: float
) -> np.ndarray:
    """Piecewise-linear angle: rest at ``low``, linear to ``high`` over ``down_s``, back over ``up_s``."""
    y = np.full(len(t_s), low, dtype=np.float64)
    for s in starts_s:
        knots_t = [s, s + down_s, s + down_s + up_s]
        seg = (t_s >= s) & (t_s <= s + down_s + up_s)
        y[seg] = np.interp(t_s[seg], knots_t, [low, high, low])
    return y


PX_PER_M = 500.0  # the orthographic camera of squat_world's images


def squat_world(azimuth_deg: float, knee_deg: np.ndarray) -> np.ndarray:
    """(n, 33, 3) world landmarks (x right, y down, z away from the camera) of a lifter whose thighs
    swing forward by ``knee_deg`` with vertical shins and an upright trunk (knee and hip flexion
    both equal ``knee_deg``), seen from a camera ``azimuth_deg`` round from their front (+90: at
    their left). Only the shoulders, hips, knees and ankles are placed; the rest are NaN."""
    a = np.radians(azimuth_deg)
    forward = np.array([-np.sin(a), 0.0, -np.cos(a)])  # toward the camera at 0, image-left at +90
    left = np.array([np.cos(a), 0.0, -np.sin(a)])  # image-right from the front, toward the camera at +90
    down = np.array([0.0, 1.0, 0.0])
    n = len(knee_deg)
    w = np.full((n, 33, 3), np.nan)
    phi = np.radians(np.asarray(knee_deg, dtype=np.float64))[:, None]
    for k, side in enumerate((1.0, -1.0)):
        hip = side * 0.1 * left
        knee = hip + 0.45 * (np.cos(phi) * down + np.sin(phi) * forward)
        w[:, sk.HIP[k]] = hip
        w[:, sk.KNEE[k]] = knee
        w[:, sk.ANKLE[k]] = knee + 0.42 * down
        w[:, sk.SHOULDER[k]] = hip - 0.5 * down  # straight above the hip: standing hip flexion 0
    return w


def project(world_m: np.ndarray) -> np.ndarray:
    """Image landmarks of ``world_m`` through an orthographic camera, PX_PER_M pixels a metre."""
    return world_m[..., :2] * PX_PER_M + 300.0


def world_pose(t_s: np.ndarray, world_m: np.ndarray) -> PoseSequence:
    """A PoseSequence of ``world_m`` seen through ``project``: every placed landmark fully visible."""
    n = len(t_s)
    seen = np.isfinite(world_m[..., 0])
    return PoseSequence(
        t_s=np.asarray(t_s, dtype=np.float64),
        xy_px=project(world_m).astype(np.float32),
        z_px=np.zeros(world_m.shape[:2], np.float32),
        visibility=seen.astype(np.float32),
        world_m=world_m.astype(np.float32),
        back_offset_px=np.full((n, 9, 2), np.nan, np.float32),
        n_people=np.ones(n, np.int16),
        width_px=600,
        height_px=900,
    )
