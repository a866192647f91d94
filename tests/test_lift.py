"""analysis/lift.py: 3-D knee and hip flexion from the image and the lifter's own proportions."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import skeleton as sk
from formcheck.analysis.lift import angle_features, segment_lengths
from synthetic import PX_PER_M, project, squat_world


@pytest.mark.parametrize("azimuth", [0.0, 30.0, -45.0, 60.0, 150.0])
def test_lifted_and_hybrid_angles_undo_foreshortening(azimuth: float) -> None:
    knee = np.concatenate([np.zeros(10), np.linspace(0, 100, 30), np.linspace(100, 0, 30)])
    w = squat_world(azimuth, knee)
    seen = np.ones(w.shape[:2], bool)
    knee_f, hip_f = angle_features(project(w), w, seen)
    for f in (knee_f, hip_f):
        np.testing.assert_allclose(f.lifted, np.column_stack([knee, knee]), atol=1.0)
        np.testing.assert_allclose(f.hybrid, np.column_stack([knee, knee]), atol=1e-6)
        np.testing.assert_allclose(f.world, np.column_stack([knee, knee]), atol=1e-6)
    bottom = np.argmax(knee)
    if abs(np.cos(np.radians(azimuth))) > 0.8:  # the thigh points at the camera: the image is off
        assert abs(knee_f.image[bottom, 0] - 100.0) > 8.0


def test_segment_lengths_come_from_frames_across_the_image() -> None:
    knee = np.concatenate([np.zeros(10), np.linspace(0, 90, 30)])
    w = squat_world(0.0, knee)
    lengths = segment_lengths(project(w), w, np.ones(w.shape[:2], bool))
    assert lengths.px[("thigh", 0)] == pytest.approx(0.45 * PX_PER_M, rel=1e-3)
    assert lengths.px[("shank", 1)] == pytest.approx(0.42 * PX_PER_M, rel=1e-3)
    assert lengths.px_per_m == pytest.approx(PX_PER_M, rel=1e-3)


def test_unseen_landmarks_leave_nan_and_too_few_frames_leave_lengths_unknown() -> None:
    knee = np.linspace(0, 90, 20)
    w = squat_world(30.0, knee)
    seen = np.ones(w.shape[:2], bool)
    seen[:, sk.ANKLE[1]] = False
    lengths = segment_lengths(project(w), w, seen)
    assert np.isnan(lengths.px[("shank", 1)])
    knee_f, _ = angle_features(project(w), w, seen, lengths)
    assert np.isnan(knee_f.lifted[:, 1]).all()
    assert np.isfinite(knee_f.lifted[:, 0]).all()
