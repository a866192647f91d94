"""Faults worth a cue: a hinge that turns into a squat, and an arched low back in RDLs.

Each threshold is applied by one predicate here (``squat_like``, ``arched``), which the recorded
analysis (per rep) and live cues (per frame) both call; the words are vocab.FAULTS'."""

from __future__ import annotations

import numpy as np

from formcheck.config import ScoreConfig
from formcheck.types import Fault, Rep


def squat_like(knee_deg: float, trunk_deg: float, cfg: ScoreConfig) -> bool:
    """Knees bent far past an RDL's soft bend (over ``squat_knee_deg``) with the trunk kept
    within ``squat_trunk_deg`` of upright: a squat pattern, so the quads, not the hamstrings, do
    the lift. A trunk angle that is not measurable (NaN) leaves the knee angle to decide."""
    if not np.isfinite(knee_deg) or knee_deg <= cfg.squat_knee_deg:
        return False
    return not (np.isfinite(trunk_deg) and abs(trunk_deg) > cfg.squat_trunk_deg)


def arched(extension_deg: np.ndarray | float, hip_deg: np.ndarray | float, cfg: ScoreConfig) -> np.ndarray:
    """Per frame: the low back extended past ``lumbar_flag_deg`` while the hips are flexed at
    least ``lumbar_min_hip_deg`` (in the hinge). False where either is missing."""
    ext, hip = np.asarray(extension_deg, float), np.asarray(hip_deg, float)
    with np.errstate(invalid="ignore"):
        return (hip >= cfg.lumbar_min_hip_deg) & (ext > cfg.lumbar_flag_deg)


def squatting_fault(
    rep: Rep, knee_max_deg: float, trunk_deg: float, family: str | None, cfg: ScoreConfig
) -> Fault | None:
    """A hinge or squat rep done as a squat (``squat_like`` at its deepest knee; ``trunk_deg`` is
    the trunk from upright at the rep's turn)."""
    if family not in ("hinge", "squat") or not squat_like(knee_max_deg, trunk_deg, cfg):
        return None
    what = "this set moves like a squat" if family == "squat" else "this rep turned into a squat"
    return Fault(
        "squatting", rep.index, rep.start_s, rep.end_s, float(knee_max_deg),
        f"rep {rep.index}: knees bent to {knee_max_deg:.0f} deg ({what}); keep a soft knee "
        f"(under {cfg.squat_knee_deg:.0f} deg) and push the hips back to load the hamstrings",
    )


def baseline_deg(values: np.ndarray, at_rest: np.ndarray, min_samples: int = 5) -> float:
    """The lifter's own neutral: median of ``values`` while standing at rest."""
    v = values[at_rest & np.isfinite(values)]
    return float(np.median(v)) if v.size >= min_samples else float("nan")


def lumbar_extension_deg(
    arch_deg: np.ndarray, hip_deg: np.ndarray, baseline_deg: float, cfg: ScoreConfig
) -> np.ndarray:
    """(n,) the back outline's bend past what a neutral back shows at each hip angle, + = arched.

    A neutral spine's outline still changes as the hips flex (the glutes and hamstrings stretch,
    the trunk tilts), so the bend is taken relative to the lifter's standing baseline and then
    to the drift fitted on neutral rendered backs: ``slope * hip + offset``.
    """
    drift = cfg.lumbar_neutral_slope * np.asarray(hip_deg, float) + cfg.lumbar_neutral_offset_deg
    return np.asarray(arch_deg, float) - baseline_deg - drift


MIN_LUMBAR_FRAMES = 3  # a rep's level needs at least this many frames deep in the hinge


def hinge_frames(
    extension_deg: np.ndarray, hip_deg: np.ndarray, rep: Rep, min_hip_deg: float
) -> np.ndarray:
    """Bool mask over the rep's samples: the frames the lumbar flag judges (hips flexed at least
    ``min_hip_deg``, extension measured)."""
    sl = slice(rep.i_start, rep.i_end + 1)
    with np.errstate(invalid="ignore"):
        return (hip_deg[sl] >= min_hip_deg) & np.isfinite(extension_deg[sl])


def lumbar_level_deg(
    extension_deg: np.ndarray, hip_deg: np.ndarray, rep: Rep, min_hip_deg: float
) -> float:
    """The rep's lumbar extension: the median over its hinge frames, NaN with too few of them."""
    deep = hinge_frames(extension_deg, hip_deg, rep, min_hip_deg)
    if deep.sum() < MIN_LUMBAR_FRAMES:
        return float("nan")
    return float(np.median(extension_deg[rep.i_start : rep.i_end + 1][deep]))


def lumbar_faults(
    t_s: np.ndarray, extension_deg: np.ndarray, hip_deg: np.ndarray, reps: list[Rep],
    cfg: ScoreConfig,
) -> list[Fault]:
    """Reps whose back arched past neutral in the hinge: the median extension over the rep's
    frames with the hips flexed at least ``lumbar_min_hip_deg`` is above ``lumbar_flag_deg``.
    The fault spans the longest stretch of those frames above the threshold."""
    faults = []
    for rep in reps:
        level = lumbar_level_deg(extension_deg, hip_deg, rep, cfg.lumbar_min_hip_deg)
        if not level > cfg.lumbar_flag_deg:  # NaN (too few frames) is no flag either
            continue
        sl = slice(rep.i_start, rep.i_end + 1)
        ext, t = extension_deg[sl], t_s[sl]
        deep = hinge_frames(extension_deg, hip_deg, rep, cfg.lumbar_min_hip_deg)
        runs = _runs(arched(ext, hip_deg[sl], cfg)) or _runs(deep)
        a, b = max(runs, key=lambda r: r[1] - r[0])
        faults.append(Fault(
            "lumbar_extension", rep.index, float(t[a]), float(t[b - 1]), level,
            f"rep {rep.index}: low back arched about {level:.0f} deg past neutral at "
            f"{t[a]:.1f}-{t[b - 1]:.1f} s; ribs down, brace before you hinge",
        ))
    return faults


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs in a bool array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[0::2], edges[1::2]))
