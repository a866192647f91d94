"""The lifter is kept across frames; a bystander is ignored and never spliced in."""

from __future__ import annotations

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
