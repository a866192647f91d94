"""Faults worth a cue: a hinge that turns into a squat, and an arched low back in RDLs."""

from __future__ import annotations

import numpy as np

from formcheck.config import ScoreConfig
from formcheck.types import Fault, Rep


def squatting_fault(
    rep: Rep, knee_max_deg: float, trunk_deg: float, family: str | None, cfg: ScoreConfig
) -> Fault | None:
    """Knees bent far past an RDL's soft bend with the trunk kept upright: a squat pattern, so
    the quads, not the hamstrings, did the lift. ``trunk_deg`` is the trunk from upright at the
    rep's deepest point; NaN (not measurable) falls back to the knee angle alone."""
    if family not in ("hinge", "squat") or not np.isfinite(knee_max_deg):
        return None
    if knee_max_deg <= cfg.squat_knee_deg:
        return None
    if np.isfinite(trunk_deg) and trunk_deg > cfg.squat_trunk_deg:
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


def lumbar_faults(
    t_s: np.ndarray, extension_deg: np.ndarray, reps: list[Rep], cfg: ScoreConfig
) -> list[Fault]:
    """Spans inside reps where the back arched more than ``lumbar_flag_deg`` past its baseline.

    ``extension_deg`` is the back's bend relative to the lifter's standing baseline, + = arched.
    """
    faults = []
    for rep in reps:
        sl = slice(rep.i_start, rep.i_end + 1)
        over = np.nan_to_num(extension_deg[sl], nan=-np.inf) > cfg.lumbar_flag_deg
        t = t_s[sl]
        for a, b in _runs(over):
            if t[b - 1] - t[a] < cfg.lumbar_min_s:
                continue
            worst = float(np.max(extension_deg[sl][a:b]))
            faults.append(Fault(
                "lumbar_extension", rep.index, float(t[a]), float(t[b - 1]), worst,
                f"rep {rep.index}: low back arched {worst:.0f} deg past your neutral at "
                f"{t[a]:.1f}-{t[b - 1]:.1f} s; ribs down, brace before you hinge",
            ))
    return faults


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs in a bool array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[0::2], edges[1::2]))
