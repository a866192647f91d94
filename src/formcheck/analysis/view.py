"""Which way the camera looks at the lifter, and what that view lets us trust."""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.smoothing import mean_present
from formcheck.config import MeasureConfig
from formcheck.types import PoseSequence, ViewEstimate
from formcheck.vocab import VIEWS, view_trust

# How far each measure can be trusted from each view (0..1), before landmark visibility
# (vocab.MEASURES says why).
TRUST: dict[str, dict[str, float]] = {view: view_trust(view) for view in VIEWS}


def hip_yaw_deg(pose: PoseSequence, min_visibility: float) -> np.ndarray:
    """(n,) angle of the hip and shoulder lines out of the image plane, from world landmarks.

    0 = the lifter squares up to (or turns their back on) the camera, 90 = side-on.
    """
    yaws = []
    for left, right in (sk.HIP, sk.SHOULDER):
        d = pose.world_m[:, left, :] - pose.world_m[:, right, :]
        vis = np.minimum(pose.visibility[:, left], pose.visibility[:, right])
        with np.errstate(invalid="ignore"):
            yaw = np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0])))
        yaw[vis < min_visibility] = np.nan
        yaws.append(yaw)
    return mean_present(np.stack(yaws), axis=0)


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
    yaw = hip_yaw_deg(pose, cfg.min_visibility)
    yaw = yaw[np.isfinite(yaw)]
    if yaw.size == 0:
        return ViewEstimate("unknown", float("nan"), 0, TRUST["unknown"])
    med = float(np.median(yaw))
    if med >= cfg.side_view_min_yaw_deg:
        view = "side"
    elif med <= cfg.front_view_max_yaw_deg:
        view = "front"
    else:
        view = "oblique"
    facing = facing_sign(pose, cfg.min_visibility) if view == "side" else 0
    trust = dict(TRUST[view])
    if med > cfg.toe_max_yaw_deg:  # too side-on to see the toes swing (config.toe_max_yaw_deg)
        trust["toe_deg"] = 0.0
    return ViewEstimate(view, med, facing, trust)
