"""Knee and hip flexion in 3-D, lifted from the image with the lifter's own proportions.

Off the side view an image angle is foreshortened: a thigh pointing at the camera looks short, and a
30-deg-yaw squat's knee reads 50 deg low at the bottom. The image still places each landmark well
(within ~7 deg of the projected truth at 30 deg of yaw); what it lacks is depth. Two ways to get
it back, per segment (thigh, shank, trunk side), both in pixel units:

- **hybrid**: the image's x, y and MediaPipe's world depth (dz, metres) times the clip's pixels per
  world metre. The world depth is noisy but carries the sign and the rough size.
- **lifted**: the depth a segment of known pixel length must have to look this short,
  ``|dz| = sqrt(P^2 - l^2)`` (weak perspective), signed by the world depth. ``P`` is the segment's
  own length: its 95th-percentile image length over the set, the frames where it lies across the
  image (standing thighs and shins are vertical, so in the image plane for any camera yaw). Well
  conditioned exactly where foreshortening is large; near the image plane a few per cent of length
  error become a spurious depth, which is why it is weighed, not trusted alone.

``AngleFeatures`` holds each measure's candidate readings; ``config.AngleModel`` weighs them per
view (fitted on rendered bodies, scored on others: bench/accuracy.py). Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import angle_between_deg
from formcheck.types import PoseSequence

SEGMENT_Q = 95.0  # percentile of a segment's image length taken as its length across the image
MIN_FRAMES = 5  # fewer seen frames: the segment's length (and the lift) is unknown
# the image-to-world scale is the median of the segments' (pixel length / world length) among the
# SCALE_TOP largest: segments that never lie across the image (a prone thigh seen from the feet)
# would pull it down
SCALE_TOP = 4
FEATURES = ("image", "world", "hybrid", "lifted")


@dataclass(frozen=True)
class AngleFeatures:
    """Candidate readings of one two-sided measure, each (n, 2) degrees [left, right], NaN where a
    landmark is unseen: the image-plane angle, MediaPipe's world 3-D angle, and the two 3-D
    angles above."""

    image: np.ndarray
    world: np.ndarray
    hybrid: np.ndarray
    lifted: np.ndarray

    def stack(self) -> np.ndarray:
        """(n, 2, len(FEATURES)) in FEATURES' order."""
        return np.stack([getattr(self, f) for f in FEATURES], axis=-1)


def _segments(k: int) -> dict[str, tuple[int, int]]:
    return {"thigh": (sk.HIP[k], sk.KNEE[k]), "shank": (sk.KNEE[k], sk.ANKLE[k]),
            "trunk": (sk.HIP[k], sk.SHOULDER[k])}


@dataclass(frozen=True)
class SegmentLengths:
    """A lifter's segment lengths in image pixels when lying across the image, per (name, side),
    and the clip's pixels per MediaPipe world metre; NaN when not enough frames saw them."""

    px: dict[tuple[str, int], float]
    px_per_m: float


def segment_lengths(xy_px: np.ndarray, world_m: np.ndarray, seen: np.ndarray) -> SegmentLengths:
    """``seen`` (n, 33) bool: landmarks found well enough to use."""
    px, ratios = {}, []
    for k in range(2):
        for name, (a, b) in _segments(k).items():
            ok = seen[:, a] & seen[:, b]
            l_px = np.linalg.norm(xy_px[ok, b] - xy_px[ok, a], axis=-1)
            l_m = np.linalg.norm(world_m[ok, b] - world_m[ok, a], axis=-1)
            good = np.isfinite(l_px) & np.isfinite(l_m) & (l_m > 0.05)
            if good.sum() < MIN_FRAMES:
                px[(name, k)] = float("nan")
                continue
            px[(name, k)] = float(np.percentile(l_px[good], SEGMENT_Q))
            ratios.append(px[(name, k)] / float(np.median(l_m[good])))
    scale = float(np.median(sorted(ratios)[-SCALE_TOP:])) if ratios else float("nan")
    return SegmentLengths(px, scale)


def seen_landmarks(pose: PoseSequence, min_visibility: float) -> np.ndarray:
    """(n, 33) landmarks found well enough to use: the lifter detected, visibility at least
    ``min_visibility``."""
    return pose.detected[:, None] & (pose.visibility >= min_visibility)


def pose_lengths(pose: PoseSequence, min_visibility: float) -> SegmentLengths:
    """The lifter's segment lengths across the image from the frames of ``pose``."""
    return segment_lengths(pose.xy_px, pose.world_m, seen_landmarks(pose, min_visibility))


def _vectors(xy_px: np.ndarray, world_m: np.ndarray, lengths: SegmentLengths, k: int) -> dict:
    """Each segment of side ``k`` as (n, 3) vectors: image (z 0), world, hybrid and lifted."""
    out = {}
    for name, (a, b) in _segments(k).items():
        d2 = (xy_px[:, b] - xy_px[:, a]).astype(np.float64)
        d3 = (world_m[:, b] - world_m[:, a]).astype(np.float64)
        l_px = np.linalg.norm(d2, axis=-1)
        sign = np.where(d3[:, 2] < 0, -1.0, 1.0)
        depth = sign * np.sqrt(np.clip(lengths.px[(name, k)] ** 2 - l_px**2, 0.0, None))
        out[name] = {
            "image": np.column_stack([d2, np.zeros(len(d2))]),
            "world": d3,
            "hybrid": np.column_stack([d2, d3[:, 2] * lengths.px_per_m]),
            "lifted": np.column_stack([d2, depth]),
        }
    return out


def angle_features(
    xy_px: np.ndarray, world_m: np.ndarray, seen: np.ndarray, lengths: SegmentLengths | None = None
) -> tuple[AngleFeatures, AngleFeatures]:
    """(knee, hip) candidate flexions from ``xy_px`` (n, 33, 2), ``world_m`` (n, 33, 3) and
    ``seen`` (n, 33). Knee: between thigh and shank; hip: between the trunk's side (hip to
    shoulder) and the thigh; 0 = straight."""
    lengths = lengths or segment_lengths(xy_px, world_m, seen)
    knee = {f: np.full((len(xy_px), 2), np.nan) for f in FEATURES}
    hip = {f: np.full((len(xy_px), 2), np.nan) for f in FEATURES}
    for k in range(2):
        v = _vectors(xy_px, world_m, lengths, k)
        for f in FEATURES:
            knee[f][:, k] = 180.0 - angle_between_deg(-v["thigh"][f], v["shank"][f])
            hip[f][:, k] = 180.0 - angle_between_deg(v["trunk"][f], v["thigh"][f])
    return AngleFeatures(**knee), AngleFeatures(**hip)
