"""Angles on synthetic landmarks whose answers are computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.angles import flexion_deg, joint_angle_deg, signed_angle_from_plane_deg
from formcheck.analysis.measures import compute_measures
from formcheck.analysis.view import estimate_view
from formcheck.config import AngleModel, AngleWeights, MeasureConfig
from formcheck.pose.mediapipe_pose import normalised_to_px
from formcheck.types import NO_PERSON, NOT_VISIBLE, WRONG_VIEW
from synthetic import side_view_pose

RAW = MeasureConfig(angle_model=None)  # the geometry alone, without the fitted angle model


def test_joint_angle_right_angle_and_straight() -> None:
    assert joint_angle_deg([0, 1], [0, 0], [1, 0]) == pytest.approx(90.0)
    assert flexion_deg([0, 1], [0, 0], [0, -1]) == pytest.approx(0.0)
    assert flexion_deg([0, 1], [0, 0], [1, 1]) == pytest.approx(135.0)


def test_degenerate_segment_is_nan_not_zero() -> None:
    assert np.isnan(joint_angle_deg([0, 0], [0, 0], [1, 0]))
    assert np.isnan(flexion_deg([np.nan, 0], [0, 0], [1, 0]))


def test_non_square_frame_needs_pixels() -> None:
    """On a 200x100 frame, hip (60,20) knee (100,60) ankle (140,20) px is a right angle.

    In normalised units the same points give 53.13 deg: the trap pixels avoid.
    """
    w, h = 200, 100
    norm = np.array([[60 / w, 20 / h], [100 / w, 60 / h], [140 / w, 20 / h]])
    naive = joint_angle_deg(norm[0], norm[1], norm[2])
    assert naive == pytest.approx(2 * np.degrees(np.arctan(0.2 / 0.4)), abs=1e-6)
    px = normalised_to_px(norm, w, h)
    assert joint_angle_deg(px[0], px[1], px[2]) == pytest.approx(90.0, abs=1e-4)


def test_signed_angle_from_plane() -> None:
    normal = np.array([1.0, 0.0, 0.0])
    assert signed_angle_from_plane_deg([0, 0, 1], normal) == pytest.approx(0.0)
    assert signed_angle_from_plane_deg([1, 0, 1], normal) == pytest.approx(45.0)
    assert signed_angle_from_plane_deg([-1, 0, np.sqrt(3)], normal) == pytest.approx(-30.0)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("knee,hip", [(0.0, 0.0), (25.0, 90.0), (60.0, 60.0), (95.0, 120.0)])
def test_side_view_measures_match_construction(facing: int, knee: float, hip: float) -> None:
    t = np.arange(5) / 30.0
    pose = side_view_pose(t, np.full(5, knee), np.full(5, hip), facing=facing)
    m = compute_measures(pose, RAW)
    assert m.view.view == "side"
    assert m.view.facing == facing
    np.testing.assert_allclose(m.knee_deg.values, knee, atol=1e-3)
    np.testing.assert_allclose(m.hip_deg.values, hip, atol=1e-3)
    # trunk from vertical: forward lean = hip - knee for this construction
    np.testing.assert_allclose(m.trunk_lean_deg.values, hip - knee, atol=1e-3)
    # toe rotation is depth from a side view: missing, with the reason
    assert np.all(np.isnan(m.toe_deg.values))
    assert np.all(m.toe_deg.reason == WRONG_VIEW)


def test_angle_model_weighs_the_candidates_of_its_view_bin() -> None:
    """The model's weights for (measure, view bin) apply to that measure's candidate readings; a
    measure without weights for the bin reads the hybrid candidate (exact on a synthetic body)."""
    t = np.arange(5) / 30.0
    pose = side_view_pose(t, np.full(5, 60.0), np.full(5, 60.0))
    model = AngleModel(weights={("knee_deg", f"{b}:{g}"): w for g in ("standing", "other") for b, w in (
        ("side", AngleWeights(3.0, (0.5, 0.0, 0.5, 0.0))), ("front", AngleWeights(50.0, (1.0, 0.0, 0.0, 0.0))))})
    m = compute_measures(pose, MeasureConfig(angle_model=model))
    assert m.view.view == "side" and m.view_bin.startswith("side:")
    np.testing.assert_allclose(m.knee_deg.values, 3.0 + 0.5 * 60.0 + 0.5 * 60.0, atol=1e-3)
    np.testing.assert_allclose(m.hip_deg.values, 60.0, atol=1e-3)


def test_missing_person_and_hidden_joint_are_nan_with_reason() -> None:
    t = np.arange(4) / 30.0
    pose = side_view_pose(t, np.full(4, 30.0), np.full(4, 40.0))
    pose.xy_px[1] = np.nan
    pose.visibility[1] = 0
    pose.visibility[2, 25] = 0.1  # left knee hidden in frame 2
    m = compute_measures(pose, RAW, estimate_view(pose, RAW))
    assert np.isnan(m.knee_deg.values[1]).all() and (m.knee_deg.reason[1] == NO_PERSON).all()
    assert np.isnan(m.knee_deg.values[2, 0]) and m.knee_deg.reason[2, 0] == NOT_VISIBLE
    assert m.knee_deg.values[2, 1] == pytest.approx(30.0, abs=1e-3)
    assert m.knee_deg.conf[2, 0] == 0.0


def _front_pose(toe_left_deg: float, toe_right_deg: float):
    """A lifter squared to the camera, feet rotated about the vertical by the given angles."""
    t = np.arange(3) / 30.0
    pose = side_view_pose(t, np.zeros(3), np.zeros(3))
    w = np.zeros((3, 33, 3), np.float32)
    # world: x right in the image. Facing the camera, the lifter's left is image-right (+x).
    w[:, 23] = [0.12, 0, 0]
    w[:, 24] = [-0.12, 0, 0]
    w[:, 11] = [0.2, -0.5, 0]
    w[:, 12] = [-0.2, -0.5, 0]
    w[:, 25] = [0.12, 0.45, 0]
    w[:, 26] = [-0.12, 0.45, 0]
    w[:, 27] = [0.12, 0.9, 0]
    w[:, 28] = [-0.12, 0.9, 0]
    for side, deg, lateral in ((0, toe_left_deg, 1.0), (1, toe_right_deg, -1.0)):
        ankle = w[0, 27 + side]
        a = np.radians(deg)
        foot = np.array([lateral * np.sin(a), 0.0, -np.cos(a)])  # toes toward the camera
        w[:, 29 + side] = ankle - 0.05 * foot + [0.0, 0.05, 0.0]
        w[:, 31 + side] = ankle + 0.2 * foot + [0.0, 0.04, 0.0]  # the toe tip below the ankle
    pose.world_m[:] = w
    pose.xy_px[:] = w[..., :2] * 500.0 + [300.0, 300.0]  # a square-on orthographic camera
    return pose


@pytest.mark.parametrize("left,right", [(20.0, 20.0), (-15.0, 10.0), (0.0, -25.0)])
def test_toe_rotation_sign_and_size_from_front(left: float, right: float) -> None:
    pose = _front_pose(left, right)
    m = compute_measures(pose, MeasureConfig())
    assert m.view.view == "front"
    np.testing.assert_allclose(m.toe_deg.values[:, 0], left, atol=1.0)
    np.testing.assert_allclose(m.toe_deg.values[:, 1], right, atol=1.0)


def test_a_rear_bin_without_weights_borrows_its_front_twins_in_the_same_group() -> None:
    model = AngleModel(weights={("knee_deg", "front:other"): AngleWeights(1.0, (1.0, 0.0, 0.0, 0.0)),
                                ("knee_deg", "front:standing"): AngleWeights(2.0, (1.0, 0.0, 0.0, 0.0))})
    assert model.weights_for("knee_deg", "rear:other").offset_deg == 1.0
    assert model.weights_for("knee_deg", "rear:standing").offset_deg == 2.0
    assert model.weights_for("knee_deg", "side:standing") is None
    assert model.bin_of(30.0, True, False) == "rear-oblique-30:other"
    assert model.bin_of(80.0, True, True) == "side:standing"
