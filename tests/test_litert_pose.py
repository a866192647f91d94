"""The LiteRT pose backend (pose/litert_pose.py): BlazePose's maths (pose/blazepose.py) on
synthetic inputs, and the backend against MediaPipe Tasks on a committed render."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from formcheck.config import POSE_BACKENDS, LiteRTConfig, MediaPipeConfig, PoseConfig
from formcheck.pose import blazepose as bp
from formcheck.pose.backend import can_split, layout_for

RENDER = Path(__file__).resolve().parent / "data" / "renders" / "rdl_y90_p0_b4_neutral_soft_neutral.mp4"
LITERT = PoseConfig(backend="litert", litert=LiteRTConfig(detect_every_s=0.5))  # tracking between
EVERY_FRAME = replace(LITERT, litert=LiteRTConfig(detect_every_s=0.0))  # the default


# --- the pure maths ------------------------------------------------------------------------------


def test_anchors():
    a = bp.ssd_anchors()
    assert a.shape == (2254, 2)  # 28*28*2 + 14*14*2 + 7*7*6
    assert np.allclose(a[0], [0.5 / 28, 0.5 / 28]) and np.allclose(a[1], a[0])
    assert np.allclose(a[2], [1.5 / 28, 0.5 / 28])
    assert np.allclose(a[28 * 28 * 2], [0.5 / 14, 0.5 / 14])
    last = a[-6:]
    assert np.allclose(last, [6.5 / 7, 6.5 / 7])  # the three stride-32 layers share one grid


def test_decode_detections_at_anchors():
    anchors = bp.ssd_anchors()
    raw = np.zeros((2254, 12), np.float32)
    raw[:, 2:4] = 44.8  # width, height: 0.2 of the input
    raw[:, 4:6] = 22.4  # keypoint 0: 0.1 right and down of the anchor
    logits = np.full((2254, 1), -5.0, np.float32)
    logits[100] = 3.0
    scores, boxes, kps = bp.decode_detections(raw, logits, anchors, 0.5)
    assert scores.shape == (1,) and scores[0] == pytest.approx(1 / (1 + math.exp(-3.0)))
    cx, cy = anchors[100]
    assert np.allclose(boxes[0], [cx - 0.1, cy - 0.1, cx + 0.1, cy + 0.1], atol=1e-6)
    assert np.allclose(kps[0, 0], [cx + 0.1, cy + 0.1], atol=1e-6)
    assert np.allclose(kps[0, 1], [cx, cy], atol=1e-6)


def test_weighted_nms():
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [0.1, 0.0, 1.1, 1.0], [5.0, 5.0, 6.0, 6.0]], np.float32)
    scores = np.array([0.6, 0.9, 0.7], np.float32)
    kps = np.zeros((3, 4, 2), np.float32)
    kps[:, 0] = [[0.0, 0.0], [1.0, 1.0], [9.0, 9.0]]
    out = bp.weighted_nms(scores, boxes, kps, iou_threshold=0.3)
    assert [round(s, 3) for s, _, _ in out] == [0.9, 0.7]  # best first, the best score kept
    w = np.array([0.9, 0.6]) / 1.5
    assert np.allclose(out[0][1], w[0] * boxes[1] + w[1] * boxes[0], atol=1e-6)
    assert np.allclose(out[0][2][0], w[0] * np.array([1.0, 1.0]), atol=1e-6)
    assert np.allclose(out[1][1], boxes[2])
    # below the threshold nothing merges
    far = bp.weighted_nms(scores[:2], np.array([[0, 0, 1, 1], [0.8, 0, 1.8, 1]], np.float32), kps[:2], 0.3)
    assert len(far) == 2


def test_region_from_points():
    up = bp.region_from_points(np.array([100.0, 200.0]), np.array([100.0, 160.0]))  # scale point above
    assert (up.cx, up.cy) == (100.0, 200.0)
    assert up.side == pytest.approx(2 * 40 * 1.25)
    assert up.rotation == pytest.approx(0.0)
    right = bp.region_from_points(np.array([0.0, 0.0]), np.array([10.0, 0.0]))
    assert right.rotation == pytest.approx(math.pi / 2)
    left = bp.region_from_points(np.array([0.0, 0.0]), np.array([-10.0, 0.0]))
    assert left.rotation == pytest.approx(-math.pi / 2)
    down = bp.region_from_points(np.array([0.0, 0.0]), np.array([0.0, 10.0]))
    assert abs(down.rotation) == pytest.approx(math.pi)
    assert -math.pi <= down.rotation < math.pi


def test_affine_round_trip():
    region = bp.Region(300.0, 500.0, 400.0, 0.7)
    m = bp.crop_to_image(region, 256)
    assert np.allclose(bp.apply_affine(m, [128.0, 128.0]), [300.0, 500.0])
    # the crop's top edge runs along the region's rotated x axis, 400 px long
    top = bp.apply_affine(m, np.array([[0.0, 0.0], [256.0, 0.0]]))
    assert np.hypot(*(top[1] - top[0])) == pytest.approx(400.0)
    assert math.atan2(top[1, 1] - top[0, 1], top[1, 0] - top[0, 0]) == pytest.approx(0.7)
    pts = np.random.default_rng(0).uniform(-50, 300, (20, 2))
    back = bp.apply_affine(bp.invert_affine(m), bp.apply_affine(m, pts))
    assert np.allclose(back, pts, atol=1e-9)
    # the detector's letterbox: the whole frame centred in the square
    lb = bp.crop_to_image(bp.frame_region(360, 640), 224)
    assert np.allclose(bp.apply_affine(lb, [[0.0, 0.0], [224.0, 224.0]]), [[-140.0, 0.0], [500.0, 640.0]])


def test_refine_from_heatmap():
    hm = np.full((64, 64, 2), -20.0, np.float32)
    hm[10, 20, 0] = 20.0  # a sharp peak for landmark 0, near where it was put
    hm[30, 30, 1] = 0.0  # landmark 1: confidence 0.5 at best, but far from it
    xy = np.array([[81.0, 43.0], [200.0, 200.0]], np.float32)
    out = bp.refine_from_heatmap(xy, hm)
    assert np.allclose(out[0], [20 * 4.0, 10 * 4.0], atol=1e-3)  # the cell's index, times 256/64
    assert np.array_equal(out[1], xy[1])


def test_world_rotation():
    w = np.array([[1.0, 0.0, 0.3]], np.float32)
    assert np.allclose(bp.rotate_world(w, math.pi / 2), [[0.0, 1.0, 0.3]], atol=1e-6)


def test_crops_sample_as_mediapipe():
    """Positions rounded to 1/32 px, OpenCV's fixed-point bilinear weights; the replicate border
    by clamped positions; masks at chosen pixels equal the whole warp's there."""
    import cv2

    from formcheck.io import crops
    from formcheck.io.crops import crop_region, mask_at_pixels, mask_to_frame

    rng = np.random.default_rng(3)
    frame = rng.integers(0, 256, (90, 70, 3), dtype=np.uint8)
    m = bp.crop_to_image(bp.Region(30.0, 50.0, 110.0, 0.4), 32)  # reaches past the frame
    zero = crop_region(frame, m, 32, 0.0, 255.0)[0]
    # the same positions through the numpy bilinear (float weights): within a grey level
    u, v = np.meshgrid(np.arange(32.0), np.arange(32.0))
    x = np.rint((m[0, 0] * u + m[0, 1] * v + m[0, 2]) * 32) / 32
    y = np.rint((m[1, 0] * u + m[1, 1] * v + m[1, 2]) * 32) / 32
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]

    def px(yy, xx):
        inside = (xx >= 0) & (xx < 70) & (yy >= 0) & (yy < 90)
        return np.where(inside[..., None], frame[yy.clip(0, 89), xx.clip(0, 69)], 0).astype(float)

    want = (px(y0, x0) * (1 - fx) + px(y0, x0 + 1) * fx) * (1 - fy) + (px(y0 + 1, x0) * (1 - fx)
                                                                      + px(y0 + 1, x0 + 1) * fx) * fy
    assert np.abs(zero - want).max() <= 1.0
    rep = crop_region(frame, m, 32, 0.0, 255.0, replicate=True)[0]
    xy, frac = crops._maps(m, 0, 0, 32, 32)  # the same positions, unclamped, OpenCV's replicate border
    replicated = cv2.remap(frame, xy, frac, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    assert np.abs(rep - replicated).max() <= 1.0
    inside = (x >= 0) & (x <= 68) & (y >= 0) & (y <= 88)
    assert np.array_equal(rep[inside], zero[inside])
    mask = rng.random((32, 32)).astype(np.float32)
    inv_m = bp.invert_affine(m)
    full = mask_to_frame(mask, inv_m, 70, 90)
    xs, ys = rng.integers(0, 70, 500), rng.integers(0, 90, 500)
    sparse = mask_at_pixels(mask, inv_m, 70, 90, xs, ys)
    assert np.array_equal(sparse[ys, xs], full[ys, xs])
    window = mask_to_frame(mask, inv_m, 70, 90, window=(10, 20, 50, 60))
    assert np.array_equal(window[20:60, 10:50], full[20:60, 10:50]) and not window[:20].any()


def test_backend_registered():
    assert "litert" in POSE_BACKENDS
    assert can_split(LITERT)
    assert layout_for(LITERT).backend == "litert"
    assert layout_for(LITERT).names == layout_for(PoseConfig()).names
    assert PoseConfig().backend == "litert" and PoseConfig().litert.detect_every_s == 0  # the default


# --- the backend on a committed render -----------------------------------------------------------


@pytest.fixture(scope="module")
def frames():
    from formcheck.io.video import open_video, pose_input

    out = []
    with open_video(RENDER) as video:
        for i, (t_s, frame) in enumerate(video):
            if i >= 40:
                break
            out.append((t_s, pose_input(frame, None)))
    return out


def _pose(cfg, frames):
    from formcheck.pose.litert_pose import LiteRTPose

    with LiteRTPose(cfg) as poser:
        found, independent = [], []
        for t_s, rgb in frames:
            found.append(poser.detect(t_s, rgb))
            independent.append(poser.independent_after(found[-1]))
    return found, independent


def test_agrees_with_mediapipe(frames):
    """Detecting on every frame, as MediaPipe Tasks looking for two people does while one is in
    view: the same people. Measured on the committed renders every 20th frame: per-frame median
    landmark distance under 0.01 px, world landmarks 0.2 mm at most, visibility and outline alike
    to 1e-4 and 0.01 px (tolerances allow for another CPU's kernels)."""
    from formcheck.pose.mediapipe_pose import MediaPipePose

    some = frames[::4]
    with MediaPipePose(PoseConfig()) as mp:
        theirs = [mp.detect(t_s, rgb) for t_s, rgb in some]
    ours, _ = _pose(EVERY_FRAME, some)
    xy, world, vis, back = [], [], [], []
    for a, b in zip(theirs, ours):
        assert len(a) == len(b) == 1
        a, b = a[0], b[0]
        xy.append(np.median(np.hypot(*(a.xy_px - b.xy_px).T)))
        world.append(np.median(1000 * np.linalg.norm(a.world_m - b.world_m, axis=1)))
        vis.append(np.max(np.abs(a.visibility - b.visibility)))
        assert np.array_equal(np.isnan(a.back_offset_px), np.isnan(b.back_offset_px))
        back.append(np.nanmedian(np.abs(a.back_offset_px - b.back_offset_px)))
        assert b.xy_px.dtype == np.float32 and b.xy_px.shape == (33, 2) and b.world_m.shape == (33, 3)
        assert np.all((b.visibility >= 0) & (b.visibility <= 1))
        assert np.median(np.abs(a.z_px - b.z_px)) < 0.5
    assert np.median(xy) < 0.05 and max(xy) < 0.5
    assert np.median(world) < 1.0
    assert max(vis) < 0.005
    assert np.median(back) < 0.05


def test_tracking_deterministic_and_independent_on_detector_frames(frames):
    """Tracking (a detector frame every 0.5 s): posing the same frames twice gives the same bits,
    and only detector frames (the first, then the first of each half second) are independent."""
    a, ind_a = _pose(LITERT, frames)
    b, ind_b = _pose(LITERT, frames)
    assert all(len(x) == 1 for x in a)
    for x, y in zip(a, b):
        assert len(x) == len(y)
        for p, q in zip(x, y):
            assert np.array_equal(p.xy_px, q.xy_px) and np.array_equal(p.world_m, q.world_m)
            assert np.array_equal(p.z_px, q.z_px) and np.array_equal(p.visibility, q.visibility)
            assert np.array_equal(p.back_offset_px, q.back_offset_px, equal_nan=True)
    t = np.array([t_s for t_s, _ in frames])
    slot = np.floor(t / 0.5)
    expect = np.r_[True, slot[1:] != slot[:-1]]
    assert ind_a == ind_b == list(expect)
    assert 1 < sum(expect) < len(frames)
    # a poser that starts at a detector frame agrees with one that tracked into it
    k = int(np.flatnonzero(expect)[1])
    c, _ = _pose(LITERT, frames[k:])
    for x, y in zip(a[k:], c):
        assert np.array_equal(x[0].xy_px, y[0].xy_px)


def test_outline_from_sparse_mask_equals_full_mask(frames, monkeypatch):
    """The mask is put on the frame only where the outline reads it: the full mask's outline."""
    import formcheck.io.crops as crops
    import formcheck.pose.litert_pose as lp

    some = frames[::10]
    windowed, _ = _pose(EVERY_FRAME, some)
    monkeypatch.setattr(lp, "mask_at_pixels", lambda m, a, w, h, xs, ys: crops.mask_to_frame(m, a, w, h))
    whole, _ = _pose(EVERY_FRAME, some)
    for x, y in zip(windowed, whole):
        assert np.array_equal(x[0].back_offset_px, y[0].back_offset_px, equal_nan=True)
    cfg = replace(EVERY_FRAME, mediapipe=MediaPipeConfig(segmentation=False))
    none, _ = _pose(cfg, some[:1])
    assert np.isnan(none[0][0].back_offset_px).all()
    assert np.array_equal(none[0][0].xy_px, windowed[0][0].xy_px)


def test_shrunk_frame_in_full_size_pixels(frames):
    """A frame shrunk for speed: landmarks come back in the full frame's pixels."""
    from formcheck.io.video import shrink
    from formcheck.pose.litert_pose import LiteRTPose

    t_s, rgb = frames[0]
    h, w = rgb.shape[:2]
    small = shrink(rgb, 320)
    with LiteRTPose(EVERY_FRAME) as poser:
        full = poser.detect(t_s, rgb)
        as_is = poser.detect(t_s + 0.1, small)
        up = poser.detect(t_s + 0.2, small, (w, h))
    assert len(full) == len(as_is) == len(up) == 1
    assert np.allclose(up[0].xy_px, as_is[0].xy_px * (w / small.shape[1]), rtol=1e-5)
    assert np.allclose(up[0].z_px, as_is[0].z_px * (w / small.shape[1]), rtol=1e-5)
    assert np.median(np.hypot(*(up[0].xy_px - full[0].xy_px).T)) < 4.0


def test_default_backend_falls_back_to_mediapipe_without_litert(monkeypatch):
    """Where ai-edge-litert is not installed (Intel macOS: pyproject's marker), MediaPipe poses."""
    import importlib.util

    from formcheck.config import default_backend

    assert default_backend() == "litert"
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ai_edge_litert" else real(name, *a))
    assert default_backend() == "mediapipe" and PoseConfig().backend == "mediapipe"
