"""BlazePose's maths around its two networks, in numpy: the person detector's SSD anchors, box
decoding and weighted non-maximum suppression, the rotated square region a person is cropped to
(from a detection's two keypoints or from the last landmarks' two auxiliary points), the crop's
affine map, and the landmark network's outputs mapped back to the frame.

These follow MediaPipe's pose pipeline (PoseDetectorGraph, PoseLandmarksDetectorGraph and their
calculators: SsdAnchors, TensorsToDetections, NonMaxSuppression, AlignmentPointsRects,
RectTransformation, RefineLandmarksFromHeatmap, LandmarkProjection, WorldLandmarkProjection),
checked against MediaPipe Tasks' results (pose/litert_pose.py, tests/test_litert_pose.py). Used by
the LiteRT backend (pose/litert_pose.py); the pixel warps themselves are in io/crops.py.

Conventions: a crop of ``size`` px covers a square region of ``side`` px centred at ``centre``,
turned by ``rotation`` radians (clockwise on screen, image y down); crop pixel ``c`` samples the
image at ``centre + R(rotation) @ ((c / size - 0.5) * side)``, as MediaPipe's ImageToTensor does
(pixel indices, not pixel centres, scale with the region).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DETECTOR_SIZE = 224
LANDMARK_SIZE = 256
NUM_KEYPOINTS = 4  # per detection: hip centre, its scale point, shoulder centre, its scale point
REGION_SCALE = 1.25  # a region is this much larger than twice the centre-to-scale-point distance
# PoseDetectorGraphOptions.min_suppression_threshold's default, which MediaPipe Tasks'
# PoseLandmarker leaves as is (the older pose_detection_cpu.pbtxt graph used 0.3)
NMS_IOU = 0.5
HEATMAP_KERNEL = 7
HEATMAP_MIN_CONFIDENCE = 0.5
NUM_LANDMARKS = 39  # 33 pose points and 6 auxiliary ones; 33 and 34 give the next frame's region


@dataclass(frozen=True)
class Region:
    """A rotated square in image pixels: where the landmark network looks for one person."""

    cx: float
    cy: float
    side: float
    rotation: float  # radians

    @property
    def centre(self) -> np.ndarray:
        return np.array([self.cx, self.cy], dtype=np.float64)


def ssd_anchors(
    input_size: int = DETECTOR_SIZE,
    strides: tuple[int, ...] = (8, 16, 32, 32, 32),
    offset: float = 0.5,
    per_layer: int = 2,  # aspect ratio 1.0 and the interpolated scale
) -> np.ndarray:
    """Anchor centres (N, 2), (x, y) as fractions of the input (fixed anchor size 1): layers of
    equal stride share a grid, ``per_layer`` anchors each per cell, in row-major cell order."""
    out = []
    i = 0
    while i < len(strides):
        j = i
        while j < len(strides) and strides[j] == strides[i]:
            j += 1
        n = math.ceil(input_size / strides[i])
        ys, xs = np.meshgrid((np.arange(n) + offset) / n, (np.arange(n) + offset) / n, indexing="ij")
        cells = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(cells, per_layer * (j - i), axis=0))
        i = j
    return np.concatenate(out).astype(np.float32)


def sigmoid(x: np.ndarray) -> np.ndarray:
    x = np.clip(np.asarray(x, dtype=np.float32), -80.0, 80.0)  # exp stays finite in float32
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


def decode_detections(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float,
    input_size: int = DETECTOR_SIZE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The detector's outputs (N, 12) and (N,) or (N, 1) logits as (scores (M,), boxes (M, 4)
    xmin, ymin, xmax, ymax, keypoints (M, 4, 2)), fractions of the input, for the anchors scoring
    at least ``min_score``, in anchor order."""
    raw_boxes = np.asarray(raw_boxes, dtype=np.float32).reshape(-1, 4 + 2 * NUM_KEYPOINTS)
    scores = sigmoid(np.clip(np.asarray(raw_scores, dtype=np.float32).reshape(-1), -100.0, 100.0))
    keep = np.flatnonzero(scores >= min_score)
    raw, anc = raw_boxes[keep], anchors[keep]
    scale = np.float32(input_size)
    cx = raw[:, 0] / scale + anc[:, 0]
    cy = raw[:, 1] / scale + anc[:, 1]
    w = raw[:, 2] / scale
    h = raw[:, 3] / scale
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    kps = raw[:, 4:].reshape(-1, NUM_KEYPOINTS, 2) / scale + anc[:, None, :]
    return scores[keep], boxes.astype(np.float32), kps.astype(np.float32)


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one (xmin, ymin, xmax, ymax) box with each of (N, 4)."""
    ix = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    iy = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    inter = np.where((ix > 0) & (iy > 0), ix * iy, 0.0)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def weighted_nms(
    scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray, iou_threshold: float = NMS_IOU,
) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """MediaPipe's weighted non-maximum suppression: the best-scoring box and every box
    overlapping it by more than ``iou_threshold`` are replaced by their score-weighted mean (box
    corners and keypoints), keeping the best score; repeated on the rest. Best first."""
    order = np.argsort(-scores, kind="stable")
    out = []
    while order.size:
        top = order[0]
        sims = iou(boxes[top], boxes[order])
        near = sims > iou_threshold
        group = order[near]
        if group.size == 0:  # a degenerate box overlaps nothing, not even itself
            group = order[:1]
            near = np.zeros(order.size, dtype=bool)
            near[0] = True
        w = scores[group].astype(np.float32)
        total = np.float32(w.sum())
        box = (boxes[group] * w[:, None]).sum(axis=0) / total
        kps = (keypoints[group] * w[:, None, None]).sum(axis=0) / total
        out.append((float(scores[top]), box.astype(np.float32), kps.astype(np.float32)))
        order = order[~near]
    return out


def normalize_radians(angle: float) -> float:
    """``angle`` in [-pi, pi)."""
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


def region_from_points(centre_xy: np.ndarray, scale_xy: np.ndarray, scale: float = REGION_SCALE) -> Region:
    """The square region around a person from two points in image pixels: ``centre_xy`` (hip
    centre) is its centre, twice the distance to ``scale_xy`` its side before ``scale``, and the
    direction to ``scale_xy`` is turned to point up (MediaPipe's AlignmentPointsRects, target
    angle 90 deg, then RectTransformation)."""
    x0, y0 = float(centre_xy[0]), float(centre_xy[1])
    x1, y1 = float(scale_xy[0]), float(scale_xy[1])
    side = 2.0 * math.hypot(x1 - x0, y1 - y0) * scale
    rotation = normalize_radians(math.pi / 2.0 - math.atan2(-(y1 - y0), x1 - x0))
    return Region(x0, y0, side, rotation)


def frame_region(width: int, height: int) -> Region:
    """The whole frame, letterboxed to a square (the detector's input)."""
    return Region(width / 2.0, height / 2.0, float(max(width, height)), 0.0)


def crop_to_image(region: Region, size: int) -> np.ndarray:
    """The 2x3 affine map from crop pixels (a ``size`` px square) to image pixels."""
    c, s = math.cos(region.rotation), math.sin(region.rotation)
    k = region.side / size
    rot = np.array([[c, -s], [s, c]], dtype=np.float64)
    lin = rot * k
    shift = region.centre - rot @ np.array([region.side / 2.0, region.side / 2.0])
    return np.concatenate([lin, shift[:, None]], axis=1)


def invert_affine(m: np.ndarray) -> np.ndarray:
    """The inverse of a 2x3 affine map."""
    lin_inv = np.linalg.inv(m[:, :2])
    return np.concatenate([lin_inv, (-lin_inv @ m[:, 2])[:, None]], axis=1)


def apply_affine(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Points (..., 2) through a 2x3 affine map."""
    pts = np.asarray(pts, dtype=np.float64)
    return pts @ m[:, :2].T + m[:, 2]


def refine_from_heatmap(
    xy_crop: np.ndarray, heatmap: np.ndarray, crop_size: int = LANDMARK_SIZE,
    kernel: int = HEATMAP_KERNEL, min_confidence: float = HEATMAP_MIN_CONFIDENCE,
) -> np.ndarray:
    """MediaPipe's RefineLandmarksFromHeatmap: each landmark (crop px, (L, 2)) moved to the
    sigmoid-weighted mean cell of a ``kernel``-wide window of its heatmap (H, W, L) around it,
    where that window's best confidence reaches ``min_confidence``. As MediaPipe does, the cell
    index (not its centre) is the position, the window is cut at the heatmap's border and
    landmarks off the heatmap are left alone. Needed to agree with MediaPipe: on a render's 15
    frames, median 0.46 px from MediaPipe's landmarks with it, 3.9 px without."""
    hm_h, hm_w, n = heatmap.shape
    out = np.array(xy_crop, dtype=np.float32, copy=True)
    norm = out / np.float32(crop_size)
    col = np.trunc(norm[:, 0] * hm_w).astype(np.int64)  # C++'s int(): towards zero
    row = np.trunc(norm[:, 1] * hm_h).astype(np.int64)
    on = (col >= 0) & (col < hm_w) & (row >= 0) & (row < hm_h)
    half = (kernel - 1) // 2
    offs = np.arange(-half, half + 1)
    rows = row[:, None] + offs[None, :]  # (L, k)
    cols = col[:, None] + offs[None, :]
    inside = ((rows >= 0) & (rows < hm_h))[:, :, None] & ((cols >= 0) & (cols < hm_w))[:, None, :]
    vals = heatmap[np.clip(rows, 0, hm_h - 1)[:, :, None], np.clip(cols, 0, hm_w - 1)[:, None, :],
                   np.arange(n)[:, None, None]]  # (L, k, k)
    conf = np.where(inside, sigmoid(vals), np.float32(0.0))
    total = conf.sum(axis=(1, 2))
    best = conf.max(axis=(1, 2))
    move = on & (best >= min_confidence) & (total > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (conf * cols[:, None, :]).sum(axis=(1, 2)) / np.float32(hm_w) / total
        y = (conf * rows[:, :, None]).sum(axis=(1, 2)) / np.float32(hm_h) / total
    out[move, 0] = (x[move] * crop_size).astype(np.float32)
    out[move, 1] = (y[move] * crop_size).astype(np.float32)
    return out


def rotate_world(world: np.ndarray, rotation: float) -> np.ndarray:
    """World landmarks (N, 3) turned about the camera axis by the region's rotation
    (MediaPipe's WorldLandmarkProjection)."""
    c, s = math.cos(rotation), math.sin(rotation)
    out = np.array(world, dtype=np.float32, copy=True)
    x, y = world[:, 0].astype(np.float64), world[:, 1].astype(np.float64)
    out[:, 0] = c * x - s * y
    out[:, 1] = s * x + c * y
    return out
