"""Per-frame measures from a pose sequence (docs/DOMAIN.md defines each one).

Knee and hip flexion are read from four candidates (analysis/lift.py: the image-plane angle,
MediaPipe's world angle, and two 3-D angles lifted from the image with the lifter's own
proportions), weighed per view by ``config.AngleModel`` (fitted on rendered bodies and scored on
others, bench/angles.py). Without a model (``angle_model=None``) they are the raw geometry: image
pixels side-on, world landmarks otherwise. Toe rotation always combines image and world (toe.py);
the back's outline comes from the segmentation mask (outline.py).
"""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import (
    flexion_deg,
)
from formcheck.analysis.lift import AngleFeatures, SegmentLengths, angle_features, seen_landmarks
from formcheck.analysis.outline import back_points_px, bend_deg
from formcheck.analysis.posture import set_posture, trunk_lean_deg
from formcheck.analysis.smoothing import mean_present
from formcheck.analysis.toe import toe_rotation_deg
from formcheck.analysis.view import estimate_view
from formcheck.config import AngleModel, MeasureConfig
from formcheck.geometry import trunk_perpendiculars
from formcheck.types import (
    NO_MASK,
    NO_PERSON,
    NOT_VISIBLE,
    OK,
    WRONG_VIEW,
    Channel,
    Measures,
    PoseSequence,
    ViewEstimate,
)

LUMBAR_TOP_FRAC = 0.75  # the lumbar outline runs from the hips to this share of the trunk


def _channel(
    values: np.ndarray,
    vis: np.ndarray,
    detected: np.ndarray,
    trust: float,
    coords: str,
    cfg: MeasureConfig,
) -> Channel:
    """Wrap raw values: NaN and a reason where the person or a joint is missing."""
    values = np.array(values, dtype=np.float64)
    vis = np.broadcast_to(vis, values.shape)
    det = detected.reshape((-1,) + (1,) * (values.ndim - 1))
    det = np.broadcast_to(det, values.shape)
    reason = np.full(values.shape, OK, dtype=np.uint8)
    reason[~np.isfinite(values) | (vis < cfg.min_visibility)] = NOT_VISIBLE
    reason[~det] = NO_PERSON
    if trust <= 0:
        reason[reason == OK] = WRONG_VIEW
    values[reason != OK] = np.nan
    conf = np.where(reason == OK, np.clip(vis, 0, 1) * trust, 0.0)
    return Channel(values, conf, reason, coords)


def _per_side(points: np.ndarray, vis: np.ndarray, triples: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Flexion at the middle joint of each (a, b, c) landmark triple: values and min visibility."""
    vals, viss = [], []
    for a, b, c in triples:
        vals.append(flexion_deg(points[:, a], points[:, b], points[:, c]))
        viss.append(np.min(vis[:, [a, b, c]], axis=1))
    return np.stack(vals, axis=1), np.stack(viss, axis=1)


def compute_measures(
    pose: PoseSequence, cfg: MeasureConfig, view: ViewEstimate | None = None,
    lengths: SegmentLengths | None = None,
) -> Measures:
    """Every per-frame measure of ``pose``. ``lengths``: the lifter's segment lengths when
    ``pose`` is too short to show them (live passes them from every frame so far)."""
    view = view or estimate_view(pose, cfg)
    det = pose.detected
    vis = pose.visibility
    use_world = view.view in ("front", "oblique")
    pts = pose.world_m if use_world else pose.xy_px
    coords = "world" if use_world else "image"

    knee_triples = tuple(zip(sk.HIP, sk.KNEE, sk.ANKLE))
    hip_triples = tuple(zip(sk.SHOULDER, sk.HIP, sk.KNEE))
    knee, knee_vis = _per_side(pts, vis, knee_triples)
    hip, hip_vis = _per_side(pts, vis, hip_triples)
    angle_coords, view_bin = coords, ""
    model = cfg.angle_model
    if model is not None and view.view != "unknown":
        knee_f, hip_f = angle_features(pose.xy_px, pose.world_m, seen_landmarks(pose, cfg.min_visibility), lengths)
        standing = set_posture(pose.world_m, mean_present(hip_f.hybrid, axis=1)).name == "standing"
        where = view_bin = model.bin_of(view.yaw_deg, view.rear, standing)
        knee = weighed("knee_deg", knee_f, where, model)
        hip = weighed("hip_deg", hip_f, where, model)
        angle_coords = "image+world"

    # toe rotation: the foot's sideways swing in the image, scaled by world lengths (toe.py)
    toe_vis = np.stack(
        [np.min(vis[:, [sk.ANKLE[i], sk.TOE[i], *sk.HIP]], axis=1) for i in range(2)], axis=1
    )
    shin_vis = np.minimum(vis[:, list(sk.KNEE)], vis[:, list(sk.ANKLE)])
    seen = det[:, None] & (toe_vis >= cfg.min_visibility)
    shins_seen = det[:, None] & (shin_vis >= cfg.min_visibility)
    toe = toe_rotation_deg(pose.xy_px, pose.world_m, seen, shins_seen)

    hip_mid = np.mean(pose.xy_px[:, sk.HIP], axis=1)
    sho_mid = np.mean(pose.xy_px[:, sk.SHOULDER], axis=1)
    trunk_vis = np.min(vis[:, [*sk.HIP, *sk.SHOULDER]], axis=1)
    lean = trunk_lean_deg(pts, use_world)
    if view.facing != 0 and not use_world:  # side view: + leaning forward, - behind vertical
        axis = sho_mid - hip_mid
        lean = lean * np.where(np.sign(axis[:, 0]) == -view.facing, -1.0, 1.0)

    arch = _arch_deg(pose, hip_mid, sho_mid, view.facing)
    arch_ch = _channel(arch, trunk_vis, det, view.trust["arch_deg"], "mask", cfg)
    no_mask = (arch_ch.reason == NOT_VISIBLE) & (trunk_vis >= cfg.min_visibility)
    arch_ch.reason[no_mask] = NO_MASK

    t = view.trust
    return Measures(
        t_s=pose.t_s.copy(),
        knee_deg=_channel(knee, knee_vis, det, t["knee_deg"], angle_coords, cfg),
        hip_deg=_channel(hip, hip_vis, det, t["hip_deg"], angle_coords, cfg),
        toe_deg=_channel(toe, toe_vis, det, t["toe_deg"], "image+world", cfg),
        trunk_lean_deg=_channel(lean, trunk_vis, det, t["trunk_lean_deg"], coords, cfg),
        arch_deg=arch_ch,
        view=view,
        view_bin=view_bin,
    )


def weighed(name: str, features: AngleFeatures, view_bin: str, model: AngleModel) -> np.ndarray:
    """(n, 2) the model's reading of measure ``name`` at ``view_bin``: its weighted candidates, or
    the hybrid candidate where the model has no weights for the bin or its fallback (on held-out
    renders it read the knee 0.8-0.9 deg closer at 30-60 deg of yaw than the raw geometry did)."""
    w = model.weights_for(name, view_bin)
    if w is None:
        return features.hybrid
    stack = features.stack()
    used = np.asarray(w.weights) != 0  # a candidate the view does not use cannot blank a frame
    return w.offset_deg + stack[..., used] @ np.asarray(w.weights)[used]


def _arch_deg(pose: PoseSequence, hip_mid: np.ndarray, sho_mid: np.ndarray, facing: int) -> np.ndarray:
    """Bend of the lumbar outline, + = concave (extension); NaN unless the facing is known."""
    n, k = pose.back_offset_px.shape[:2]
    if facing == 0 or k < 4:
        return np.full(n, np.nan)
    # side 0's perpendicular points image-right while the trunk is above horizontal, so a lifter
    # facing right has their front on side 0 and their back on side 1.
    back_side = np.full(n, 1.0 if facing > 0 else 0.0)
    pts = back_points_px(hip_mid, sho_mid, pose.back_offset_px, back_side)
    top = max(3, int(round(LUMBAR_TOP_FRAC * (k - 1))) + 1)
    front = trunk_perpendiculars(sho_mid - hip_mid)[:, 0 if facing > 0 else 1]
    return bend_deg(pts[:, :top], front)
