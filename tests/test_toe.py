"""Toe rotation from the image's sideways swing of the foot (analysis/toe.py), on exact geometry."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import skeleton as sk
from formcheck.analysis.toe import pixels_per_metre, toe_rotation_deg

PX_PER_M = 500.0


def standing_feet(
    toe_deg: tuple[float, float], yaw_deg: float, n: int = 4, feet_back: bool = False,
    drop_deg: float = 12.0,
) -> tuple[np.ndarray, np.ndarray]:
    """World (x right, y down, z away from the camera) and orthographic image landmarks of a lifter
    standing with feet turned ``toe_deg`` (+ out) and body turned ``yaw_deg`` from facing the camera,
    the toe tip ``drop_deg`` below the ankle."""
    psi = np.radians(yaw_deg)
    lat = np.array([np.cos(psi), 0.0, np.sin(psi)])  # toward the lifter's left
    fwd = np.array([np.sin(psi), 0.0, -np.cos(psi)])
    w = np.full((n, 33, 3), np.nan)
    for i, side in ((0, 1.0), (1, -1.0)):
        hip = side * 0.1 * lat
        knee = hip + [0.0, 0.45, 0.0]
        ankle = knee + [0.0, 0.42, 0.0]
        th = np.radians(toe_deg[i])
        along = -fwd if feet_back else fwd  # kneeling (a Nordic): the feet point back
        toe = ankle + 0.16 * (np.sin(th) * side * lat + np.cos(th) * along)
        toe = toe + [0.0, 0.16 * np.tan(np.radians(drop_deg)), 0.0]
        for idx, pt in ((sk.HIP[i], hip), (sk.KNEE[i], knee), (sk.ANKLE[i], ankle), (sk.TOE[i], toe)):
            w[:, idx] = pt
    xy = w[..., :2] * PX_PER_M + [360.0, 200.0]
    return xy, w


@pytest.mark.parametrize("yaw", [0.0, 20.0, -30.0])
@pytest.mark.parametrize("toes", [(20.0, 20.0), (-15.0, -15.0), (0.0, 0.0), (25.0, -10.0)])
def test_toe_rotation_is_recovered_within_the_yaw_it_is_reported_at(toes, yaw) -> None:
    """The foot's 3-D length stands in for its length along the floor (it read the renders better),
    so a foot dropping 12 deg to the toe reads a little short: within 1.5 deg up to 30 deg of yaw."""
    xy, w = standing_feet(toes, yaw)
    got = toe_rotation_deg(xy, w, np.ones((len(xy), 2), bool))
    np.testing.assert_allclose(got, np.broadcast_to(toes, got.shape), atol=1.5)


@pytest.mark.parametrize("yaw", [0.0, 30.0])
def test_feet_pointing_back_read_the_same_way(yaw: float) -> None:
    xy, w = standing_feet((15.0, -10.0), yaw, feet_back=True)
    got = toe_rotation_deg(xy, w, np.ones((len(xy), 2), bool))
    np.testing.assert_allclose(got, np.broadcast_to((15.0, -10.0), got.shape), atol=1.5)


def test_toes_above_the_ankle_are_not_judged() -> None:
    """Legs out straight on a seated curl, toes up: the level-foot geometry does not hold."""
    xy, w = standing_feet((20.0, 20.0), 0.0, drop_deg=-30.0)
    assert np.isnan(toe_rotation_deg(xy, w, np.ones((len(xy), 2), bool))).all()


def test_scale_comes_from_the_shins() -> None:
    xy, w = standing_feet((0.0, 0.0), 0.0)
    assert pixels_per_metre(xy, w, np.ones((len(xy), 2), bool)) == pytest.approx(PX_PER_M)


def test_unseen_feet_are_nan_not_zero() -> None:
    xy, w = standing_feet((20.0, 20.0), 0.0)
    ok = np.ones((len(xy), 2), bool)
    ok[:2, 1] = False
    got = toe_rotation_deg(xy, w, ok)
    assert np.isnan(got[:2, 1]).all() and np.isfinite(got[:, 0]).all() and np.isfinite(got[2:, 1]).all()
    assert np.isnan(toe_rotation_deg(xy, w, np.zeros((len(xy), 2), bool))).all()


def test_a_yaw_error_moves_the_two_feet_in_opposite_directions() -> None:
    """The world landmarks' yaw is the weak input; its error cancels in the mean of both feet, the
    figure the toe bias is called from."""
    xy, w = standing_feet((10.0, 10.0), 20.0)
    w_wrong = w.copy()
    rot = np.radians(-8.0)  # the world model believes the lifter is turned 8 deg less
    c, s = np.cos(rot), np.sin(rot)
    w_wrong[..., 0], w_wrong[..., 2] = c * w[..., 0] - s * w[..., 2], s * w[..., 0] + c * w[..., 2]
    got = toe_rotation_deg(xy, w_wrong, np.ones((len(xy), 2), bool))[0]
    assert abs(got[0] - got[1]) > 10.0
    assert np.mean(got) == pytest.approx(10.0, abs=1.0)


# ------------------------------------------------------------------ the bias the feet agree on

from formcheck.analysis.toe_bias import call_toes, set_toe_call, signed_deg  # noqa: E402
from formcheck.config import MeasureConfig, ScoreConfig  # noqa: E402

MC, SC = MeasureConfig(), ScoreConfig()


@pytest.mark.parametrize("feet, yaw, bias, per_foot", [
    ((17.0, -3.0), 35.0, "unknown", False),  # the parallel feet at an oblique yaw
    ((17.0, -3.0), 10.0, "out", True),  # square to the camera each foot is trusted: the mean is +7
    ((17.0, 9.0), 35.0, "out", False),  # both feet say out
    ((-12.0, -8.0), 45.0, "in", False),
    ((2.0, -3.0), 35.0, "neutral", False),
    ((8.0, 2.0), 35.0, "unknown", False),  # out and neutral disagree: not called from the mean (+5.5)
    ((8.0, float("nan")), 35.0, "unknown", False),  # one foot alone off-square
    ((8.0, float("nan")), 15.0, "out", True),
    ((float("nan"), float("nan")), 10.0, "unknown", True),
    ((17.0, -3.0), float("nan"), "unknown", False),  # view unknown: not square enough
])
def test_a_toe_bias_is_called_only_where_the_feet_agree_or_the_view_is_square(feet, yaw, bias, per_foot) -> None:
    call = call_toes(feet, yaw, MC, SC)
    assert (call.bias, call.per_foot) == (bias, per_foot)
    assert bool(call.reason) == (bias == "unknown" and not per_foot and np.isfinite(feet).any())


def test_disagreeing_feet_say_why_with_each_foot() -> None:
    call = call_toes((17.2, -3.4), 38.0, MC, SC)
    assert call.reason == ("the two feet read differently from this angle (left +17°, right \u22123°): "
                           "toe rotation not judged; film from the front")
    assert call.pair_deg == pytest.approx(6.9)
    assert "only the left foot" in call_toes((17.2, float("nan")), 38.0, MC, SC).reason
    assert np.isnan(call_toes((17.2, float("nan")), 38.0, MC, SC).pair_deg)
    assert [signed_deg(x) for x in (4.6, -0.2, -12.0)] == ["+5°", "0°", "\u221212°"]


def test_the_set_call_takes_each_foot_over_the_reps() -> None:
    reps = [(16.0, -2.0), (18.0, -4.0), (17.0, -3.0)]
    call = set_toe_call(reps, np.zeros((0, 2)), 40.0, MC, SC)
    assert call.deg == (17.0, -3.0) and call.bias == "unknown"
    frames = np.array([[16.0, 9.0], [18.0, np.nan], [17.0, 11.0]])
    call = set_toe_call([], frames, 40.0, MC, SC)  # no reps: the frames' medians
    assert call.deg == (17.0, 10.0) and call.bias == "out"
    threshold = MeasureConfig(toe_per_foot_max_yaw_deg=45.0)  # the threshold is the config's
    assert set_toe_call(reps, np.zeros((0, 2)), 40.0, threshold, SC).bias == "out"
