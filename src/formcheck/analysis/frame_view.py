"""One frame's slice of the analysis, in the shape the annotators draw from.

Pure numpy (no cv2, no mediapipe): the annotated video and a live window build the same
``FrameView`` and hand it to the same annotators, and tests can make one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.analysis.zones import zone_of
from formcheck.config import ZONES, BackConfig, Zone
from formcheck.skeleton import N_LANDMARKS
from formcheck.types import BACK_STATE_OF_CODE, BackCall, Fault, PoseSequence, Report
from formcheck.vocab import PHASE_WORDS


@dataclass(frozen=True)
class BackGauge:
    """The low back at one frame, as the gauge shows it (analysis/back.py).

    ``state`` is "extended", "neutral" or "flexed" where this frame was judged, "" elsewhere
    (then the gauge is grey: ``note`` says why, e.g. "not judged" for a set whose back cannot be
    judged, "between reps" for the walk-in or a rest). ``what`` is "arch" in the hinge (the
    lumbar bend past neutral) or "lean" at the top (the trunk behind vertical); ``value_deg`` is
    that value, + = extension, NaN when not measured; the flags are its thresholds."""

    state: str = ""
    what: str = ""
    value_deg: float = float("nan")
    ext_flag_deg: float = float("nan")
    flex_flag_deg: float = float("nan")
    note: str = "not judged"


@dataclass(frozen=True)
class FrameView:
    """What the analysis says about frame ``index``; every annotator draws from this alone.

    Sides are (left, right), the lifter's own. Missing values are NaN (angles) or "" (zone head),
    never 0, so a gauge can tell "straight knee" from "not measured".
    """

    index: int
    t_s: float
    xy_px: np.ndarray  # (N_LANDMARKS, 2) image landmarks in pixels of the frame drawn on; NaN if not found
    visibility: np.ndarray  # (N_LANDMARKS,) 0..1; 0 where not found
    detected: bool  # the lifter was found in this frame
    knee_deg: tuple[float, float]  # knee flexion per leg, 0 = straight
    knee_head: tuple[str, str]  # the hamstring head whose zone each knee is in, "" for none
    zones: tuple[Zone, ...]  # the zone windows the report was scored with
    toe_deg: tuple[float, float]  # toe rotation per foot, + = out
    back: BackGauge  # the low back's state and the value that judged it
    rep: int  # 1-based rep this frame belongs to, 0 outside reps
    phase: str  # "eccentric", "concentric" or "" outside reps
    reps_done: int  # reps completed by this frame
    faults: tuple[Fault, ...]  # faults whose time span covers t_s
    view: str  # "side", "front", "oblique" or "unknown"

    def __post_init__(self) -> None:
        if self.xy_px.shape != (N_LANDMARKS, 2):
            raise ValueError(f"xy_px: expected shape ({N_LANDMARKS}, 2), got {self.xy_px.shape}")
        if self.visibility.shape != (N_LANDMARKS,):
            raise ValueError(f"visibility: expected shape ({N_LANDMARKS},), got {self.visibility.shape}")

    @property
    def phase_word(self) -> str:
        """The phase as a lifter says it: "lowering", "lifting" or "rest"."""
        return PHASE_WORDS.get(self.phase, self.phase)

    def scaled(self, sx: float, sy: float) -> FrameView:
        """The same view with landmarks scaled, for a frame of another size than the pose's."""
        xy = self.xy_px * np.array([sx, sy], dtype=self.xy_px.dtype)
        return replace(self, xy_px=xy)


def _value(arr: np.ndarray, i: int, default: float = float("nan")) -> float:
    """arr[i] as a float, ``default`` past the end (a report shorter than the video)."""
    return float(arr[i]) if 0 <= i < len(arr) else default


def _pair(arr: np.ndarray, i: int) -> tuple[float, float]:
    """Row i of an (n, 2) per-side array, NaN past the end."""
    if 0 <= i < len(arr):
        return float(arr[i, 0]), float(arr[i, 1])
    return float("nan"), float("nan")


def reps_done_at(report: Report, i: int) -> int:
    """Reps whose last frame is at or before frame i."""
    return sum(1 for s in report.reps if s.rep.i_end <= i)


def faults_at(faults: list[Fault] | tuple[Fault, ...], t_s: float) -> tuple[Fault, ...]:
    """Faults whose [start_s, end_s] span covers t_s (a set-level fault counts at every time)."""
    if not np.isfinite(t_s):
        return ()
    return tuple(f for f in faults if f.start_s <= t_s <= f.end_s)


def back_gauge(call: BackCall | None, i: int, cfg: BackConfig, in_rep: bool) -> BackGauge:
    """Frame ``i``'s low back for the gauge (see BackGauge)."""
    if call is None or not call.judged or call.frames is None:
        return BackGauge(note="not judged")
    f = call.frames
    if not 0 <= i < len(f.state) or not np.isfinite(f.state[i]):
        return BackGauge(note="in the rep" if in_rep else "between reps")
    code = int(f.state[i])
    state = BACK_STATE_OF_CODE[code]
    if f.hinge[i]:
        return BackGauge(state, "arch", float(f.value_deg[i]), cfg.extended_deg, cfg.flexed_deg, "")
    return BackGauge(state, "lean", float(f.value_deg[i]), cfg.lean_back_deg, float("nan"), "")


def frame_view(
    report: Report, pose: PoseSequence, i: int, back: BackConfig | None = None
) -> FrameView:
    """The analysis of frame ``i`` (pose and report index i). Raises IndexError past the pose.

    Report arrays shorter than the pose (never expected, but a video and its report can disagree)
    read as missing rather than failing. ``back`` gives the low back's thresholds (defaults).
    """
    if not 0 <= i < len(pose):
        raise IndexError(f"frame {i} is outside the pose's {len(pose)} frames")
    back = back or BackConfig()
    zones = tuple(report.zone_defs) or ZONES
    m = report.measures
    knee = _pair(m.knee_deg.values, i)
    heads = zone_of(np.array(knee), zones)
    t_s = float(pose.t_s[i])
    return FrameView(
        index=i,
        t_s=t_s,
        xy_px=np.asarray(pose.xy_px[i], dtype=np.float32),
        visibility=np.asarray(pose.visibility[i], dtype=np.float32),
        detected=bool(pose.detected[i]),
        knee_deg=knee,
        knee_head=(str(heads[0]), str(heads[1])),
        zones=zones,
        toe_deg=_pair(m.toe_deg.values, i),
        back=back_gauge(report.back, i, back, int(_value(report.rep_of_frame, i, 0)) > 0),
        rep=int(_value(report.rep_of_frame, i, 0)),
        phase=str(report.phase_of_frame[i]) if i < len(report.phase_of_frame) else "",
        reps_done=reps_done_at(report, i),
        faults=faults_at(report.faults, t_s),
        view=report.view.view,
    )
