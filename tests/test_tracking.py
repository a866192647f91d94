"""The lifter is kept across frames; a bystander is ignored and never spliced in."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.analysis.tracking import build_sequence, select_lifter
from formcheck.config import TrackConfig
from formcheck.types import PoseCandidate
from synthetic import side_view_pose


def _people(n: int, fps: float = 30.0):
    t = np.arange(n) / fps
    phase = np.clip(np.sin(2 * np.pi * t / 3.0), 0, None)
    lifter = side_view_pose(t, 20 + 10 * phase, 10 + 90 * phase)
    bystander = side_view_pose(t, np.full(n, 5.0), np.full(n, 5.0))
    bystander.xy_px[:, :, 0] += 400.0  # standing still further along the frame
    bystander.xy_px[:, :, 1] -= 30.0

    def cand(p, f):
        return PoseCandidate(
            p.xy_px[f], p.z_px[f], p.visibility[f], p.world_m[f], np.full((9, 2), np.nan, np.float32)
        )

    return t, lifter, bystander, cand


def test_lifter_kept_whatever_order_the_detector_lists_people() -> None:
    n = 240
    t, lifter, bystander, cand = _people(n)
    rng = np.random.default_rng(3)
    frames, lifter_at = [], []
    for f in range(n):
        people = [cand(lifter, f), cand(bystander, f)]
        order = rng.permutation(2)
        frames.append([people[i] for i in order])
        lifter_at.append(int(np.flatnonzero(order == 0)[0]))
    picks, notes = select_lifter(t, frames, TrackConfig())
    assert picks == lifter_at
    assert notes and "ignored" in notes[0]


def test_lifter_leaving_frame_is_a_gap_not_the_bystander() -> None:
    n = 240
    t, lifter, bystander, cand = _people(n)
    gone = (t > 3.0) & (t < 5.0)
    frames = [
        ([cand(bystander, f)] if gone[f] else [cand(bystander, f), cand(lifter, f)])
        for f in range(n)
    ]
    seq = build_sequence(t, frames, 1280, 720, TrackConfig(), levels=9)
    assert not seq.detected[gone].any()
    # outside the gap we hold the lifter's hips, not the bystander's
    np.testing.assert_allclose(seq.xy_px[~gone, 23], lifter.xy_px[~gone, 23])
    assert (seq.n_people[gone] == 1).all() and (seq.n_people[~gone] == 2).all()


def test_no_people_gives_an_empty_track() -> None:
    t = np.arange(10) / 30.0
    seq = build_sequence(t, [[] for _ in range(10)], 640, 480, TrackConfig(), levels=9)
    assert not seq.detected.any()
    assert np.isnan(seq.xy_px).all()


def _candidates(pose, f: int, dx: float = 0.0, grow: float = 1.0) -> PoseCandidate:
    """Frame ``f`` of a stored pose as a detection, moved ``dx`` px and scaled about its hips."""
    hips = np.nanmean(pose.xy_px[f, [23, 24]], axis=0)
    xy = (pose.xy_px[f] - hips) * grow + hips + [dx, 0.0]
    return PoseCandidate(
        xy.astype(np.float32), pose.z_px[f], pose.visibility[f], pose.world_m[f], pose.back_offset_px[f]
    )


def test_lone_lifter_the_detector_keeps_losing_is_one_person() -> None:
    """deadlift_side_good_04 (stored detections): the plate hides the knee and the torso reads a
    third of its length, so the detections form three tracks; all are the lifter's."""
    from formcheck.analysis.pipeline import analyze_pose
    from formcheck.config import Config
    from formcheck.io.candidates import load_candidates

    d = load_candidates(Path(__file__).parent / "data" / "candidates" / "deadlift_side_good_04.cands.npz")
    cfg = Config()
    seq = build_sequence(d.t_s, d.candidates, d.width_px, d.height_px, cfg.track, cfg.pose.outline_levels,
                         d.source, d.layout)
    found = sum(len(c) > 0 for c in d.candidates)
    assert seq.detected.sum() == found == 144
    assert not any("ignored" in note for note in seq.notes)
    report = analyze_pose(seq, cfg)
    assert len(report.reps) == 1
    rep = report.reps[0].rep
    # it starts at lockout, lowers from 0.2 s, sets up, lifts 1.8-2.5 s and stays locked out to 3.5 s
    assert rep.start_s <= 0.3 and 2.3 <= rep.end_s <= 3.0


def test_partner_holding_the_ankles_is_not_the_lifter() -> None:
    """A Nordic lifter (stored footage landmarks) the detector loses for 1.2 s in every 2 s,
    and a partner kneeling still behind the ankles, slightly larger and seen in every frame."""
    from formcheck.io.landmarks import load_pose

    nordic = load_pose(Path(__file__).parent / "data" / "poses" / "nordic_curl_side_01.pose.npz")
    t = nordic.t_s
    rest = int(np.flatnonzero(nordic.detected)[0])
    stature = float(np.nanmax(nordic.xy_px[rest, :, 1]) - np.nanmin(nordic.xy_px[rest, :, 1]))
    seen = ((t - t[0]) % 2.0 < 0.8) & nordic.detected
    rng = np.random.default_rng(0)
    frames, lifter_at = [], []
    for f in range(len(t)):
        partner = _candidates(nordic, rest, dx=-0.45 * stature + rng.normal(0, 2), grow=1.1)
        people = [partner] + ([_candidates(nordic, f)] if seen[f] else [])
        frames.append(people)
        lifter_at.append(1 if seen[f] else None)
    picks, notes = select_lifter(t, frames, TrackConfig(), (nordic.width_px, nordic.height_px))
    assert picks == lifter_at
    assert notes and "another person (seen" in notes[0] and "ignored" in notes[0]
