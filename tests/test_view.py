"""analysis/view.py: where the camera stands around the lifter, front or behind, from the landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.view import camera_azimuth_deg, estimate_view, fold_azimuth, image_yaw_deg
from formcheck.config import MeasureConfig
from synthetic import squat_world, world_pose

# the raw readings: no fitted yaw line
RAW = MeasureConfig(yaw_front_line=(0.0, 1.0, 0.0), yaw_rear_line=(0.0, 1.0, 0.0))


def _pose(azimuth: float):
    knee = np.concatenate([np.zeros(10), np.linspace(0, 90, 20)])
    return world_pose(np.arange(len(knee)) / 30.0, squat_world(azimuth, knee))


@pytest.mark.parametrize("azimuth", [0.0, 30.0, -45.0, 90.0, -90.0, 120.0, -150.0, 180.0])
def test_camera_azimuth_and_image_width_read_the_camera(azimuth: float) -> None:
    pose = _pose(azimuth)
    az = camera_azimuth_deg(pose, 0.5)
    diff = (az - azimuth + 180.0) % 360.0 - 180.0
    np.testing.assert_allclose(diff, 0.0, atol=0.5)
    yaw, rear = fold_azimuth(azimuth)
    assert image_yaw_deg(pose, 0.5) == pytest.approx(yaw, abs=1.0)
    view = estimate_view(pose, RAW)
    assert view.yaw_deg == pytest.approx(yaw, abs=1.0)
    if yaw < 70:
        assert view.rear == rear
        assert view.label.startswith("rear") == rear


@pytest.mark.parametrize("azimuth,yaw,rear", [(0, 0, False), (180, 0, True), (-120, 60, True), (45, 45, False),
                                              (90, 90, False), (-91, 89, True)])
def test_fold_azimuth(azimuth: float, yaw: float, rear: bool) -> None:
    assert fold_azimuth(azimuth) == (pytest.approx(yaw), rear)


def test_the_fitted_lines_map_each_camera_side_on_its_own() -> None:
    """config's two yaw lines: the rear one applies only where the camera reads as behind."""
    cfg = MeasureConfig(yaw_front_line=(0.0, 1.0, 0.0), yaw_rear_line=(-10.0, 0.5, 0.5))
    assert estimate_view(_pose(30.0), cfg).yaw_deg == pytest.approx(30.0, abs=1.0)
    assert estimate_view(_pose(150.0), cfg).yaw_deg == pytest.approx(20.0, abs=1.0)
