"""The Python API: ``formcheck.analyze(path) -> Report``. The CLI is a thin layer over this, and
over formcheck.outputs (writing the report, page, video and pose files) and formcheck.live.

Heavy imports (OpenCV, MediaPipe) happen inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from formcheck.analysis.frame_fill import fill_frames
from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.tracking import build_sequence
from formcheck.config import Config
from formcheck.errors import Interrupted, NoPersonFound
from formcheck.io.landmarks import is_pose_file, load_pose
from formcheck.types import PoseSequence, Report

if TYPE_CHECKING:
    from formcheck.pose.runner import Detections

Progress = Callable[[int, int], None]  # (frames done, frames expected or -1)


def estimate_pose_frames(
    frames: Iterable[tuple[float, np.ndarray]],
    width_px: int,
    height_px: int,
    cfg: Config,
    source: str = "",
    progress: Progress | None = None,
    expected: int = -1,
) -> tuple[PoseSequence, bool]:
    """Run the pose model over (t_s, frame_bgr) pairs and keep the lifter's track.

    Returns the sequence and whether Ctrl-C stopped it early (what was measured is kept).
    """
    from formcheck.pose.runner import detect_frames

    found = detect_frames(frames, (width_px, height_px), cfg.pose, progress, expected)
    return _tracked(found, width_px, height_px, cfg, source), found.interrupted


def _tracked(found: Detections, width_px: int, height_px: int, cfg: Config, source: str) -> PoseSequence:
    """The lifter's PoseSequence from what the pose model found, noting a Ctrl-C."""
    pose = build_sequence(
        found.t_s, found.candidates, width_px, height_px, cfg.track, cfg.pose.outline_levels, source,
        found.layout, found.damaged,
    )
    if found.frame_t_s is not None:  # posed at pose_hz: the frames between, interpolated
        pose = fill_frames(pose, found.frame_t_s)
    if found.interrupted:
        pose.notes.append(f"stopped by the user after {len(pose)} frames")
    return pose


@dataclass
class PoseRun:
    """The lifter's pose for a video file, and how the run over it ended."""

    pose: PoseSequence
    ended_early: bool = False  # the file broke off before its end; the pose covers what decoded
    interrupted: bool = False  # Ctrl-C (or SIGTERM, in the CLI) stopped it; the frames posed are kept


def pose_video(
    path: str | Path,
    cfg: Config | None = None,
    progress: Progress | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> PoseRun:
    """Pose for a whole video file, and whether it broke off or was interrupted.

    The frames are posed by two landmarkers in two threads when the machine has two cores, with
    the same result as one (pose/runner.py)."""
    from formcheck.pose.runner import detect_video

    cfg = cfg or Config()
    found = detect_video(path, cfg.pose, progress, transform)
    info = found.info
    pose = _tracked(found, info.width_px, info.height_px, cfg, str(path))
    if found.ended_early:
        pose.notes.append(
            f"the video broke off after {len(pose)} of {info.n_frames_nominal} frames; "
            "this report covers what was decoded"
        )
    return PoseRun(pose, found.ended_early, found.interrupted)


def estimate_pose(
    path: str | Path,
    cfg: Config | None = None,
    progress: Progress | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[PoseSequence, bool]:
    """Pose for a whole video file. Returns the sequence and whether it stopped before the
    video's end (the file broke off, or Ctrl-C): :func:`pose_video` tells the two apart."""
    run = pose_video(path, cfg, progress, transform)
    return run.pose, run.ended_early or run.interrupted


def analyze_with_pose(
    path: str | Path,
    *,
    exercise: str | None = None,
    model: str | Path | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[Report, PoseSequence]:
    """Like :func:`analyze`, also returning the tracked pose (to save or re-analyse).

    After a Ctrl-C the frames posed so far are analysed (``report.interrupted``); raises
    Interrupted instead when they are too few to analyse."""
    cfg = config or Config()
    if model is not None:
        cfg = replace(cfg, pose=replace(cfg.pose, model_path=Path(model)))
    if is_pose_file(path):
        run = PoseRun(load_pose(path))
    else:
        run = pose_video(path, cfg, progress, transform)
    try:
        report = analyze_pose(run.pose, cfg, exercise)
    except NoPersonFound as exc:
        if not run.interrupted:
            raise
        raise Interrupted(
            f"interrupted after {_seconds(run.pose):.1f} s of {path} ({len(run.pose)} frames), too "
            "soon to analyse; nothing was written"
        ) from exc
    report.truncated = run.ended_early
    report.interrupted = run.interrupted
    return report, run.pose


def _seconds(pose: PoseSequence) -> float:
    """Seconds of video posed (first to last frame)."""
    return float(pose.t_s[-1] - pose.t_s[0]) if len(pose) > 1 else 0.0


def analyze(
    path: str | Path,
    *,
    exercise: str | None = None,
    model: str | Path | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Report:
    """Analyse a recorded set: a video file, or a ``.pose.npz`` file saved by ``formcheck pose``.

    ``exercise`` forces the movement family ("hinge", "squat", "knee_flexion"); ``transform`` is
    applied to every decoded frame (tests use it to mirror or downscale).
    """
    return analyze_with_pose(
        path, exercise=exercise, model=model, config=config, progress=progress, transform=transform
    )[0]
