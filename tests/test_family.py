"""The movement family from how the joints move together, per rep and per set."""

from __future__ import annotations

import numpy as np

from formcheck.analysis.family import RepEvidence, RepFamily, rep_evidence, rep_family, set_family
from formcheck.config import HingeSquatModel

MODEL = HingeSquatModel()


def _ev(hip: float, knee: float, trunk: float, shin: float, lead: float = 0.0) -> RepEvidence:
    return RepEvidence(hip, knee, hip, knee, trunk, shin, lead)


def _call(ev: RepEvidence) -> tuple[str | None, str | None]:
    fam = rep_family(ev, "standing", False, MODEL)
    return fam.family, fam.alternative


def test_clear_hinges_and_squats() -> None:
    assert _call(_ev(95, 20, 75, 3)) == ("hinge", None)  # RDL
    assert _call(_ev(115, 80, 55, 12)) == ("hinge", None)  # deadlift
    assert _call(_ev(110, 125, 25, 35)) == ("squat", None)


def test_forward_leaning_squat_is_never_called_a_clear_hinge() -> None:
    """The issue's bodyweight squat: hips 144, knees 118, trunk 48 deg forward, shins well forward.
    Two thresholds on the trunk called it a hinge."""
    fam = rep_family(_ev(144, 118, 48, 33), "standing", False, MODEL)
    assert fam.family == "squat" or fam.alternative == "squat"


def test_balanced_evidence_is_said_not_guessed() -> None:
    fam = rep_family(_ev(112, 95, 45, 20), "standing", False, MODEL)
    assert fam.alternative is not None and fam.reason.startswith("hinge or squat: ")


def test_posture_and_one_leg_decide_knee_flexion_work() -> None:
    for posture in ("kneeling", "seated", "prone"):
        assert rep_family(_ev(40, 100, 30, 80), posture, False, MODEL).family == "knee_flexion"
    assert rep_family(_ev(15, 105, 5, 60), "standing", True, MODEL).family == "knee_flexion"  # standing curl
    assert rep_family(_ev(60, 5, 70, 40), "supine", False, MODEL).family == "hinge"  # a bridge


def test_set_family_follows_the_reps_and_says_when_they_disagree() -> None:
    hinge = RepFamily("hinge", None, 2.0, "h")
    squat = RepFamily("squat", None, -2.0, "s")
    assert set_family([hinge] * 9 + [squat], 100, 60, "standing").alternative is None
    split = set_family([squat] * 6 + [hinge] * 4, 100, 90, "standing")
    assert (split.family, split.alternative) == ("squat", "hinge")
    assert "squat in 6 reps, hinge in 4" in split.reason


def test_hips_rising_first_is_read_from_the_way_up() -> None:
    n = 60
    down = np.linspace(0, 1, 30)
    up_knee = np.r_[np.linspace(1, 0.2, 15), np.linspace(0.2, 0, 15)]  # knees straighten first
    up_hip = np.r_[np.linspace(1, 0.9, 15), np.linspace(0.9, 0, 15)]
    hip = 110 * np.r_[down, up_hip]
    knee = 80 * np.r_[down, up_knee]
    ev = rep_evidence(0, 29, n - 1, hip, knee, np.full(n, 50.0), np.full(n, 10.0), 5.0)
    assert ev.knee_lead > 0.3 and ev.hip_deg > 100 and ev.shin_tilt_deg == 5.0
    same = rep_evidence(0, 29, n - 1, hip, 80 * np.r_[down, up_hip], np.full(n, 50.0), np.full(n, 10.0), 5.0)
    assert abs(same.knee_lead) < 0.05


def test_alternating_legs_make_one_rep_per_curl() -> None:
    """A standing alternating curl: each knee curls in turn while the other stands. The mean of
    the two halves each curl; the more bent knee shows each curl whole."""
    from formcheck.analysis.pipeline import legs_alternate, working_knees
    from formcheck.analysis.reps import scale_from_series, segment_reps
    from formcheck.config import RepConfig
    from synthetic import rep_curve

    t = np.arange(0, 14, 1 / 30)
    left = rep_curve(t, [1.0, 7.0], 1.0, 1.0, 5.0, 100.0)
    right = rep_curve(t, [4.0, 10.0], 1.0, 1.0, 5.0, 100.0)
    knees = np.stack([left, right], axis=1)
    assert legs_alternate(knees, 25.0)
    drive = working_knees(knees, 25.0)
    reps = segment_reps(t, drive, scale_from_series(drive, True), RepConfig())
    assert [round(r.start_s) for r in reps] == [1, 4, 7, 10]
    assert np.nanmax(drive) - np.nanmin(drive) > 90  # the mean of both knees spans half that
    # the clip: knees 65 deg, hips 35 (front-view noise): two thresholds called it a squat
    assert rep_family(_ev(35, 65, 13, 20), "standing", True, MODEL).family == "knee_flexion"
    together = np.stack([left, left + 3.0], axis=1)  # both legs at once (a prone curl)
    assert not legs_alternate(together, 25.0)
