"""What the body rests on: standing, kneeling, seated, prone or supine, from segment angles.

Each frame is labelled from the trunk, thigh and shin angles from vertical and the hip flexion
(MediaPipe's world landmarks: y points down, with gravity for a level camera, at any yaw); the
set's posture is the label most frames carry early in the set. A bent-over hinge is still standing (its hips are
flexed, a lying body's are not); a Nordic's catch is kneeling for most of the set.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import angle_between_deg, inclination_from_vertical_deg

POSTURES = ("standing", "kneeling", "seated", "prone", "supine")
LYING_TRUNK_DEG = 60.0  # trunk this far from vertical with the hips near straight: lying
LYING_HIP_DEG = 45.0
KNEEL_SHIN_DEG = 60.0  # both shins this far from vertical (along the floor), trunk not lying
SEAT_THIGH_DEG = 60.0  # thighs along the seat, trunk upright, hips flexed: seated (shins hanging
SEAT_TRUNK_DEG = 45.0  # or, at a seated curl's rest, held out along the floor's direction)
SEATED_HIP_ROM_DEG = 30.0  # a seated set's hips stay put; hips moving more than this are standing


@dataclass(frozen=True)
class Posture:
    name: str | None  # one of POSTURES, None when too few frames show the body
    share: float  # of the frames with a label, the share that carries this one
    trunk_deg: float  # medians over those frames, from vertical
    thigh_deg: float
    shin_deg: float


def trunk_lean_deg(points: np.ndarray, world: bool) -> np.ndarray:
    """(n,) trunk (hip centre -> shoulder centre) from vertical, degrees; 0 = upright.

    Image and MediaPipe world coordinates both have y pointing down, roughly with gravity for a
    level camera.
    """
    axis = np.mean(points[:, sk.SHOULDER], axis=1) - np.mean(points[:, sk.HIP], axis=1)
    if world:
        return angle_between_deg(axis, np.broadcast_to([0.0, -1.0, 0.0], axis.shape))
    return inclination_from_vertical_deg(axis)


def from_vertical_deg(world_m: np.ndarray, lower: tuple[int, int], upper: tuple[int, int]) -> np.ndarray:
    """(n, 2) per side: the segment from ``lower`` to ``upper`` landmark, degrees from straight up."""
    v = world_m[:, list(upper)] - world_m[:, list(lower)]
    return angle_between_deg(v, np.broadcast_to([0.0, -1.0, 0.0], v.shape))


def chest_down(world_m: np.ndarray) -> np.ndarray:
    """(n,) True where the chest faces the floor: the normal (left - right shoulder) x (hips ->
    shoulders) points along +y (down)."""
    across = world_m[:, sk.SHOULDER[0]] - world_m[:, sk.SHOULDER[1]]
    up = world_m[:, list(sk.SHOULDER)].mean(axis=1) - world_m[:, list(sk.HIP)].mean(axis=1)
    return np.cross(across, up)[:, 1] > 0


def frame_postures(world_m: np.ndarray, hip_deg: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(n,) labels (index into POSTURES, -1 unknown) and the angles they came from."""
    trunk = trunk_lean_deg(world_m, world=True)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without the lifter: all-NaN rows
        thigh = np.nanmean(from_vertical_deg(world_m, sk.KNEE, sk.HIP), axis=1)
        shin_each = from_vertical_deg(world_m, sk.ANKLE, sk.KNEE)
        shin = np.nanmin(np.where(np.isfinite(shin_each), shin_each, np.inf), axis=1)  # the stance leg
    shin[~np.isfinite(shin)] = np.nan
    label = np.full(len(trunk), -1)
    known = np.isfinite(trunk) & np.isfinite(shin) & np.isfinite(hip_deg)
    with np.errstate(invalid="ignore"):
        lying = known & (trunk > LYING_TRUNK_DEG) & (hip_deg < LYING_HIP_DEG)
        seated = known & ~lying & (thigh > SEAT_THIGH_DEG) & (trunk < SEAT_TRUNK_DEG) & (hip_deg > LYING_HIP_DEG)
        kneeling = known & ~lying & ~seated & (shin > KNEEL_SHIN_DEG)
    label[known] = POSTURES.index("standing")
    label[seated] = POSTURES.index("seated")
    label[kneeling] = POSTURES.index("kneeling")
    down = chest_down(world_m)
    label[lying & down] = POSTURES.index("prone")
    label[lying & ~down] = POSTURES.index("supine")
    return label, {"trunk": trunk, "thigh": thigh, "shin": shin}


START_SHARE = 0.15  # the posture is read over this first share of the frames that show it


def set_posture(world_m: np.ndarray, hip_deg: np.ndarray, min_frames: int = 5) -> Posture:
    """The posture most frames show in the first START_SHARE of the set: what the lifter starts
    from and returns to. Over the whole set a glute-ham raise, which starts prone, spends most
    frames with the shins along the pad and the trunk up, as a kneeling body does."""
    label, ang = frame_postures(world_m, hip_deg)
    hips = hip_deg[np.isfinite(hip_deg)]
    if hips.size >= min_frames and np.ptp(np.percentile(hips, [5, 95])) > SEATED_HIP_ROM_DEG:
        label[label == POSTURES.index("seated")] = POSTURES.index("standing")  # a deep squat's bottom
    known = label >= 0
    if known.sum() < min_frames:
        return Posture(None, 0.0, np.nan, np.nan, np.nan)
    first = np.flatnonzero(known)[: max(min_frames, int(np.ceil(START_SHARE * known.sum())))]
    known = np.zeros_like(known)
    known[first] = True
    counts = np.bincount(label[known], minlength=len(POSTURES))
    best = int(np.argmax(counts))
    sel = known & (label == best)
    return Posture(
        POSTURES[best], float(counts[best] / known.sum()),
        *(float(np.nanmedian(ang[k][sel])) for k in ("trunk", "thigh", "shin")),
    )
