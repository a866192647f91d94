"""Nordic hamstring curl technique: the hips piking over the lowering, and the break point.

A Nordic's lowering is the work (docs/DOMAIN.md). Two faults coaches name:

- **Pike**: the trunk-to-thigh angle closing as the lifter lowers (hip flexion), so the hamstrings
  shorten at the hip and the lift gets easier. Measured per rep as the most the hip flexes over
  the lowering past the lifter's own hip angle kneeling tall at the rep's start.
- **Break point**: the knee angle where the controlled lowering turns into a fall. The knee's
  extension speed (from timestamps) jumps from the lowering's steady speed; the break is the
  first sample after which it stays above max(``break_speed_ratio`` x the lowering's median
  speed, ``break_min_dps``) until the knee is near its straightest. A rep lowered under control
  to the bottom has no break point (NaN, with that reason).

Pure numpy, one rep at a time, so the recorded analysis (``nordic_reps``) and live cues
(analysis/live.py) apply the same rules. Thresholds are config.NordicConfig's.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import NordicConfig
from formcheck.types import Fault, NordicRep, Rep

NO_BREAK = "lowered under control to the bottom"
KNEE_UNSEEN = "knee not seen through the lowering"
HIP_UNSEEN = "hip not seen through the lowering"
MIN_SAMPLES = 5  # a lowering needs at least this many measured samples to be judged


def is_nordic(family: str | None, posture: str | None) -> bool:
    """A Nordic hamstring curl: knee-flexion work done kneeling."""
    return family == "knee_flexion" and posture == "kneeling"


def extension_speed_dps(t_s: np.ndarray, knee_deg: np.ndarray, window_s: float) -> np.ndarray:
    """(n,) how fast the knee straightens, deg/s (+ = knee flexion falling): the slope of a
    least-squares line through the finite samples within ``window_s / 2`` of each sample, in
    time. NaN where fewer than 3 samples are in the window."""
    t = np.asarray(t_s, float)
    y = np.asarray(knee_deg, float)
    out = np.full(len(t), np.nan)
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    ok = np.isfinite(y)
    for i in range(len(t)):
        if not ok[i]:
            continue
        sl = slice(lo[i], hi[i])
        m = ok[sl]
        if m.sum() < 3:
            continue
        tt, yy = t[sl][m], y[sl][m]
        dt = tt - tt.mean()
        den = float(np.dot(dt, dt))
        if den > 0:
            out[i] = -float(np.dot(dt, yy - yy.mean())) / den
    return out


def break_point(
    t_s: np.ndarray, knee_deg: np.ndarray, speed_dps: np.ndarray, i_start: int, i_turn: int,
    cfg: NordicConfig,
) -> tuple[float, float, float, float, str]:
    """One rep's break point over its lowering (samples ``i_start`` to ``i_turn``, inclusive):
    (knee flexion at the break, its time, the lowering's median extension speed, the fall's peak
    speed, the reason the break is NaN or ""). ``speed_dps`` is ``extension_speed_dps`` of
    ``knee_deg``, computed over the whole series (so the window reaches past the rep's ends)."""
    nan = float("nan")
    sl = slice(i_start, i_turn + 1)
    knee, speed, t = knee_deg[sl], speed_dps[sl], t_s[sl]
    seen = np.isfinite(knee) & np.isfinite(speed)
    if seen.sum() < MIN_SAMPLES:
        return nan, nan, nan, nan, KNEE_UNSEEN
    controlled = float(np.median(speed[seen]))
    threshold = max(cfg.break_speed_ratio * controlled, cfg.break_min_dps)
    bottom = float(np.min(knee[seen]))
    near_bottom = np.flatnonzero(seen & (knee <= bottom + cfg.bottom_tol_deg))
    # the fall is the run of fast samples that reaches the bottom: walk back from the first sample
    # near the bottom that is still fast, while the speed stays above the threshold
    fast = seen & (speed > threshold)
    ends = near_bottom[fast[near_bottom]]
    if ends.size == 0:
        return nan, nan, controlled, nan, NO_BREAK
    j = int(ends[0])
    while j > 0 and (fast[j - 1] or not seen[j - 1]):
        j -= 1
    while not seen[j]:
        j += 1
    fall_deg = float(knee[j] - bottom)
    if fall_deg < cfg.min_fall_deg:
        return nan, nan, controlled, nan, NO_BREAK
    before = seen[:j]
    if before.sum() >= MIN_SAMPLES:  # the steady speed from the controlled part alone
        controlled = float(np.median(speed[:j][before]))
    peak = float(np.max(speed[j : int(ends[-1]) + 1][seen[j : int(ends[-1]) + 1]]))
    return float(knee[j]), float(t[j]), controlled, peak, ""


def pike(
    t_s: np.ndarray, hip_deg: np.ndarray, knee_deg: np.ndarray, i_start: int, i_turn: int,
    cfg: NordicConfig,
) -> tuple[float, float, float, str]:
    """One rep's pike over its lowering: (the most the hip flexes past its angle kneeling tall,
    when, that kneeling-tall hip angle, the reason it is NaN or ""). Kneeling tall is the median
    hip over the lowering's first ``tall_frac`` of the knee's travel."""
    nan = float("nan")
    sl = slice(i_start, i_turn + 1)
    hip, knee, t = hip_deg[sl], knee_deg[sl], t_s[sl]
    if np.isfinite(hip).sum() < MIN_SAMPLES:
        return nan, nan, nan, HIP_UNSEEN
    tall = np.isfinite(hip)
    if np.isfinite(knee).sum() >= MIN_SAMPLES:
        k0 = float(np.nanmedian(knee[: max(3, len(knee) // 10)]))
        travel = k0 - float(np.nanmin(knee))
        with np.errstate(invalid="ignore"):
            early = (k0 - knee) <= cfg.tall_frac * travel
        early[: np.argmax(np.isfinite(knee))] = True  # unseen knee before its first reading: early
        early &= np.cumprod(early).astype(bool)  # only the start, before the knee first moves on
        if (tall & early).sum() >= 3:
            tall &= early
    start = float(np.median(hip[tall])) if tall.any() else nan
    excess = hip - start
    k = int(np.nanargmax(excess))
    return float(excess[k]), float(t[k]), start, ""


def piked_span(t_s: np.ndarray, hip_deg: np.ndarray, rep: Rep, start_deg: float, cfg: NordicConfig) -> tuple[float, float]:
    """The first and last time over the rep's lowering the hip was flexed past ``pike_flag_deg``
    beyond ``start_deg``."""
    sl = slice(rep.i_start, rep.i_turn + 1)
    with np.errstate(invalid="ignore"):
        over = np.flatnonzero(hip_deg[sl] - start_deg > cfg.pike_flag_deg)
    t = t_s[sl]
    return (float(t[over[0]]), float(t[over[-1]])) if over.size else (rep.start_s, rep.turn_s)


def nordic_reps(
    t_s: np.ndarray, knee_deg: np.ndarray, hip_deg: np.ndarray, reps: list[Rep], view: str,
    cfg: NordicConfig,
) -> list[NordicRep]:
    """Each rep's pike and break point. ``knee_deg`` and ``hip_deg`` (n,) are the smoothed knee
    flexion driving the set and the hips' flexion (both sides' mean); ``view`` the camera view
    (neither is judged from views outside ``cfg.judged_views``)."""
    out = []
    speed = extension_speed_dps(t_s, knee_deg, cfg.speed_window_s)
    nan = float("nan")
    for r in reps:
        if view not in cfg.judged_views:
            why = f"not judged from a {view} view: knee and hip angles are foreshortened"
            out.append(NordicRep(r.index, nan, nan, False, nan, nan, nan, nan, nan, why, why))
            continue
        knee_at, t_break, controlled, fall, reason = break_point(t_s, knee_deg, speed, r.i_start, r.i_turn, cfg)
        pike_deg, t_pike, start, pike_reason = pike(t_s, hip_deg, knee_deg, r.i_start, r.i_turn, cfg)
        out.append(NordicRep(
            r.index, start, pike_deg, bool(pike_deg > cfg.pike_flag_deg), t_pike, knee_at, t_break,
            controlled, fall, reason, pike_reason,
        ))
    return out


def pike_faults(
    nordic: list[NordicRep], reps: list[Rep], t_s: np.ndarray, hip_deg: np.ndarray, cfg: NordicConfig
) -> list[Fault]:
    """A "nordic_pike" fault for each piked rep, spanning the frames the hips were flexed past the
    threshold."""
    by_index = {r.index: r for r in reps}
    out = []
    for x in nordic:
        if not x.piked or x.rep not in by_index:
            continue
        a, b = piked_span(t_s, hip_deg, by_index[x.rep], x.hip_start_deg, cfg)
        out.append(Fault(
            "nordic_pike", x.rep, a, b, x.pike_deg,
            f"rep {x.rep}: hips piked {x.pike_deg:.0f} deg while lowering ({a:.1f}-{b:.1f} s); "
            "squeeze the glutes and keep a straight line from knee to head",
        ))
    return out


def nordic_technique(
    t_s: np.ndarray, knee_deg: np.ndarray, hip_deg: np.ndarray, reps: list[Rep], family: str | None,
    posture: str | None, view: str, cfg: NordicConfig,
) -> tuple[list[NordicRep], list[Fault]]:
    """``nordic_reps`` and their ``pike_faults`` for a Nordic set (``is_nordic``); ([], []) otherwise."""
    if not is_nordic(family, posture):
        return [], []
    nordic = nordic_reps(t_s, knee_deg, hip_deg, reps, view, cfg)
    return nordic, pike_faults(nordic, reps, t_s, hip_deg, cfg)
