"""Live analysis fed one frame at a time agrees with the recorded-set analysis (stored poses, no
model), and its cues fire when they should. The model-driven `formcheck live` is in test_live.py."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import POSES
from formcheck.analysis.cues import (
    ENTER,
    LEAVE,
    CueLimiter,
    Hold,
    ZoneWatcher,
    zone_events,
)
from formcheck.analysis.live import LiveAnalyzer
from formcheck.analysis.one_euro import OneEuroFilter
from formcheck.analysis.pipeline import analyze_pose, working_knees
from formcheck.config import Config, LiveConfig, OneEuroConfig, Zone
from formcheck.errors import InvalidOption
from formcheck.io.landmarks import load_pose
from formcheck.types import PoseCandidate, PoseSequence

RENDERS = Path(__file__).parent / "data" / "renders"
ARCHED = "../renders15/rdl_arched15_b34_y75_p5"  # 2 reps, the lumbar arched 15 deg (suite15)
NEUTRAL = "rdl_y90_p0_b4_neutral_soft_neutral"
ZONE = Zone("semitendinosus", 85.0, 105.0, "")


def candidates(pose: PoseSequence, i: int) -> list[PoseCandidate]:
    if not pose.detected[i]:
        return []
    return [PoseCandidate(pose.xy_px[i], pose.z_px[i], pose.visibility[i], pose.world_m[i],
                          pose.back_offset_px[i])]


def feed(pose: PoseSequence, step: int = 1, **kw) -> tuple[LiveAnalyzer, list]:
    live = LiveAnalyzer(pose.width_px, pose.height_px, Config(), **kw)
    frames = [live.update(float(pose.t_s[i]), candidates(pose, i)) for i in range(0, len(pose), step)]
    return live, frames


def zone_totals(zones) -> dict[str, float]:
    return {h: sum(z[k].seconds[h] for z in zones for k in range(2)) for h in zones[0][0].seconds}


STORED = sorted(p.name for p in POSES.glob("*.pose.npz"))


# With every other frame dropped, nordic_curl_side_01's second rep ends 1.6 s early live: the
# knee pauses at 85-90 deg, right on the rep-end threshold, and a 2 deg difference in the learned
# rest level decides it. Its rep count still matches; its time over the reps is not compared.
THRESHOLD_PAUSE = {"nordic_curl_side_01.pose.npz"}


# Issue 14: the Nordic, filmed 55 deg off side-on while kneeling, has no fitted angle weights for its
# view and reads the hybrid candidate, whose depth scale live learns from the frames so far: its zone
# seconds over the reps differ from the recorded set's by 20% (semitendinosus 1.0 s live, 0.55 s).
SCALE_LEARNT_LIVE = {"nordic_curl_side_01.pose.npz"}


@pytest.mark.parametrize("name,step", [
    pytest.param(n, step, id=f"{label}-{n}", marks=pytest.mark.xfail(
        strict=True, reason="issue 14: live learns the hybrid reading's depth scale as the set goes"))
    if n in SCALE_LEARNT_LIVE and step == 1 else pytest.param(n, step, id=f"{label}-{n}")
    for step, label in ((1, "every frame"), (2, "every other frame")) for n in STORED])
def test_live_reps_and_zone_times_match_the_recorded_analysis(name: str, step: int) -> None:
    """Reps counted live equal the recorded analysis's, and zone seconds over the reps differ by
    under 12% of the time measured, 15% with every other frame dropped (measured: up to 10.7%: live
    takes a standing knee's zero from the frames so far, 0.3-4 deg off the recorded set's). With
    every frame, reps also start and end within half a second of the recorded ones."""
    pose = load_pose(POSES / name)
    recorded = analyze_pose(pose, Config())
    live, _ = feed(pose, step)
    assert len(live.reps) == len(recorded.reps), name
    if not recorded.reps or (step == 2 and name in THRESHOLD_PAUSE):
        return
    if step == 1:
        for got, want in zip(live.reps, recorded.reps):
            assert abs(got.start_s - want.rep.start_s) < 0.5 and abs(got.end_s - want.rep.end_s) < 0.5
    want_s = {h: sum(z.seconds[h] for z in recorded.zones) for h in recorded.zones[0].seconds}
    got_s = zone_totals(live.rep_zones())
    measured = sum(z.measured_s for z in recorded.zones)
    share = 0.12 if step == 1 else 0.15
    assert sum(abs(got_s[h] - want_s[h]) for h in want_s) < share * measured, (got_s, want_s)


def test_live_family_and_view_settle_on_the_recorded_ones() -> None:
    for name in ("kb_deadlift_side_correct_01", "squat_side_01", "nordic_curl_side_01", "rdl_front_01"):
        pose = load_pose(POSES / f"{name}.pose.npz")
        recorded = analyze_pose(pose, Config())
        live, frames = feed(pose)
        assert live.family == recorded.family and frames[-1].family == recorded.family, name
        assert live.view.view == recorded.view.view, name


def test_frames_show_the_rep_under_way_and_reps_done() -> None:
    pose = load_pose(POSES / "kb_deadlift_side_correct_01.pose.npz")
    live, frames = feed(pose)
    done = [f.view.reps_done for f in frames]
    assert done == sorted(done) and done[-1] == 10  # the count never goes back once standing
    r = live.reps[4]
    mid = next(f for f in frames if f.view.t_s >= (r.start_s + r.turn_s) / 2)
    assert mid.view.rep == 5 and mid.view.phase == "eccentric" and mid.view.phase_word == "lowering"
    back = next(f for f in frames if f.view.t_s >= (r.turn_s + r.end_s) / 2)
    assert back.view.rep == 5 and back.view.phase == "concentric"
    # the low back is judged inside reps (and at lockout), never in the walk-in before the first rep
    assert any(f.view.back.state for f in frames if f.view.rep)
    assert not any(f.view.back.state for f in frames if f.view.reps_done == 0 and f.view.rep == 0)


def test_unseen_lifter_gives_missing_values_not_zeros_and_one_lost_cue() -> None:
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    live = LiveAnalyzer(pose.width_px, pose.height_px, Config())
    frames = [live.update(float(pose.t_s[i]), candidates(pose, i)) for i in range(60)]
    t = float(pose.t_s[59])
    gone = [live.update(t + 0.04 * k, []) for k in range(1, 150)]  # 6 s with nobody in view
    assert frames[-1].view.detected and not gone[0].view.detected
    assert np.isnan(gone[20].view.knee_deg).all() and np.isnan(gone[20].view.xy_px).all()
    lost = [f for f in gone if "lost" in f.sounds]
    assert len(lost) == 1  # said once, not every frame
    assert abs(lost[0].view.t_s - (t + Config().live.lost_after_s)) < 0.1
    assert gone[-1].cue == "" and lost[0].cue == "lost"


def _rep_spans(clip: str) -> list[tuple[float, float]]:
    meta = json.loads((RENDERS / f"{clip}.mp4").with_suffix(".json").read_text())
    reps = meta["reps"] if isinstance(meta["reps"], list) else eval(meta["reps"])
    return [(r["start_s"], r["end_s"]) for r in reps]


def test_arched_back_is_cued_in_the_rep_and_a_neutral_back_never() -> None:
    """Rendered RDLs with a known 15 deg lumbar arch (tools/synth): "ribs down" sounds during an
    arched rep and the fault banner shows in every arched rep; none of it on a neutral back."""
    arched, frames = feed(load_pose(RENDERS / f"{ARCHED}.pose.npz"))
    spans = _rep_spans(ARCHED)
    said = [f.view.t_s for f in frames if "ribs_down" in f.sounds]
    assert said and all(any(a <= t <= b for a, b in spans) for t in said)
    for a, b in spans:
        assert any(f.view.faults and f.view.faults[0].kind == "lumbar_extension"
                   for f in frames if a <= f.view.t_s <= b), (a, b)
    assert any(f.cue == "ribs_down" for f in frames)
    _, frames = feed(load_pose(RENDERS / f"{NEUTRAL}.pose.npz"))
    assert not any("ribs_down" in f.sounds or f.view.faults for f in frames)


def test_target_zone_tones_match_the_recorded_knee_crossings() -> None:
    """With a target, the live tones come where the same rule puts them on the recorded
    analysis's knee angle (within 0.25 s), one tone per crossing."""
    pose = load_pose(POSES / "kb_deadlift_side_correct_01.pose.npz")
    cfg = Config()
    recorded = analyze_pose(pose, cfg)
    knee = working_knees(recorded.measures.knee_deg.values, cfg.reps.min_range_deg)
    zone = next(z for z in cfg.zones if z.head == "biceps_femoris_short")
    want = zone_events(recorded.measures.t_s, knee, zone, cfg.live.zone_margin_deg, cfg.live.zone_dwell_s)
    _, frames = feed(pose, target="biceps_femoris_short")
    got = [(f.view.t_s, s) for f in frames for s in f.sounds if s in (ENTER, LEAVE)]
    assert len(want) >= 10  # the knee passes through this zone in every rep
    assert abs(len(got) - len(want)) <= 2
    matched = sum(any(k == kk and abs(t - tt) <= 0.25 for tt, kk in got) for t, k in want)
    assert matched >= len(want) - 2
    assert [k for _, k in got][:2] == [ENTER, LEAVE]  # they alternate
    assert all(a != b for (_, a), (_, b) in zip(got, got[1:]))


def test_toe_cue_for_the_target_head() -> None:
    """Toes turned out while training the semis: "toes in for the semis" during a rep."""
    pose = load_pose(POSES / "deadlift_front_01.pose.npz")
    recorded = analyze_pose(pose, Config())
    assert recorded.toe_bias == "out"  # this lifter's toes point out (13-21 deg)
    _, frames = feed(pose, target="semitendinosus")
    assert any("toes_in" in f.sounds for f in frames)
    _, frames = feed(pose, target="biceps_femoris_long")  # out is right for the biceps
    assert not any(s in ("toes_in", "toes_out") for f in frames for s in f.sounds)


def test_no_toe_cue_where_the_feet_disagree_at_an_oblique_view() -> None:
    """Hips 38 deg from facing the camera, the left foot reads +16..+18 deg and the right -2..-4
    (issue 14): their mean (+7) once cued "toes in" for the semis from one foot."""
    pose = load_pose(POSES / "rdl_front_01.pose.npz")
    _, frames = feed(pose, target="semitendinosus")
    assert not any(s in ("toes_in", "toes_out") for f in frames for s in f.sounds)


def test_bad_target_or_exercise_is_refused() -> None:
    with pytest.raises(InvalidOption, match="target"):
        LiveAnalyzer(360, 640, target="quads")
    with pytest.raises(InvalidOption, match="exercise"):
        LiveAnalyzer(360, 640, exercise="bench")


def test_time_must_increase() -> None:
    live = LiveAnalyzer(360, 640)
    live.update(1.0, [])
    with pytest.raises(ValueError, match="increase"):
        live.update(1.0, [])


# ---------------------------------------------------------------- the pieces


def test_one_euro_smooths_rest_jitter_and_follows_movement() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(0, 4, 1 / 30)
    still = 20 + rng.normal(0, 1.5, t.size)
    f = OneEuroFilter(1)
    out = np.array([f.update(x, y)[0] for x, y in zip(t, still)])
    assert np.std(out[30:]) < 0.6 * np.std(still[30:])
    ramp = 100 * np.clip(t - 1, 0, 1)  # 100 deg/s for a second
    f = OneEuroFilter(1)
    out = np.array([f.update(x, y)[0] for x, y in zip(t, ramp)])
    lag_deg = np.max(ramp - out)
    assert lag_deg < 6.0  # under 60 ms behind at 100 deg/s


def test_one_euro_keeps_nan_and_restarts_after_a_gap() -> None:
    f = OneEuroFilter(2, OneEuroConfig(max_gap_s=0.3))
    assert np.allclose(f.update(0.0, [10.0, np.nan]), [10.0, np.nan], equal_nan=True)
    f.update(0.1, [12.0, 5.0])
    assert np.isnan(f.update(0.2, [np.nan, 5.0])[0])
    assert f.update(1.0, [50.0, 5.0])[0] == 50.0  # 0.9 s later: no stale state dragged in
    with pytest.raises(ValueError, match="min_cutoff_hz"):
        OneEuroConfig(min_cutoff_hz=0)


def test_zone_watcher_hysteresis_gives_one_tone_per_visit() -> None:
    t = np.arange(0, 3, 0.02)
    y = np.where(t < 1, 70.0, np.where(t < 2, 86.0, 70.0))
    edge = (t > 1.3) & (t < 1.7)
    y[edge] = np.where(np.arange(edge.sum()) % 2, 84.5, 85.5)  # hovering on the edge, inside the margin
    ev = zone_events(t, y, ZONE, margin_deg=1.5, dwell_s=0.1)
    assert [k for _, k in ev] == [ENTER, LEAVE]
    assert abs(ev[0][0] - 1.1) < 0.03 and abs(ev[1][0] - 2.0) < 0.03
    w = ZoneWatcher(ZONE, 1.5, 0.1)
    assert w.update(0.0, np.nan) is None and not w.inside


def test_cue_limiter_drops_nagging_repeats() -> None:
    cfg = LiveConfig(cue_repeat_s=6.0, cue_gap_s=2.5, tone_gap_s=0.25)
    lim = CueLimiter(cfg)
    assert lim.allow("ribs_down", 0.0)
    assert not lim.allow("ribs_down", 3.0)  # same cue too soon
    assert not lim.allow("squat", 1.0)  # any cue too soon
    assert lim.allow("squat", 2.6)
    assert lim.allow("ribs_down", 6.1)
    assert lim.allow(ENTER, 6.1) and not lim.allow(ENTER, 6.2) and lim.allow(LEAVE, 6.2)


def test_hold_counts_only_after_its_time() -> None:
    h = Hold(0.3)
    assert not h.update(0.0, True) and not h.update(0.2, True) and h.update(0.31, True)
    assert not h.update(0.4, False) and not h.update(0.5, True)
