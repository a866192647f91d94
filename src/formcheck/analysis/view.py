"""Which way the camera looks at the lifter, and what that view lets us trust."""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.lift import seen_landmarks, segment_lengths
from formcheck.analysis.smoothing import mean_present
from formcheck.config import MeasureConfig
from formcheck.types import PoseSequence, ViewEstimate
from formcheck.vocab import VIEWS, view_trust

# How far each measure can be trusted from each view (0..1), before landmark visibility
# (vocab.MEASURES says why).
MIN_LINE_FRAMES = 5  # frames showing a hip or shoulder line before its width is read
TRUST: dict[str, dict[str, float]] = {view: view_trust(view) for view in VIEWS}


def camera_azimuth_deg(pose: PoseSequence, min_visibility: float) -> np.ndarray:
    """(n,) where the camera stands around the lifter, from the hip and shoulder lines of the world
    landmarks (their mean direction): 0 = in front, +90 = at the lifter's left, -90 = at their
    right, +-180 = behind. NaN where neither line is seen.

    MediaPipe's world z grows away from the camera: a line from the right hip to the left one
    runs along +x seen from the front, and toward the camera (-z) seen from the lifter's left.
    """
    parts = []
    for left, right in (sk.HIP, sk.SHOULDER):
        d = pose.world_m[:, left, :].astype(np.float64) - pose.world_m[:, right, :]
        vis = np.minimum(pose.visibility[:, left], pose.visibility[:, right]) >= min_visibility
        unit = np.where(vis, np.exp(1j * np.arctan2(-d[:, 2], d[:, 0])), np.nan)
        parts.append(unit)
    mean = mean_present(np.stack(parts), axis=0)
    return np.degrees(np.angle(mean))


def fold_azimuth(azimuth_deg: float) -> tuple[float, bool]:
    """(yaw of the hips out of the image plane 0..90, camera behind the lifter) for an azimuth."""
    a = abs(((azimuth_deg + 180.0) % 360.0) - 180.0)
    return min(a, 180.0 - a), a > 90.0


def image_yaw_deg(pose: PoseSequence, min_visibility: float) -> float:
    """The hips' yaw out of the image plane from how wide the hip and shoulder lines look: their
    median image width over the width they would have across the image (the world width times
    the clip's pixels per world metre, analysis/lift.py) is the yaw's cosine. NaN if unknown.
    Independent of MediaPipe's depth, which reads rear-oblique cameras 15-25 deg too side-on."""
    seen = seen_landmarks(pose, min_visibility)
    scale = segment_lengths(pose.xy_px, pose.world_m, seen).px_per_m
    cosines = []
    for left, right in (sk.HIP, sk.SHOULDER):
        ok = seen[:, left] & seen[:, right]
        if ok.sum() < MIN_LINE_FRAMES or not np.isfinite(scale):
            continue
        w_px = np.median(np.linalg.norm(pose.xy_px[ok, left] - pose.xy_px[ok, right], axis=-1))
        w_m = np.median(np.linalg.norm(pose.world_m[ok, left] - pose.world_m[ok, right], axis=-1))
        cosines.append(w_px / (scale * w_m))
    return float(np.degrees(np.arccos(np.clip(np.mean(cosines), 0.0, 1.0)))) if cosines else float("nan")


def combined_yaw_deg(world_yaw_deg: float, image_yaw_deg: float, rear: bool, cfg: MeasureConfig) -> float:
    """The yaw from both readings by the line fitted for cameras in front of or behind the lifter
    (config.MeasureConfig.yaw_front_line / yaw_rear_line: offset, world weight, image weight); the
    world reading alone, given both weights, when the widths are unknown. Clipped to 0..90."""
    offset, w_world, w_image = cfg.yaw_rear_line if rear else cfg.yaw_front_line
    if np.isfinite(image_yaw_deg):
        yaw = offset + w_world * world_yaw_deg + w_image * image_yaw_deg
    else:
        yaw = offset + (w_world + w_image) * world_yaw_deg
    return float(np.clip(yaw, 0.0, 90.0))


OBLIQUE_FACING_MIN_YAW_DEG = 40.0


def facing_sign(pose: PoseSequence, min_visibility: float) -> int:
    """+1 if the lifter faces image-right, -1 image-left, 0 if undecidable (front views)."""
    votes = []
    for heel, toe in zip(sk.HEEL, sk.TOE):
        vis = np.minimum(pose.visibility[:, heel], pose.visibility[:, toe]) >= min_visibility
        dx = pose.xy_px[vis, toe, 0] - pose.xy_px[vis, heel, 0]
        votes.append(dx)
    # the nose is in front of the ears
    ear_vis = pose.visibility[:, list(sk.EAR)] >= min_visibility
    ear_x = np.where(ear_vis, pose.xy_px[:, list(sk.EAR), 0], 0.0)
    vis = (pose.visibility[:, sk.NOSE] >= min_visibility) & ear_vis.any(axis=1)
    ears = ear_x[vis].sum(axis=1) / ear_vis[vis].sum(axis=1)
    votes.append(pose.xy_px[vis, sk.NOSE, 0] - ears)
    dx = np.concatenate(votes) if votes else np.zeros(0)
    dx = dx[np.isfinite(dx)]
    if dx.size == 0:
        return 0
    share = np.mean(dx > 0)
    if share > 0.65:
        return 1
    if share < 0.35:
        return -1
    return 0


def estimate_view(pose: PoseSequence, cfg: MeasureConfig) -> ViewEstimate:
    az = camera_azimuth_deg(pose, cfg.min_visibility)
    az = az[np.isfinite(az)]
    if az.size == 0:
        return ViewEstimate("unknown", float("nan"), 0, TRUST["unknown"])
    # the circular mean of the frames' azimuths: the camera stays put through a set
    raw, rear = fold_azimuth(float(np.degrees(np.angle(np.mean(np.exp(1j * np.radians(az)))))))
    med = combined_yaw_deg(raw, image_yaw_deg(pose, cfg.min_visibility), rear, cfg)
    if med >= cfg.side_view_min_yaw_deg:
        view = "side"
    elif med <= cfg.front_view_max_yaw_deg:
        view = "front"
    else:
        view = "oblique"
    # which way the lifter faces: from the side, and from obliques far enough round to show the
    # back's profile (analysis/back.py judges it from 45 deg)
    facing = facing_sign(pose, cfg.min_visibility) if med >= OBLIQUE_FACING_MIN_YAW_DEG else 0
    trust = dict(TRUST[view])
    if med > cfg.toe_max_yaw_deg or rear:  # too side-on, or behind: the toes' swing is unseen
        trust["toe_deg"] = 0.0
    return ViewEstimate(view, med, facing, trust, rear)
