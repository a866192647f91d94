"""Losses that used to go unsaid (issue 12, finding 3): a lifter who leaves the frame, people
too small to pose, and the first seconds of a file played live while the model loaded."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import POSES
from formcheck.analysis.pipeline import absence_warnings, analyze_pose
from formcheck.analysis.tracking import TOO_SMALL, build_sequence
from formcheck.config import Config, ScoreConfig, TrackConfig
from formcheck.errors import NoPersonFound
from formcheck.io.landmarks import load_pose
from formcheck.types import PoseCandidate, PoseSequence

VIDEO = Path(__file__).resolve().parents[1] / "samples" / "synthetic_rdl_side.mp4"


def _without_lifter(pose: PoseSequence, lost: np.ndarray) -> PoseSequence:
    xy = pose.xy_px.copy()
    xy[lost] = np.nan
    vis = pose.visibility.copy()
    vis[lost] = 0.0
    return replace(pose, xy_px=xy, visibility=vis, notes=[])


def test_a_lifter_who_walks_out_half_way_is_warned_about() -> None:
    """Found in 54% of frames: it analysed the rest and said nothing of the missing half."""
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    t = pose.t_s - pose.t_s[0]
    gone = t >= 0.5 * t[-1]
    report = analyze_pose(_without_lifter(pose, gone), Config())
    said = [w for w in report.warnings if "out of view" in w]
    assert len(said) == 1, report.warnings
    assert f"{t[gone][0] + pose.t_s[0]:.1f}-" in said[0]  # the span is named


def test_short_dropouts_are_not_warned_about() -> None:
    """A few frames lost here and there (a bar across the body) is not a lifter walking out."""
    t = np.arange(300) / 30.0
    seen = np.ones(300, dtype=bool)
    seen[50:70] = seen[150:170] = seen[250:270] = False  # three 0.67-s gaps: 20% of the clip
    assert absence_warnings(t, seen, ScoreConfig()) == []
    seen[100:140] = False  # and one of 1.3 s: only the long one is named, 13% < 15%
    assert absence_warnings(t, seen, ScoreConfig()) == []
    seen[180:220] = False  # two long ones: 2.7 s, 27% of the clip
    warned = absence_warnings(t, seen, ScoreConfig())
    assert len(warned) == 1 and "3.3-4.7 s, 6.0-7.3 s" in warned[0], warned


def _candidates(pose: PoseSequence, scale: float) -> list[list[PoseCandidate]]:
    """The stored lifter, as the model would find them in a frame ``scale`` times the size."""
    return [
        [PoseCandidate(pose.xy_px[f] * scale, pose.z_px[f] * scale, pose.visibility[f], pose.world_m[f],
                       pose.back_offset_px[f] * scale)]
        if pose.detected[f] else []
        for f in range(len(pose))
    ]


def test_people_too_small_to_pose_are_refused() -> None:
    """An 8x8-px video "found" a lifter in half its frames and exited 0."""
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    scale = 8.0 / max(pose.width_px, pose.height_px)
    w, h = max(1, round(pose.width_px * scale)), max(1, round(pose.height_px * scale))
    seq = build_sequence(pose.t_s, _candidates(pose, scale), w, h, TrackConfig(), pose.back_offset_px.shape[1])
    assert not seq.detected.any()
    with pytest.raises(NoPersonFound, match=TOO_SMALL):
        analyze_pose(seq, Config())


def test_a_small_lifter_is_analysed_with_a_warning() -> None:
    pose = load_pose(POSES / "squat_side_01.pose.npz")
    from formcheck.analysis.tracking import height_px

    tall = np.nanmedian([height_px(c[0], pose.width_px, pose.height_px) for c in _candidates(pose, 1.0) if c])
    scale = 50.0 / tall  # a 50-px lifter: posable, with about twice the error
    w, h = round(pose.width_px * scale), round(pose.height_px * scale)
    seq = build_sequence(pose.t_s, _candidates(pose, scale), w, h, TrackConfig(), pose.back_offset_px.shape[1])
    assert seq.detected.mean() == pytest.approx(pose.detected.mean())
    report = analyze_pose(seq, Config())
    assert any("only 5" in w and "px tall" in w for w in report.warnings), report.warnings
    full = build_sequence(pose.t_s, _candidates(pose, 1.0), pose.width_px, pose.height_px, TrackConfig(),
                          pose.back_offset_px.shape[1])
    assert not any("px tall" in n for n in full.notes)


def test_live_source_plays_from_its_first_frame() -> None:
    """A file played live started its clock before the models loaded, so its first ~2 s were
    played to no one (a report of 6.2 s of an 8.5-s clip, the first rep lost). It now starts
    once they are loaded: the first frame processed is the file's first, or one of the next few
    if both landmarkers were busy when it came."""
    from formcheck.live import LiveOptions, run_live

    session = run_live(LiveOptions(source=str(VIDEO), headless=True, mute=True, max_s=1.0))
    assert session.t0_s <= 0.25, session.t0_s
