"""The back's outline from a person segmentation mask: the mask-to-outline reduction, done on the
pose backend's side so the analysis receives outlines, never masks.

For each of K levels on the trunk axis (hip centre -> shoulder centre) we march outward
perpendicular to the axis on both sides until the mask ends, giving ``offset_px (K, 2)``. Side 0
is the perpendicular ``(-a_y, a_x)`` of the unit axis ``a`` (image coordinates, y down), side 1 its
opposite (geometry.trunk_perpendiculars). Which side is the back is decided later, in
analysis.outline, from the lifter's facing direction.
"""

from __future__ import annotations

import numpy as np

from formcheck.geometry import trunk_perpendiculars


def sample_bilinear(image: np.ndarray, pts_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of a (h, w) float image at sub-pixel points (..., 2), and whether each point lies in
    the frame (0 outside)."""
    h, w = image.shape[:2]
    x, y = pts_xy[..., 0], pts_xy[..., 1]
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    xc, yc = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    x0 = np.minimum(np.floor(xc).astype(np.int64), w - 2 if w > 1 else 0)
    y0 = np.minimum(np.floor(yc).astype(np.int64), h - 2 if h > 1 else 0)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = xc - x0, yc - y0
    img = np.asarray(image, dtype=np.float32)
    top = img[y0, x0] * (1 - fx) + img[y0, x1] * fx
    bottom = img[y1, x0] * (1 - fx) + img[y1, x1] * fx
    vals = (top * (1 - fy) + bottom * fy).astype(np.float32)
    vals[~inside] = 0.0
    return vals, inside


def outline_offsets_px(
    mask: np.ndarray,
    hip_xy_px: np.ndarray,
    shoulder_xy_px: np.ndarray,
    levels: int = 9,
    threshold: float = 0.5,
) -> np.ndarray:
    """Distance (px) from the trunk axis to the mask edge at ``levels`` rows, both sides.

    ``mask`` is (h, w) in [0, 1] at the frame's pixel size; hip/shoulder are the midpoints of the
    two hips and two shoulders in pixels. The mask is sampled bilinearly in one-pixel steps and the
    edge placed where it crosses ``threshold`` between two steps, so offsets are sub-pixel (the
    lumbar curve of a 20-degree arch moves the outline by only a few pixels). Returns (levels, 2),
    NaN where the axis point lies outside the mask or the edge is not found within one trunk
    length.
    """
    out = np.full((levels, 2), np.nan, dtype=np.float32)
    hip = np.asarray(hip_xy_px, dtype=np.float64)
    sho = np.asarray(shoulder_xy_px, dtype=np.float64)
    axis = sho - hip
    length = float(np.hypot(*axis))
    if not np.isfinite(length) or length < 4:
        return out
    h, w = mask.shape[:2]
    perps = trunk_perpendiculars(axis)  # (2, 2)
    frac = np.linspace(0.0, 1.0, levels)
    centres = hip[None, :] + frac[:, None] * axis[None, :]  # (K, 2)
    steps = np.arange(0.0, length + 1.0, 1.0)  # one-pixel steps out to one trunk length
    for side in range(2):
        pts = centres[:, None, :] + steps[None, :, None] * perps[side][None, None, :]  # (K, S, 2)
        vals, inside_frame = sample_bilinear(mask, pts)
        body = vals >= threshold
        # the first step that leaves the body; the axis point itself must be on the body
        leaves = ~body
        first_out = np.argmax(leaves, axis=1)
        found = leaves.any(axis=1) & body[:, 0]
        # an edge at the frame border is not the body's edge
        rows = np.arange(levels)
        edge_in_frame = inside_frame[rows, first_out]
        ok = found & edge_in_frame
        # sub-pixel: where the mask crosses the threshold between the last step in and the first out
        last_in = np.maximum(first_out - 1, 0)
        v_in, v_out = vals[rows, last_in], vals[rows, first_out]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac_step = np.clip((v_in - threshold) / (v_in - v_out), 0.0, 1.0)
        edge = steps[last_in] + np.nan_to_num(frac_step) * (steps[first_out] - steps[last_in])
        out[ok, side] = edge[ok]
    return out
