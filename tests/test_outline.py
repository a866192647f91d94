"""The back-outline measure tells an arched low back from a neutral or rounded one."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.measures import compute_measures
from formcheck.config import MeasureConfig
from formcheck.pose.outline import outline_offsets_px
from synthetic import side_view_pose

HIP = np.array([500.0, 600.0])
SHO = np.array([500.0, 300.0])


def silhouette(arch_px: float, facing: int = 1, shape=(720, 1000)) -> np.ndarray:
    """Side-on upright trunk facing image-right; the back bows toward the front by ``arch_px`` at
    the lumbar level (negative: a rounded, convex back)."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w]
    # 0 at the hip level, 1 at the shoulders
    u = (HIP[1] - yy) / (HIP[1] - SHO[1])
    lumbar = np.where((u > 0) & (u < 0.75), np.sin(np.pi * u / 0.75), 0.0)
    back_dist = 70.0 - arch_px * lumbar  # distance from the axis to the back
    front_dist = 60.0
    d = (xx - HIP[0]) * facing  # + toward the front
    mask = ((d <= front_dist) & (d >= -back_dist) & (u > -0.15) & (u < 1.1)).astype(np.float32)
    return mask


def _arch_of(arch_px: float, facing: int = 1) -> float:
    mask = silhouette(arch_px, facing)
    off = outline_offsets_px(mask, HIP, SHO, levels=9)
    t = np.arange(3) / 30.0
    pose = side_view_pose(t, np.zeros(3), np.zeros(3), facing=facing)
    pose.xy_px[:, [11, 12]] = SHO
    pose.xy_px[:, [23, 24]] = HIP
    pose.back_offset_px[:] = off
    m = compute_measures(pose, MeasureConfig())
    assert m.view.facing == facing
    return float(m.arch_deg.values[0])


def test_offsets_measure_distance_to_mask_edge() -> None:
    off = outline_offsets_px(silhouette(0.0), HIP, SHO, levels=5)
    # side 0 points image-right (the front of a right-facing lifter), side 1 the back
    np.testing.assert_allclose(off[:, 0], 61.0, atol=1.0)
    np.testing.assert_allclose(off[:, 1], 71.0, atol=1.0)


def test_axis_outside_the_mask_gives_nan() -> None:
    off = outline_offsets_px(np.zeros((720, 1000), np.float32), HIP, SHO, levels=5)
    assert np.isnan(off).all()


@pytest.mark.parametrize("facing", [1, -1])
def test_arched_back_reads_concave_neutral_flat_rounded_convex(facing: int) -> None:
    neutral = _arch_of(0.0, facing)
    arched = _arch_of(20.0, facing)
    rounded = _arch_of(-20.0, facing)
    assert abs(neutral) < 1.0
    assert arched > neutral + 10.0
    assert rounded < neutral - 10.0


def test_arch_grows_with_the_bow() -> None:
    values = [_arch_of(a) for a in (0.0, 5.0, 10.0, 20.0, 30.0)]
    assert all(b > a for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("edge_x", [560.0, 560.3, 560.7])
def test_outline_edge_is_found_to_a_fraction_of_a_pixel(edge_x: float) -> None:
    """A soft mask edge (a 4-px linear ramp through 0.5 at ``edge_x``): the lumbar curve of a 20-deg
    arch moves the outline by only a few pixels, so whole-pixel edges are too coarse."""
    xx = np.arange(1000, dtype=np.float32)[None, :].repeat(720, axis=0)
    mask = np.clip((edge_x - xx) / 4.0 + 0.5, 0.0, 1.0) * (xx > 430)
    off = outline_offsets_px(mask, np.array([500.0, 600.0]), np.array([500.0, 300.0]), levels=5)
    np.testing.assert_allclose(off[:, 0], edge_x - 500.0, atol=0.05)
