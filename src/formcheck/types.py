"""One record per pipeline stage. Arrays carry their shape and unit in their names.

Stages: VideoInfo (io) -> PoseSequence (pose) -> Measures (analysis.measures) -> Series (smoothed)
-> Rep list (analysis.reps) -> Report (analysis.pipeline).

Conventions: time is ``t_s`` (seconds, from the container's timestamps); side index 0 = left,
1 = right (the lifter's own sides); missing values are NaN, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from formcheck.skeleton import HIP, MEDIAPIPE_POSE, KeypointLayout

SIDES = ("left", "right")


@dataclass(frozen=True)
class VideoInfo:
    """What a video source says about itself, after rotation is applied."""

    source: str  # file path, or "camera:N"
    width_px: int  # frame width as delivered (rotation applied)
    height_px: int
    fps_nominal: float  # container's stated rate; NaN when unknown. Never used for time.
    n_frames_nominal: int  # container's stated frame count; -1 when unknown
    duration_s: float  # stated duration; NaN when unknown
    rotation_deg: int = 0  # rotation metadata the reader applied (0, 90, 180, 270)


@dataclass(frozen=True)
class DamagedSpan:
    """Frames a file holds but that could not be decoded, between ``start_s`` and ``end_s``, the
    frames decoded either side (exclusive; a lone frame decoded amid the damage does not split it).
    With ``frames`` 0 nothing was lost: the frames between decoded with errors concealed, glitched
    (io/decode_errors.py); ``end_s`` is then the keyframe that ends the glitch, or the last frame."""

    start_s: float  # the last frame decoded before the damage (0.0 when the damage opens the file)
    end_s: float  # the first frame decoded after it
    frames: int  # frames lost: failed reads, or the timestamp gap in frame intervals if larger; 0: glitched
    i_next: int  # index of the frame decoded after it (frames delivered before it)


def _check_shape(name: str, arr: np.ndarray, shape: tuple) -> None:
    if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
        raise ValueError(f"{name}: expected shape {shape}, got {arr.shape}")


@dataclass(frozen=True)
class PoseCandidate:
    """One person the pose model found in one frame (before tracking picks the lifter)."""

    xy_px: np.ndarray  # (P, 2) image landmarks in pixels, P points of the backend's layout
    z_px: np.ndarray  # (P,)
    visibility: np.ndarray  # (P,)
    world_m: np.ndarray  # (P, 3)
    back_offset_px: np.ndarray  # (K, 2), NaN without a mask


@dataclass
class PoseSequence:
    """The tracked lifter's landmarks, one row per decoded frame.

    Frames with no lifter have NaN coordinates and zero visibility. ``back_offset_px`` is the
    segmentation mask's outline either side of the trunk axis (pose/outline.py). ``layout`` says
    which P points the arrays hold and which backend and model found them. ``damaged_s`` holds the
    spans of the video that could not be decoded (io/video.py), each strictly between two rows'
    times, with the frames each lost in ``damaged_frames``; empty for an undamaged file.
    """

    t_s: np.ndarray  # (n,) float64 seconds
    xy_px: np.ndarray  # (n, P, 2) float32 image landmarks in pixels
    z_px: np.ndarray  # (n, P) float32 relative image depth, same scale as x (MediaPipe z * width)
    visibility: np.ndarray  # (n, P) float32 in [0, 1]
    world_m: np.ndarray  # (n, P, 3) float32 metres, hip-centred, x right, y down, z away
    back_offset_px: np.ndarray  # (n, K, 2) float32 outline distance each side of the trunk axis
    n_people: np.ndarray  # (n,) int16 people the detector saw in the frame
    width_px: int
    height_px: int
    source: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. "another person was ignored"
    layout: KeypointLayout = MEDIAPIPE_POSE
    damaged_s: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (k, 2) start, end s
    damaged_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # (k,) lost

    def __post_init__(self) -> None:
        n, p = len(self.t_s), self.layout.n
        _check_shape("t_s", self.t_s, (n,))
        _check_shape("xy_px", self.xy_px, (n, p, 2))
        _check_shape("z_px", self.z_px, (n, p))
        _check_shape("visibility", self.visibility, (n, p))
        _check_shape("world_m", self.world_m, (n, p, 3))
        _check_shape("back_offset_px", self.back_offset_px, (n, None, 2))
        _check_shape("n_people", self.n_people, (n,))
        _check_shape("damaged_s", self.damaged_s, (None, 2))
        _check_shape("damaged_frames", self.damaged_frames, (len(self.damaged_s),))
        if n > 1 and np.any(np.diff(self.t_s) <= 0):
            raise ValueError("t_s must be strictly increasing")

    def __len__(self) -> int:
        return len(self.t_s)

    @property
    def detected(self) -> np.ndarray:
        """(n,) bool: frames where the lifter was found."""
        return np.isfinite(self.xy_px[:, HIP[0], 0])


# Why a value is missing. Stored per frame as uint8 codes beside each measure.
REASONS: tuple[str, ...] = (
    "",  # 0: present
    "no person in frame",  # 1
    "joint not visible",  # 2
    "not measurable from this view",  # 3
    "no segmentation mask",  # 4
)
OK, NO_PERSON, NOT_VISIBLE, WRONG_VIEW, NO_MASK = range(len(REASONS))


@dataclass
class Channel:
    """One measure over time: values with a confidence and, where NaN, the reason."""

    values: np.ndarray  # (n,) or (n, 2) per side; NaN where missing
    conf: np.ndarray  # same shape, 0..1: landmark visibility x how far the view can be trusted
    reason: np.ndarray  # same shape, uint8 index into REASONS
    coords: str  # "image" (pixels), "world" (metres, 3-D), "image+world" or "mask"

    def __post_init__(self) -> None:
        if not (self.values.shape == self.conf.shape == self.reason.shape):
            raise ValueError(
                f"values {self.values.shape}, conf {self.conf.shape} and reason "
                f"{self.reason.shape} must share a shape"
            )

    def coverage(self) -> np.ndarray | float:
        """Share of frames with a value (per side for two-sided measures)."""
        if len(self.values) == 0:
            return np.nan
        return np.mean(np.isfinite(self.values), axis=0)


@dataclass(frozen=True)
class ViewEstimate:
    view: str  # "side" | "front" | "oblique" | "unknown"
    yaw_deg: float  # hip line's angle out of the image plane: 0 = facing camera, 90 = side-on
    facing: int  # +1 faces image right, -1 faces image left, 0 unknown (side view only)
    trust: dict[str, float]  # measure name -> 0..1, how far this view supports it
    rear: bool = False  # the camera is behind the lifter (front and oblique views)

    @property
    def label(self) -> str:
        """The view as a lifter reads it: "side", "front", "oblique", "rear", "rear-oblique"."""
        if self.rear and self.view == "front":
            return "rear"
        if self.rear and self.view == "oblique":
            return "rear-oblique"
        return self.view


@dataclass
class Measures:
    """Per-frame measures (docs/DOMAIN.md). Two-sided channels are (n, 2): left, right."""

    t_s: np.ndarray  # (n,)
    knee_deg: Channel  # knee flexion, 0 = straight
    hip_deg: Channel  # hip flexion (hinge), 0 = standing tall
    toe_deg: Channel  # toe rotation from the sagittal plane, + = out (lateral)
    trunk_lean_deg: Channel  # (n,) trunk from vertical in the image, 0 = upright
    arch_deg: Channel  # (n,) back-outline bend, + = concave (lumbar extension), raw
    view: ViewEstimate
    view_bin: str = ""  # the angle model's "view bin:posture group" knee and hip were read at ("": none)

    def channels(self) -> dict[str, Channel]:
        """Every measure by name, in field order: what smoothing, the CSV, the JSON coverage and
        the HTML page iterate over (a measure added as a field here and in vocab.MEASURES shows
        up in all of them)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), Channel)}


@dataclass(frozen=True)
class Rep:
    """One repetition: leave the rest position, reach the far end, come back.

    ``away`` is the half moving from rest to the far end (the lowering half of a hinge, squat or
    Nordic; the curling half of a leg curl), ``back`` the return. Indices are sample indices.
    """

    index: int  # 1-based
    i_start: int
    i_turn: int
    i_end: int
    start_s: float
    turn_s: float
    end_s: float
    rom_deg: float  # range of the rep's driving signal
    partial_start: bool = False  # the clip began mid-rep

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def away_s(self) -> float:
        return self.turn_s - self.start_s

    @property
    def back_s(self) -> float:
        return self.end_s - self.turn_s


@dataclass(frozen=True)
class Fault:
    """Something the lifter should change, with when it happened."""

    kind: str  # "lumbar_extension" | "squatting" | "nordic_pike"
    rep: int | None  # 1-based rep index, None for set-level faults
    start_s: float
    end_s: float
    value_deg: float  # what raised it: deepest knee bend (squatting), median arch past neutral (lumbar)
    message: str


@dataclass(frozen=True)
class LegZones:
    """Seconds in each head's zone for one leg over some span, and the seconds measured."""

    seconds: dict[str, float]  # head -> s
    measured_s: float
    # head -> (low, high) seconds the head likely got, given the angle's error at this view
    # (analysis/zone_error.py); empty when no error model applies (then the range is the value)
    likely_s: dict[str, tuple[float, float]] = field(default_factory=dict)

    def share(self, head: str) -> float:
        return self.seconds[head] / self.measured_s if self.measured_s > 0 else float("nan")

    def likely(self, head: str) -> tuple[float, float]:
        """(low, high) seconds for ``head``: its error-bar range, or the value itself."""
        s = self.seconds[head]
        return self.likely_s.get(head, (s, s))

    @property
    def none_s(self) -> float:
        return max(self.measured_s - sum(self.seconds.values()), 0.0)

    @staticmethod
    def total(parts: list[LegZones], heads: list[str]) -> LegZones:
        return LegZones(
            {h: sum(p.seconds[h] for p in parts) for h in heads},
            sum(p.measured_s for p in parts),
            {h: (sum(p.likely(h)[0] for p in parts), sum(p.likely(h)[1] for p in parts))
             for h in heads} if any(p.likely_s for p in parts) else {},
        )


@dataclass(frozen=True)
class ToeCall:
    """The toes' bias over the set, and what it was read from (analysis/toe_bias.py)."""

    bias: str  # "in" | "neutral" | "out" | "unknown"
    deg: tuple[float, float]  # per foot (left, right), median over the reps; NaN where not measured
    per_foot: bool  # the view is square enough to trust each foot on its own
    reason: str = ""  # why the feet were not judged, in words; "" when judged or simply not seen

    @property
    def pair_deg(self) -> float:
        return self.pair_of(self.deg)

    @staticmethod
    def pair_of(deg: tuple[float, float]) -> float:
        """The mean of both feet; NaN unless both were measured."""
        left, right = deg
        return (left + right) / 2 if np.isfinite(left) and np.isfinite(right) else float("nan")


@dataclass(frozen=True)
class RepScore:
    rep: Rep
    eccentric_s: float
    concentric_s: float
    knee_max_deg: tuple[float, float]  # per leg, deepest knee flexion in the rep
    hip_max_deg: tuple[float, float]
    zones: tuple[LegZones, LegZones]  # left, right
    toe_deg: tuple[float, float]  # median toe rotation per foot, NaN if not measurable
    toe_bias: str  # "in" | "neutral" | "out" | "unknown"
    faults: tuple[Fault, ...]
    family: str | None = None  # this rep's own movement family (analysis/family.py)
    family_alternative: str | None = None  # the other family its evidence nearly equally supports
    family_reason: str = ""
    family_evidence: object = None  # analysis.family.RepEvidence the family was read from


# the low back's states (analysis/back.py); BackFrames.state codes them -1 / 0 / 1, NaN not judged
EXTENDED, NEUTRAL, FLEXED = "extended", "neutral", "flexed"
NOT_JUDGED = "not judged"
BACK_STATE_CODE = {FLEXED: -1, NEUTRAL: 0, EXTENDED: 1}
BACK_STATE_OF_CODE = {code: state for state, code in BACK_STATE_CODE.items()}


@dataclass
class BackFrames:
    """(n,) per frame; NaN where not measured. ``judged`` frames are inside a judged rep's window
    and in its hinge (``hinge``) or at its top (``top``); ``state`` is BACK_STATE_CODE there, NaN
    elsewhere; ``value_deg`` is what judged it (``lumbar_deg`` in the hinge, the lean-back at
    the top; + = extension)."""

    t_s: np.ndarray
    lumbar_deg: np.ndarray
    pelvis_tilt_deg: np.ndarray
    rib_offset_pct: np.ndarray
    lean_back_deg: np.ndarray
    hinge: np.ndarray
    top: np.ndarray
    state: np.ndarray
    value_deg: np.ndarray

    @classmethod
    def empty(cls, t_s: np.ndarray) -> BackFrames:
        n = len(t_s)
        nan = np.full(n, np.nan)
        no = np.zeros(n, dtype=bool)
        return cls(np.asarray(t_s, float), nan.copy(), nan.copy(), nan.copy(), nan.copy(),
                   no.copy(), no.copy(), nan.copy(), nan.copy())


@dataclass(frozen=True)
class RepBack:
    """One rep's back. ``arch_deg`` is the median of ``BackFrames.lumbar_deg`` (the hinge measure
    past the lifter's standing value and the neutral drift) over its hinge frames,
    ``lean_back_deg`` the ``lean_back_quantile`` of the trunk's lean behind vertical over its top frames
    (NaN where not measured); ``extended_by`` names what made it extended ("arch", "lean back",
    or both joined by " and "); ``reason`` says why a rep was not judged."""

    rep_index: int
    state: str
    arch_deg: float
    lean_back_deg: float
    pelvis_tilt_deg: float
    rib_offset_pct: float
    extended_by: str = ""
    reason: str = ""
    i_first: int = 0  # the judged window's first and last samples
    i_last: int = -1


@dataclass
class BackCall:
    """The set's low back: ``judged`` False with ``reason`` when the set cannot be judged at all
    (not a hinge, the camera too far from side-on, the lifter's facing unknown); else one
    ``RepBack`` per rep (a rep can still be not judged, with its reason)."""

    judged: bool
    reason: str
    reps: list[RepBack] = field(default_factory=list)
    frames: BackFrames | None = None
    standing_deg: float = float("nan")  # the hinge measure's standing value (the lifter's reference)
    arch_judged: bool = False  # arching and rounding judged (the camera close enough to side-on)
    arch_reason: str = ""  # why not, when the lean-back alone was judged

    def reps_in(self, state: str) -> list[RepBack]:
        return [r for r in self.reps if r.state == state]


@dataclass(frozen=True)
class NordicRep:
    """One Nordic hamstring curl's technique (analysis/nordic.py): the hips piking over the lowering
    and the break point, where the controlled lowering turned into a fall. NaN where not measured,
    with the reason in words."""

    rep: int  # 1-based, as Rep.index
    hip_start_deg: float  # hip flexion kneeling tall at the rep's start: the lifter's own straight line
    pike_deg: float  # the most the hip flexed past hip_start_deg over the lowering
    piked: bool  # pike_deg past config.NordicConfig.pike_flag_deg
    pike_t_s: float  # when pike_deg was reached
    break_knee_deg: float  # knee flexion where the lowering broke into a fall; NaN: no break, or unseen
    break_t_s: float
    controlled_dps: float  # the lowering's median knee extension speed, deg/s
    fall_dps: float  # the fall's peak knee extension speed, deg/s; NaN without a break
    reason: str = ""  # why break_knee_deg is NaN ("lowered under control to the bottom", ...)
    pike_reason: str = ""  # why pike_deg is NaN
    hip_side: int | None = None  # the hip read (0 left, 1 right; None: both sides' mean), seen far better


@dataclass
class Report:
    """Everything formcheck concluded about one set."""

    source: str
    duration_s: float
    n_frames: int
    width_px: int
    height_px: int
    view: ViewEstimate
    family: str | None
    family_source: str  # "detected" | "given"
    family_reason: str
    coverage: float  # share of frames with the lifter found
    measures: Measures  # smoothed per-frame series
    rep_of_frame: np.ndarray  # (n,) 1-based rep index, 0 outside reps
    phase_of_frame: np.ndarray  # (n,) "", "eccentric", "concentric"
    reps: list[RepScore]
    zones: tuple[LegZones, LegZones]  # summed over the reps (time under load), per leg
    zones_clip: tuple[LegZones, LegZones]  # the whole clip, set-up and rests included
    toe_bias: str
    faults: list[Fault]
    verdict: str
    warnings: list[str] = field(default_factory=list)
    # the low back: per-frame stacking and each rep's state, or why it was not judged
    back: BackCall | None = None
    truncated: bool = False  # the video broke off early; the report covers what was decoded
    interrupted: bool = False  # Ctrl-C stopped the pose run; the report covers the frames before it
    damaged_s: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # PoseSequence's
    damaged_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    zone_defs: tuple = ()  # the config.Zone windows the zone seconds were scored with
    rom_signal: str = ""  # the measure reps were segmented on ("hip_deg" or "knee_deg")
    family_alternative: str | None = None  # "hinge or squat": the family the evidence equally supports
    posture: str | None = None  # what the body rests on (analysis/posture.py)
    # (2,) each knee's reading while standing tall, taken off as its zero (analysis/standing.py);
    # NaN where none was taken
    knee_zero_deg: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    toe: ToeCall = ToeCall("unknown", (float("nan"), float("nan")), False)  # toe_bias and its evidence
    working_leg: int | None = None  # the one leg that works while the other stands still (0 left)
    verdict_legs: tuple[int, ...] = ()  # the legs the verdict speaks for (analysis/verdict.py)
    nordic: list[NordicRep] = field(default_factory=list)  # per rep, for a Nordic set only (analysis/nordic.py)


@dataclass(frozen=True)
class SetSummary:
    """One analysed set as a batch recorded it (formcheck.batching.store): what the coach's dashboard
    draws. Zone seconds are summed over the reps and over the legs the verdict speaks for (both
    legs where it names none), so ``zone_s[h] / measured_s`` is the head's share of rep time."""

    key: str  # the job's key (content hash, formcheck version, options)
    name: str  # the video's file name
    lifter: str  # "" when not given
    date: str  # the session's day, "YYYY-MM-DD"; "" when unknown
    family: str | None  # "hinge" | "squat" | "knee_flexion"; None: not recognised
    n_reps: int
    duration_s: float
    zone_s: dict[str, float]  # head -> seconds of rep time in its zone
    measured_s: float  # rep time the knee was measured (the shares' denominator)
    faults: dict[str, int]  # fault kind -> how many (config's fault kinds, e.g. "lumbar_extension")
    toe_bias: str  # "in" | "neutral" | "out" | "unknown"
    back: str  # the set's low back: "extended", "neutral", "flexed", "mixed" or "not judged"
    verdict: str
    page: str  # the set's HTML page, relative to the dashboard

    def share(self, head: str) -> float:
        """``head``'s share of the measured rep time; NaN when none was measured."""
        return self.zone_s.get(head, 0.0) / self.measured_s if self.measured_s > 0 else float("nan")


@dataclass(frozen=True)
class SetFailure:
    """A video a batch could not analyse, with the exit code and message ``formcheck analyze``
    would have given (formcheck.errors)."""

    key: str
    name: str
    lifter: str
    date: str
    exit_code: int
    message: str
