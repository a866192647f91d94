"""Posing a recorded set at PoseConfig.pose_hz: the posed frames are exactly what posing every
frame gives, and analysis/frame_fill.py fills the frames between."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.frame_fill import fill_frames, posed_rows, rows_of
from formcheck.api import estimate_pose
from formcheck.config import Config
from formcheck.io.landmarks import load_pose
from formcheck.pose.runner import pose_stride

DATA = Path(__file__).parent / "data"
RENDER = DATA / "renders" / "rdl_y90_p0_b5_arched_soft_neutral.mp4"


def _at_hz(hz: float | None, workers: int = 0) -> Config:
    cfg = Config()
    return replace(cfg, pose=replace(cfg.pose, pose_hz=hz, workers=workers))


def test_stride_keeps_at_least_pose_hz() -> None:
    pose = Config().pose
    assert [pose_stride(pose, fps) for fps in (24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0, 120.0)] == [
        1, 1, 2, 2, 3, 4, 4, 8]
    assert pose_stride(pose, float("nan")) == 1
    assert pose_stride(replace(pose, pose_hz=None), 60.0) == 1


def test_posed_rows_are_the_frames_posing_every_frame_gives() -> None:
    """At 15 Hz a 30-fps render is posed on frames 0, 2, 4, ... and its last; those rows are bit
    for bit the rows of posing every frame (two landmarkers joined, as analyze runs), and every
    other frame lies between its neighbours."""
    every, _ = estimate_pose(RENDER, _at_hz(None, 1))
    strided, _ = estimate_pose(RENDER, _at_hz(15.0))
    assert np.array_equal(every.t_s, strided.t_s)
    rows = posed_rows(len(every), 2)
    assert rows[-1] == len(every) - 1 == 350
    for name in ("xy_px", "z_px", "visibility", "world_m", "back_offset_px"):
        assert np.array_equal(getattr(every, name)[rows], getattr(strided, name)[rows], equal_nan=True), name
    between = np.setdiff1d(np.arange(len(every)), rows)
    lo, hi = strided.xy_px[between - 1], strided.xy_px[between + 1]
    x = strided.xy_px[between]
    assert np.all((x >= np.minimum(lo, hi) - 1e-3) & (x <= np.maximum(lo, hi) + 1e-3))
    # and they are near what the model says there (the lifter moves little in 1/15 s)
    err = np.linalg.norm(strided.xy_px[between] - every.xy_px[between], axis=-1)
    assert np.nanmedian(err) < 3.0, np.nanmedian(err)


def test_fill_interpolates_in_time_and_never_past_a_missing_frame() -> None:
    pose = load_pose(DATA / "poses" / "squat_side_01.pose.npz")
    n = 40
    pose = rows_of(pose, np.arange(n))
    t_uneven = pose.t_s.copy()
    rows = np.array([0, 3, 4, 10, 20, 39])
    posed = rows_of(pose, rows)
    posed.xy_px[3] = np.nan  # frame 10: nobody found
    posed.visibility[3] = 0.0
    full = fill_frames(posed, t_uneven)
    assert len(full) == n and np.array_equal(full.t_s, t_uneven)
    for j, r in enumerate(rows):  # posed rows are kept exactly
        assert np.array_equal(full.xy_px[r], posed.xy_px[j], equal_nan=True)
    w = (t_uneven[1] - t_uneven[0]) / (t_uneven[3] - t_uneven[0])
    np.testing.assert_allclose(full.xy_px[1], (1 - w) * posed.xy_px[0] + w * posed.xy_px[1], rtol=1e-5)
    np.testing.assert_array_equal(full.visibility[2], np.minimum(posed.visibility[0], posed.visibility[1]))
    assert not full.detected[5:20].any()  # either side of the frame where nobody was found
    assert full.detected[[0, 1, 2, 3, 4, 20, 21, 38, 39]].all()
    assert np.all(full.visibility[5:20] == 0)


def test_fill_refuses_times_that_are_not_frames() -> None:
    pose = rows_of(load_pose(DATA / "poses" / "squat_side_01.pose.npz"), np.arange(10))
    with pytest.raises(ValueError):
        fill_frames(rows_of(pose, np.array([0, 5, 9])), pose.t_s + 0.001)
