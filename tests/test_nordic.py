"""Nordic technique (analysis/nordic.py): the hips' pike over the lowering and the break point.

On synthetic arrays first (a kneeling lowering at a steady speed, with and without a pike, with a
fall or eased to the bottom), then on stored poses of rendered Nordics whose pike and break point
are known exactly (tests/data/renders15, from tools/synth/suite15.py), then the outputs (text,
JSON, HTML, the CLI) and the live cue.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from formcheck.analysis.nordic import (
    BOTTOM_UNSEEN,
    NO_BREAK,
    break_point,
    extension_speed_dps,
    is_nordic,
    nordic_reps,
    pike,
    rep_side,
)
from formcheck.analysis.pipeline import analyze_pose
from formcheck.config import NordicConfig
from formcheck.io.landmarks import load_pose
from formcheck.report.html.page import to_html
from formcheck.report.json_report import to_dict
from formcheck.report.text_report import to_text
from formcheck.types import Channel, Rep, ViewEstimate
from test_live_analysis import feed

HERE = Path(__file__).parent / "data"
RENDERS15 = HERE / "renders15"
PIKED = "nordic_pike40_break50_b32_y75_p5"
PIKED_EARLY = "nordic_pike25_break30_b31_y-90_p20"
STRAIGHT = "nordic_straight_break30_b32_y-75_p10"
EASED = HERE / "renders14" / "nordic_b24_y-90_p25_neutral.pose.npz"  # no pike, no break
CFG = NordicConfig()
SIDE = ViewEstimate("side", 88.0, 1, {})

# ------------------------------------------------------------------ synthetic lowerings

FPS = 30.0
FALL_S = 0.45  # as tools/synth/motion.py NORDIC_FALL_S
FALL_TO = 75.0  # the lean the fall ends at


def lowering(break_lean: float | None, pike_deg: float = 0.0, ecc_s: float = 3.0, rest_s: float = 1.0,
             jitter_deg: float = 0.0, seed: int = 0):
    """A kneeling Nordic's lowering as motion.nordic_theta renders it: the knee-to-head line leans
    forward at a steady speed to ``break_lean`` and then falls, accelerating, to FALL_TO in the
    last FALL_S (or, with ``break_lean`` None, eases to 65 deg and stops); knee flexion 90 - lean;
    the hips flex ``pike_deg`` x lean / 65. Returns t_s, knee, hip, the truth break time and the
    knee there, and the rep (its turn at the bottom)."""
    t = np.arange(0, rest_s + ecc_s + 0.5, 1 / FPS)
    x = np.clip((t - rest_s) / ecc_s, 0, 1)
    if break_lean is None:
        theta = 65.0 * (1 - np.cos(np.pi * x)) / 2
        t_break = knee_break = float("nan")
    else:
        xb = 1 - FALL_S / ecc_s
        v = break_lean / (xb * ecc_s)
        tau = np.clip(x - xb, 0, None) * ecc_s
        acc = 2.0 * (FALL_TO - break_lean - v * FALL_S) / FALL_S**2
        theta = np.where(x < xb, break_lean * x / xb, break_lean + v * tau + 0.5 * acc * tau**2)
        t_break, knee_break = rest_s + xb * ecc_s, 90.0 - break_lean
    knee = 90.0 - theta
    hip = 5.0 + pike_deg * np.clip(theta / 65.0, 0, 1)
    if jitter_deg:
        rng = np.random.default_rng(seed)
        knee = knee + rng.normal(0, jitter_deg, len(t))
        hip = hip + rng.normal(0, jitter_deg, len(t))
    i0 = int(np.searchsorted(t, rest_s))
    i_turn = int(np.searchsorted(t, rest_s + ecc_s))
    rep = Rep(1, i0, i_turn, len(t) - 1, float(t[i0]), float(t[i_turn]), float(t[-1]), float(np.ptp(knee)))
    return t, knee, hip, t_break, knee_break, rep


def channel(values: np.ndarray, conf: tuple[float, float] = (1.0, 1.0)) -> Channel:
    v = np.stack([values, values], axis=1)
    c = np.tile(np.asarray(conf, float), (len(values), 1))
    return Channel(v, c, np.zeros(v.shape, np.uint8), "image")


def test_extension_speed_is_read_from_timestamps_not_frame_counts() -> None:
    """The same straightening at 20 deg/s sampled at 30 fps, at 60 fps and at an uneven rate."""
    for t in (np.arange(0, 2, 1 / 30), np.arange(0, 2, 1 / 60), np.cumsum(np.r_[0, np.tile([0.02, 0.05], 30)])):
        speed = extension_speed_dps(t, 90.0 - 20.0 * t, 0.3)
        assert np.nanmax(np.abs(speed - 20.0)) < 1e-9
    knee = 90.0 - 20.0 * np.arange(0, 2, 1 / 30)
    knee[10:13] = np.nan  # missing samples stay out of the fit, they are not 0
    assert np.isnan(extension_speed_dps(np.arange(0, 2, 1 / 30), knee, 0.3)[11])


@pytest.mark.parametrize("break_lean", [30.0, 50.0])
@pytest.mark.parametrize("jitter_deg", [0.0, 1.0])
def test_break_point_is_where_the_steady_lowering_turns_into_a_fall(break_lean: float, jitter_deg: float) -> None:
    t, knee, _, t_break, knee_break, rep = lowering(break_lean, jitter_deg=jitter_deg)
    speed = extension_speed_dps(t, knee, CFG.speed_window_s)
    at, when, controlled, fall, reason = break_point(t, knee, speed, rep.i_start, rep.i_turn, CFG)
    assert reason == ""
    assert abs(at - knee_break) <= 5.0, (at, knee_break)
    assert abs(when - t_break) <= 0.25
    steady = break_lean / (3.0 - FALL_S)
    assert abs(controlled - steady) <= 0.3 * steady
    assert fall > 2 * controlled


def test_an_eased_lowering_to_the_bottom_has_no_break_point() -> None:
    for jitter_deg in (0.0, 1.0):
        t, knee, _, _, _, rep = lowering(None, jitter_deg=jitter_deg)
        speed = extension_speed_dps(t, knee, CFG.speed_window_s)
        at, when, controlled, fall, reason = break_point(t, knee, speed, rep.i_start, rep.i_turn, CFG)
        assert np.isnan(at) and np.isnan(when) and np.isnan(fall)
        assert reason == NO_BREAK and np.isfinite(controlled)


def test_an_unseen_knee_gives_no_break_point_with_the_reason() -> None:
    t, knee, hip, _, _, rep = lowering(30.0)
    knee[:] = np.nan
    x = nordic_reps(t, channel(knee), channel(hip), [rep], SIDE, CFG)[0]
    assert np.isnan(x.break_knee_deg) and "not seen" in x.reason
    assert np.isfinite(x.pike_deg)  # the hips were seen: the pike is still judged


def test_a_knee_lost_at_the_bottom_is_not_called_a_controlled_lowering() -> None:
    t, knee, hip, _, _, rep = lowering(None)
    conf = np.ones((len(t), 2))
    conf[rep.i_turn - 5 :] = 0.3
    knee_ch = Channel(np.stack([knee, knee], 1), conf, np.zeros((len(t), 2), np.uint8), "image")
    x = nordic_reps(t, knee_ch, channel(hip), [rep], SIDE, CFG)[0]
    assert x.reason == BOTTOM_UNSEEN


@pytest.mark.parametrize("pike_deg", [0.0, 25.0, 40.0])
def test_pike_is_the_hip_flexion_past_kneeling_tall(pike_deg: float) -> None:
    t, knee, hip, _, _, rep = lowering(30.0, pike_deg=pike_deg, jitter_deg=0.5)
    most, when, tall, reason = pike(t, hip, knee, rep.i_start, rep.i_turn, CFG)
    # kneeling tall is read over the knee's first 5% of travel, where this pike has begun (~1 deg),
    # and the most is the level held 0.3 s, where the fall reaches the full pike only at its end
    assert reason == "" and abs(tall - 5.0) < 2.0
    assert abs(most - pike_deg) <= 4.0
    x = nordic_reps(t, channel(knee), channel(hip), [rep], SIDE, CFG)[0]
    assert x.piked == (pike_deg > 0)


def test_the_far_side_guessed_near_the_floor_is_not_read() -> None:
    """Side-on the far leg is hidden; its hip read 100 deg off must not make a pike."""
    t, knee, hip, _, _, rep = lowering(30.0)
    far = hip.copy()
    far[rep.i_turn - 8 : rep.i_turn] += 100.0
    conf = np.tile([0.95, 0.35], (len(t), 1))
    hip_ch = Channel(np.stack([hip, far], 1), conf, np.zeros((len(t), 2), np.uint8), "image")
    assert rep_side(conf, rep.i_start, rep.i_turn, CFG) == 0
    assert rep_side(np.tile([0.6, 0.4], (len(t), 1)), rep.i_start, rep.i_turn, CFG) is None  # oblique
    x = nordic_reps(t, channel(knee), hip_ch, [rep], SIDE, CFG)[0]
    assert not x.piked and x.pike_deg < 3 and x.hip_side == 0


@pytest.mark.parametrize("view, yaw_deg", [("front", 10.0), ("oblique", 45.0), ("unknown", float("nan"))])
def test_views_far_from_side_on_are_not_judged_and_say_why(view: str, yaw_deg: float) -> None:
    t, knee, hip, _, _, rep = lowering(30.0, pike_deg=40.0)
    x = nordic_reps(t, channel(knee), channel(hip), [rep], ViewEstimate(view, yaw_deg, 0, {}), CFG)[0]
    assert not x.piked and np.isnan(x.pike_deg) and np.isnan(x.break_knee_deg)
    assert f"not judged from an {view} view" in x.reason or f"not judged from a {view} view" in x.reason
    assert x.pike_reason == x.reason
    judged = nordic_reps(t, channel(knee), channel(hip), [rep], ViewEstimate("oblique", 60.0, 0, {}), CFG)[0]
    assert judged.piked and judged.reason == ""


def test_a_lowering_too_short_for_a_nordic_is_not_judged() -> None:
    t, knee, hip, _, _, rep = lowering(30.0, pike_deg=40.0)
    short = Rep(1, rep.i_turn - 5, rep.i_turn, rep.i_end, float(t[rep.i_turn - 5]), rep.turn_s, rep.end_s, 20.0)
    x = nordic_reps(t, channel(knee), channel(hip), [short], SIDE, CFG)[0]
    assert not x.piked and np.isnan(x.break_knee_deg) and "too short" in x.reason
    assert x.reason.startswith("not judged")


def test_only_kneeling_knee_flexion_is_a_nordic() -> None:
    assert is_nordic("knee_flexion", "kneeling")
    assert not is_nordic("knee_flexion", "prone") and not is_nordic("hinge", "kneeling")


# ------------------------------------------------------------------ rendered Nordics, exact truth


def _truth(name: str) -> tuple[list[dict], np.lib.npyio.NpzFile]:
    return json.loads((RENDERS15 / f"{name}.json").read_text())["reps"], np.load(RENDERS15 / f"{name}.truth.npz")


@pytest.fixture(scope="module")
def reports():
    return {n: analyze_pose(load_pose(RENDERS15 / f"{n}.pose.npz")) for n in (PIKED, PIKED_EARLY, STRAIGHT)}


@pytest.mark.parametrize("name", [PIKED, PIKED_EARLY, STRAIGHT])
def test_rendered_nordics_pike_flag_and_break_point_against_truth(reports, name: str) -> None:
    report = reports[name]
    truth, series = _truth(name)
    assert report.posture == "kneeling" and report.family == "knee_flexion"
    assert len(report.nordic) == len(truth) == 2
    for tr, x, s in zip(truth, report.nordic, report.reps):
        assert abs(s.rep.turn_s - tr["turn_s"]) < 0.5
        assert x.piked == (tr["pike_deg_at_turn"] > 0), (x, tr["pike_deg_at_turn"])
        # when the break was found: the rendered knee then is within 5 deg of the rendered break
        knee_then = float(np.interp(x.break_t_s, series["t_s"], series["knee_deg"].mean(axis=1)))
        assert abs(knee_then - tr["break_knee_deg"]) <= 5.0
        # the knee angle reported: within 12 deg (MediaPipe reads this body's knee 11-12 deg low
        # at the break, filmed from 20 deg above: bench/nordic.py splits the error)
        assert abs(x.break_knee_deg - tr["break_knee_deg"]) <= 12.0
    kinds = {f.kind for f in report.faults}
    assert ("nordic_pike" in kinds) == (truth[0]["pike_deg_at_turn"] > 0)


def test_an_eased_rendered_lowering_has_no_pike_and_no_break() -> None:
    report = analyze_pose(load_pose(EASED))
    assert report.nordic and not any(x.piked for x in report.nordic)
    assert all(np.isnan(x.break_knee_deg) and x.reason == NO_BREAK for x in report.nordic)


def test_other_exercises_get_no_nordic_block() -> None:
    report = analyze_pose(load_pose(HERE / "poses" / "kb_deadlift_side_correct_01.pose.npz"))
    assert report.nordic == []
    assert "nordic technique" not in to_text(report)
    assert to_dict(report)["nordic"] is None
    assert 'id="nordic"' not in to_html(report)


# ------------------------------------------------------------------ outputs


def test_text_json_and_html_carry_the_nordic_fields(reports) -> None:
    report = reports[PIKED_EARLY]
    text = to_text(report)
    assert "nordic technique" in text and "rep 1: pike" in text and "break point at knee" in text
    assert "set: hips piked in 2 of 2 reps" in text
    d = json.loads(json.dumps(to_dict(report), allow_nan=False))
    rep = d["reps"][0]["nordic"]
    assert rep["piked"] is True and rep["pike_deg"] > CFG.pike_flag_deg
    assert rep["break_knee_deg"] == pytest.approx(report.nordic[0].break_knee_deg, abs=0.05)
    assert {"break_t_s", "controlled_dps", "fall_dps", "break_reason", "pike_reason"} <= rep.keys()
    assert d["nordic"]["reps_piked"] == [1, 2] and d["nordic"]["pike_flag_deg"] == CFG.pike_flag_deg
    assert any(f["kind"] == "nordic_pike" for f in d["reps"][0]["faults"])
    page = to_html(report)
    assert 'id="nordic"' in page and page.count('class="nordic-rep"') == 2
    assert "<script" not in page.lower() and "piked" in page


def test_no_break_is_null_with_its_reason_in_json() -> None:
    d = to_dict(analyze_pose(load_pose(EASED)))
    rep = d["reps"][0]["nordic"]
    assert rep["break_knee_deg"] is None and rep["break_reason"] == NO_BREAK
    assert d["nordic"]["break_knee_deg_median"] is None


def test_cli_report_of_a_nordic_pose_file(tmp_path: Path) -> None:
    from formcheck.cli import main

    pose = RENDERS15 / f"{PIKED}.pose.npz"
    out, page = tmp_path / "r.json", tmp_path / "r.html"
    run = CliRunner().invoke(main, ["analyze", str(pose), "--json", str(out), "--report", str(page)])
    assert run.exit_code == 0, run.output
    assert "nordic technique" in run.output and "hips piked" in run.output
    d = json.loads(out.read_text())
    assert d["reps"][0]["nordic"]["piked"] is True
    assert 'id="nordic"' in page.read_text()


# ------------------------------------------------------------------ live


@pytest.mark.parametrize("name, piked", [(PIKED_EARLY, True), (STRAIGHT, False)])
def test_live_pike_cue_only_on_the_piked_nordic_and_break_points_said(name: str, piked: bool) -> None:
    live, frames = feed(load_pose(RENDERS15 / f"{name}.pose.npz"))
    sounds = [s for f in frames for s in f.sounds]
    assert ("hips_forward" in sounds) == piked
    assert any(f.view.faults and f.view.faults[0].kind == "nordic_pike" for f in frames) == piked
    breaks = [s for s in sounds if s.startswith("break_")]
    assert breaks, "a break point is said when a rep with a fall ends"
    truth, _ = _truth(name)
    assert all(abs(int(s.split("_")[1]) - truth[0]["break_knee_deg"]) <= 15 for s in breaks)
