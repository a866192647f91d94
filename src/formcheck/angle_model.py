"""The fitted angle model: how knee and hip flexion are read from each camera view, and the knee's
error bands per view (docs/DOMAIN.md 3.1, 3.6). Numbers printed by ``bench/angles.py
--print-config``; config.MeasureConfig takes them as its defaults (and config re-exports them, so
every default is still reached from formcheck.config)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ViewBin:
    """A range of camera views the angle model weighs alike: the hips' estimated yaw out of the
    image plane in [lo_deg, hi_deg) (0 = square to the camera, 90 = side-on), and whether the
    camera is behind the lifter (None: either; side-on it cannot be told and does not matter)."""

    name: str
    lo_deg: float
    hi_deg: float
    rear: bool | None = None

    def holds(self, yaw_deg: float, rear: bool) -> bool:
        return self.lo_deg <= yaw_deg < self.hi_deg and (self.rear is None or self.rear == rear)


VIEW_BINS: tuple[ViewBin, ...] = (
    ViewBin("front", 0.0, 20.0, False),
    ViewBin("oblique-30", 20.0, 40.0, False),
    ViewBin("oblique-45", 40.0, 55.0, False),
    ViewBin("oblique-60", 55.0, 72.0, False),
    ViewBin("rear", 0.0, 20.0, True),
    ViewBin("rear-oblique-30", 20.0, 40.0, True),
    ViewBin("rear-oblique-60", 40.0, 72.0, True),
    ViewBin("side", 72.0, 90.01, None),
)


@dataclass(frozen=True)
class AngleWeights:
    """One measure's reading at one view: ``offset_deg + sum(weights * candidates)``, the
    candidates in analysis.lift.FEATURES' order (image, world, hybrid, lifted)."""

    offset_deg: float
    weights: tuple[float, float, float, float]


@dataclass(frozen=True)
class AngleModel:
    """How knee and hip flexion are read from each view (analysis/lift.py): weights per
    (measure, "view bin:posture group"). A bin without weights borrows its fallback's (same
    group), else reads the hybrid candidate."""

    bins: tuple[ViewBin, ...] = VIEW_BINS
    weights: dict[tuple[str, str], AngleWeights] = field(default_factory=dict)
    # a view bin without weights of its own borrows these (a rear camera sees the same foreshortening)
    fallback: dict[str, str] = field(default_factory=lambda: {
        "rear": "front", "rear-oblique-30": "oblique-30", "rear-oblique-60": "oblique-60"})

    def weights_for(self, measure: str, view_bin: str) -> AngleWeights | None:
        w = self.weights.get((measure, view_bin))
        if w is not None:
            return w
        where, _, group = view_bin.partition(":")
        return self.weights.get((measure, f"{self.fallback.get(where, '')}:{group}"))

    def bin_of(self, yaw_deg: float, rear: bool, standing: bool) -> str:
        """"<view bin>:standing" or "<view bin>:other" (kneeling, seated or lying: the thighs and
        shins lie along other directions, and the foreshortening with them)."""
        group = "standing" if standing else "other"
        for b in self.bins:
            if b.holds(yaw_deg, rear):
                return f"{b.name}:{group}"
        return f"side:{group}"


# (measure, "view bin:posture group") -> weights, fitted by `bench/angles.py --print-config` on every
# body of the view suite (tools/synth/suite14.py: 60 sets, bodies 21-30, yaws 0-180, pitches 0-25)
# and the earlier renders (36 sets, bodies 0-6). Held out by body (even seeds fit, odd scored and
# back), knee / hip mean error: side 3.6 / 3.3, 45-60 deg 8.3 / 8.8, 30 deg 9.8 / 13.7, front 25.4 /
# 17.8, rear-oblique 60 6.4 / 7.0, rear-oblique 30 13.4 / 20.9, rear 36.7 / 17.8 (docs/DOMAIN.md 3.6).
# Bins absent here borrow their fallback's, else read the hybrid candidate (measures.weighed).
ANGLE_MODEL = AngleModel(weights={
    ('hip_deg', 'front:standing'): AngleWeights(-25.06, (0.131, 0.013, 0.996, 0.190)),
    ('hip_deg', 'oblique-30:other'): AngleWeights(-28.36, (0.000, 1.224, 0.000, 0.000)),
    ('hip_deg', 'oblique-30:standing'): AngleWeights(-14.06, (0.000, 0.000, 0.124, 0.910)),
    ('hip_deg', 'oblique-45:standing'): AngleWeights(-10.44, (0.000, 0.342, 0.000, 0.762)),
    ('hip_deg', 'oblique-60:standing'): AngleWeights(-11.26, (0.220, 0.072, 0.646, 0.205)),
    ('hip_deg', 'rear-oblique-30:standing'): AngleWeights(-23.96, (0.336, 0.000, 0.785, 0.374)),
    ('hip_deg', 'rear-oblique-60:standing'): AngleWeights(-11.68, (0.189, 0.000, 0.735, 0.215)),
    ('hip_deg', 'rear:standing'): AngleWeights(-17.05, (0.129, 0.000, 0.964, 0.314)),
    ('hip_deg', 'side:other'): AngleWeights(-5.19, (1.104, 0.000, 0.000, 0.000)),
    ('hip_deg', 'side:standing'): AngleWeights(-1.26, (1.013, 0.000, 0.000, 0.000)),
    ('knee_deg', 'front:standing'): AngleWeights(-22.81, (0.000, 0.000, 0.969, 0.210)),
    ('knee_deg', 'oblique-30:other'): AngleWeights(9.05, (0.515, 0.079, 0.000, 0.164)),
    ('knee_deg', 'oblique-30:standing'): AngleWeights(-13.21, (0.000, 0.117, 0.447, 0.520)),
    ('knee_deg', 'oblique-45:standing'): AngleWeights(-12.19, (0.000, 0.493, 0.000, 0.658)),
    ('knee_deg', 'oblique-60:standing'): AngleWeights(-4.84, (0.437, 0.117, 0.432, 0.072)),
    ('knee_deg', 'rear-oblique-30:standing'): AngleWeights(-0.13, (0.379, 0.000, 0.954, 0.000)),
    ('knee_deg', 'rear-oblique-60:other'): AngleWeights(2.36, (0.347, 0.000, 0.526, 0.085)),
    ('knee_deg', 'rear-oblique-60:standing'): AngleWeights(-6.02, (0.000, 0.000, 1.166, 0.000)),
    ('knee_deg', 'rear:standing'): AngleWeights(3.92, (0.000, 0.000, 1.092, 0.000)),
    ('knee_deg', 'side:other'): AngleWeights(-7.18, (0.610, 0.190, 0.231, 0.000)),
    ('knee_deg', 'side:standing'): AngleWeights(-6.46, (0.030, 0.008, 0.963, 0.013)),
})


@dataclass(frozen=True)
class ErrorBand:
    """The knee angle's error at one view over one range of measured angles: the median of held-out
    sets' mean errors (measured minus true) and the 90th percentile of their size about it."""

    lo_deg: float
    hi_deg: float
    bias_deg: float
    spread_deg: float


# "view bin:posture group" -> knee error bands (analysis/zone_error.py), from `bench/angles.py
# --print-config`: each rendered set's error
# measured with a model fitted without its body, per leg and band of measured angle
KNEE_ERRORS: dict[str, tuple[ErrorBand, ...]] = {
    'front:other': (
        ErrorBand(-30, 20, -1.0, 50.4),
        ErrorBand(20, 45, -2.3, 62.1),
        ErrorBand(45, 75, -1.7, 52.2),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'front:standing': (
        ErrorBand(-30, 20, -2.8, 10.0),
        ErrorBand(20, 45, -7.8, 47.0),
        ErrorBand(45, 75, -1.7, 52.2),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-30:other': (
        ErrorBand(-30, 20, -1.0, 50.4),
        ErrorBand(20, 45, 5.5, 77.2),
        ErrorBand(45, 75, 0.4, 88.2),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-30:standing': (
        ErrorBand(-30, 20, 0.2, 7.1),
        ErrorBand(20, 45, 2.6, 31.4),
        ErrorBand(45, 75, 1.9, 35.7),
        ErrorBand(75, 100, 4.7, 21.1),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-45:other': (
        ErrorBand(-30, 20, -1.0, 50.4),
        ErrorBand(20, 45, -2.3, 62.1),
        ErrorBand(45, 75, -1.7, 52.2),
        ErrorBand(75, 100, 16.4, 24.7),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-45:standing': (
        ErrorBand(-30, 20, -2.1, 10.2),
        ErrorBand(20, 45, -6.5, 46.4),
        ErrorBand(45, 75, -10.3, 33.9),
        ErrorBand(75, 100, -1.4, 30.0),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-60:other': (
        ErrorBand(-30, 20, -1.0, 50.4),
        ErrorBand(20, 45, 4.7, 10.3),
        ErrorBand(45, 75, 10.3, 37.8),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'oblique-60:standing': (
        ErrorBand(-30, 20, -2.2, 3.5),
        ErrorBand(20, 45, -3.8, 6.6),
        ErrorBand(45, 75, -1.7, 12.9),
        ErrorBand(75, 100, -0.7, 21.9),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'rear-oblique-30:other': (
        ErrorBand(-30, 20, -1.0, 50.4),
        ErrorBand(20, 45, -2.3, 62.1),
        ErrorBand(45, 75, -1.7, 52.2),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'rear-oblique-30:standing': (
        ErrorBand(-30, 20, -7.6, 7.9),
        ErrorBand(20, 45, -23.6, 42.1),
        ErrorBand(45, 75, -31.3, 43.5),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'rear-oblique-60:other': (
        ErrorBand(-30, 20, 10.8, 13.9),
        ErrorBand(20, 45, 5.8, 17.3),
        ErrorBand(45, 75, -2.3, 24.9),
        ErrorBand(75, 100, 10.1, 31.2),
        ErrorBand(100, 180, 20.4, 39.3),
    ),
    'rear-oblique-60:standing': (
        ErrorBand(-30, 20, -0.4, 5.8),
        ErrorBand(20, 45, -0.6, 33.9),
        ErrorBand(45, 75, -1.7, 42.3),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'rear:standing': (
        ErrorBand(-30, 20, -21.3, 67.3),
        ErrorBand(20, 45, -2.3, 62.1),
        ErrorBand(45, 75, -1.7, 52.2),
        ErrorBand(75, 100, 0.9, 37.4),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'side:other': (
        ErrorBand(-30, 20, 3.0, 12.8),
        ErrorBand(20, 45, -3.1, 14.4),
        ErrorBand(45, 75, -4.7, 16.2),
        ErrorBand(75, 100, -2.7, 19.8),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
    'side:standing': (
        ErrorBand(-30, 20, -0.3, 6.8),
        ErrorBand(20, 45, 1.7, 10.1),
        ErrorBand(45, 75, 3.8, 6.8),
        ErrorBand(75, 100, 2.4, 6.9),
        ErrorBand(100, 180, 6.4, 42.5),
    ),
}
