"""Every default in one place. Other modules take these records as arguments, never read globals.

Angles are degrees, durations seconds. ``Config.replace_path("reps.min_duration_s", 0.5)``-style
overrides are not offered on purpose: change a field with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL_NAME = "pose_landmarker_full.task"


@dataclass(frozen=True)
class Zone:
    """A knee-flexion window where one hamstring head has its best leverage (DOMAIN.md)."""

    head: str
    lo_deg: float
    hi_deg: float
    label: str


# Peak moment arms (Beardsley 2018, via the article): semimembranosus at full extension, biceps
# femoris long head 50-60, short head 70-80, semitendinosus 90-100 deg of knee flexion. Each zone
# is the peak window widened by 5 deg either side; angles between zones count as "no zone".
ZONES: tuple[Zone, ...] = (
    Zone("semimembranosus", -30.0, 15.0, "semimembranosus (knee ~straight)"),
    Zone("biceps_femoris_long", 45.0, 65.0, "biceps femoris long head (50-60 deg)"),
    Zone("biceps_femoris_short", 65.0, 85.0, "biceps femoris short head (70-80 deg)"),
    Zone("semitendinosus", 85.0, 105.0, "semitendinosus (90-100 deg)"),
)


@dataclass(frozen=True)
class PoseConfig:
    model_path: Path | None = None  # None: the bundled models/pose_landmarker_full.task
    num_poses: int = 2  # look for a second person so a bystander is never spliced in
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    segmentation: bool = True  # masks feed the back-outline (lumbar) measure
    outline_levels: int = 9  # rows sampled along the trunk for the back outline


@dataclass(frozen=True)
class TrackConfig:
    max_jump_body: float = 0.6  # a match may move at most this many torso lengths between frames
    min_track_s: float = 0.5  # shorter tracks are noise
    max_gap_s: float = 1.0  # a track may vanish this long and resume


@dataclass(frozen=True)
class LinearCorrection:
    """Maps a raw measure onto truth: ``offset_deg + slope * raw``. Fitted on rendered bodies
    with known angles (bench/accuracy.py --fit), never on the bodies it is scored on."""

    offset_deg: float = 0.0
    slope: float = 1.0

    def apply(self, raw_deg):  # noqa: ANN001, ANN201 - floats or arrays alike
        return self.offset_deg + self.slope * raw_deg


# (measure, view) -> correction; measures and views absent here are used raw.
CORRECTIONS: dict[tuple[str, str], LinearCorrection] = {}


@dataclass(frozen=True)
class MeasureConfig:
    min_visibility: float = 0.5  # landmarks below this are treated as unseen
    side_view_min_yaw_deg: float = 60.0  # hip line this far from the image plane: side view
    front_view_max_yaw_deg: float = 25.0  # within this of the image plane: front view
    corrections: dict[tuple[str, str], LinearCorrection] = field(
        default_factory=lambda: dict(CORRECTIONS)
    )


@dataclass(frozen=True)
class SmoothConfig:
    sigma_s: float = 0.04  # Gaussian kernel width in time (zero-phase)
    max_gap_s: float = 0.3  # gaps up to this long are interpolated; longer stay NaN


@dataclass(frozen=True)
class RepConfig:
    enter_frac: float = 0.65  # fraction of the working range that counts as "reached the far end"
    leave_frac: float = 0.30  # back within this fraction of the rest end: the rep is complete
    min_range_deg: float = 25.0  # smaller excursions are not reps
    min_duration_s: float = 0.5
    max_duration_s: float = 20.0
    max_gap_s: float = 0.6  # the lifter lost for longer than this: a rep under way is abandoned


@dataclass(frozen=True)
class ScoreConfig:
    toe_dead_band_deg: float = 5.0  # |toe rotation| within this is "neutral"
    # A rep whose knees bend past squat_knee_deg while the trunk stays within squat_trunk_deg of
    # upright is a squat pattern: the quads, not the hamstrings, did the work.
    squat_knee_deg: float = 100.0
    squat_trunk_deg: float = 40.0
    lumbar_flag_deg: float = 8.0  # arch beyond the lifter's own baseline that raises a flag
    lumbar_min_s: float = 0.2  # ...held at least this long
    min_coverage: float = 0.2  # below this share of frames with a usable pose: no analysis


@dataclass(frozen=True)
class Config:
    pose: PoseConfig = field(default_factory=PoseConfig)
    track: TrackConfig = field(default_factory=TrackConfig)
    measure: MeasureConfig = field(default_factory=MeasureConfig)
    smooth: SmoothConfig = field(default_factory=SmoothConfig)
    reps: RepConfig = field(default_factory=RepConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    zones: tuple[Zone, ...] = ZONES


EXERCISE_FAMILIES = ("hinge", "squat", "knee_flexion")
# what lifters call their exercise -> the family formcheck analyses it as
EXERCISE_ALIASES = {
    "rdl": "hinge", "romanian-deadlift": "hinge", "deadlift": "hinge", "good-morning": "hinge",
    "leg-curl": "knee_flexion", "nordic": "knee_flexion",
}
