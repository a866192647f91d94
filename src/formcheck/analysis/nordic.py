"""Nordic hamstring curl technique: the hips piking over the lowering, and the break point.

A Nordic's lowering is the work (docs/DOMAIN.md). Two faults coaches name:

- **Pike**: the trunk-to-thigh angle closing as the lifter lowers (hip flexion), so the hamstrings
  shorten at the hip and the lift gets easier. Measured per rep as the most the hip flexes over
  the lowering past the lifter's own hip angle kneeling tall at the rep's start.
- **Break point**: the knee angle where the controlled lowering turns into a fall. The knee's
  extension speed (from timestamps) jumps from the lowering's steady speed; the break is the
  first sample after which it stays above max(``break_speed_ratio`` x the lowering's median
  speed, ``break_min_dps``) until the knee is near its straightest (``break_point`` says how "stays
  above" is read through the pose's jitter). A rep lowered under control to the bottom has no
  break point (NaN, with that reason).

Pure numpy, one rep at a time, so the recorded analysis (``nordic_reps``) and live cues
(analysis/live.py) apply the same rules. Thresholds are config.NordicConfig's.
"""

from __future__ import annotations

import numpy as np

from formcheck.analysis.reps import RepScale
from formcheck.analysis.smoothing import mean_present
from formcheck.config import NordicConfig
from formcheck.types import Channel, Fault, Measures, NordicRep, Rep, ViewEstimate

NO_BREAK = "lowered under control to the bottom"
KNEE_UNSEEN = "knee not seen through the lowering"
BOTTOM_UNSEEN = "knee not seen clearly at the bottom of the lowering, where a fall would show"
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
    ``knee_deg``, computed over the whole series (so the window reaches past the rep's ends).

    The threshold is max(``break_speed_ratio`` x the lowering's median speed, ``break_min_dps``).
    The fall ends where the knee first comes within ``bottom_tol_deg`` of its straightest. The
    break is the earliest sample from which the knee straightens faster than the threshold over
    every stretch of at least ``speed_window_s`` up to the fall's end (the mean speed from it to
    each later sample): a fall that stays fast to the bottom, where a single frame's speed would
    dip and jump with the pose's jitter. A fall shorter than ``min_fall_deg`` is no break."""
    nan = float("nan")
    sl = slice(i_start, i_turn + 1)
    knee, speed, t = knee_deg[sl], speed_dps[sl], t_s[sl]
    seen = np.isfinite(knee)
    fast_seen = seen & np.isfinite(speed)
    if fast_seen.sum() < MIN_SAMPLES:
        return nan, nan, nan, nan, KNEE_UNSEEN
    controlled = float(np.median(speed[fast_seen]))
    threshold = max(cfg.break_speed_ratio * controlled, cfg.break_min_dps)
    idx = np.flatnonzero(seen)
    kk, tt = knee[idx], t[idx]
    end = int(np.flatnonzero(kk <= kk.min() + cfg.bottom_tol_deg)[0])
    first = end
    for j in range(end - 1, -1, -1):
        later = slice(j + 1, end + 1)
        dt = tt[later] - tt[j]
        long = dt >= cfg.speed_window_s
        if long.any() and not np.all((kk[j] - kk[later][long]) / dt[long] > threshold):
            break
        first = j
    if first == end or kk[first] - kk[end] < cfg.min_fall_deg:
        return nan, nan, controlled, nan, NO_BREAK
    i_break, i_end = int(idx[first]), int(idx[end])
    before = fast_seen[:i_break]
    if before.sum() >= MIN_SAMPLES:  # the steady speed from the controlled part alone
        controlled = float(np.median(speed[:i_break][before]))
    fall = speed[i_break : i_end + 1]
    peak = float(np.nanmax(fall)) if np.isfinite(fall).any() else nan
    return float(knee[i_break]), float(t[i_break]), controlled, peak, ""


def pike(
    t_s: np.ndarray, hip_deg: np.ndarray, knee_deg: np.ndarray, i_start: int, i_turn: int,
    cfg: NordicConfig,
) -> tuple[float, float, float, str]:
    """One rep's pike over its lowering: (the most the hip flexes past its angle kneeling tall,
    held for ``pike_hold_s`` (a rolling median), when, that kneeling-tall hip angle, the reason
    it is NaN or ""). Kneeling tall is the median hip over the lowering's first ``tall_frac`` of
    the knee's travel."""
    nan = float("nan")
    sl = slice(i_start, i_turn + 1)
    hip, knee, t = hip_deg[sl], knee_deg[sl], t_s[sl]
    if np.isfinite(hip).sum() < MIN_SAMPLES:
        return nan, nan, nan, HIP_UNSEEN
    tall = np.isfinite(hip)
    if np.isfinite(knee).sum() >= MIN_SAMPLES:
        k0 = float(np.median(knee[np.isfinite(knee)][:3]))  # the knee as the rep starts
        travel = k0 - float(np.nanmin(knee))
        with np.errstate(invalid="ignore"):
            early = (k0 - knee) <= cfg.tall_frac * travel
        early[: np.argmax(np.isfinite(knee))] = True  # unseen knee before its first reading: early
        early &= np.cumprod(early).astype(bool)  # only the start, before the knee first moves on
        if (tall & early).sum() >= 3:
            tall &= early
    start = float(np.median(hip[tall])) if tall.any() else nan
    # the level held pike_hold_s, centred on each sample (the window reaches past the turn)
    i0, i1 = _window_span(t_s, i_start, i_turn, cfg.pike_hold_s)
    held = rolling_median(t_s[i0:i1], hip_deg[i0:i1] - start, cfg.pike_hold_s)
    excess = held[i_start - i0 : i_turn + 1 - i0]
    if not np.isfinite(excess).any():
        return nan, nan, start, HIP_UNSEEN
    k = int(np.nanargmax(excess))
    return float(excess[k]), float(t[k]), start, ""


def _window_span(t_s: np.ndarray, i_start: int, i_end: int, window_s: float) -> tuple[int, int]:
    """[i0, i1): samples ``i_start``..``i_end`` and half a window either side."""
    i0 = int(np.searchsorted(t_s, t_s[i_start] - window_s / 2, side="left"))
    i1 = int(np.searchsorted(t_s, t_s[i_end] + window_s / 2, side="right"))
    return i0, i1


def rolling_median(t_s: np.ndarray, values: np.ndarray, window_s: float) -> np.ndarray:
    """(n,) the median of the finite values within ``window_s / 2`` of each sample, in time: a
    level held that long, where a few frames' glitch (another person's hip, a landmark swap)
    does not count. NaN where the sample itself is missing."""
    lo = np.searchsorted(t_s, t_s - window_s / 2, side="left")
    hi = np.searchsorted(t_s, t_s + window_s / 2, side="right")
    out = np.full(len(values), np.nan)
    for i in np.flatnonzero(np.isfinite(values)):
        w = values[lo[i] : hi[i]]
        out[i] = float(np.median(w[np.isfinite(w)]))
    return out


def piked_span(
    t_s: np.ndarray, hip_deg: np.ndarray, rep: Rep, start_deg: float, cfg: NordicConfig
) -> tuple[float, float]:
    """The first and last time over the rep's lowering the hip was flexed past ``pike_flag_deg``
    beyond ``start_deg``."""
    sl = slice(rep.i_start, rep.i_turn + 1)
    with np.errstate(invalid="ignore"):
        over = np.flatnonzero(hip_deg[sl] - start_deg > cfg.pike_flag_deg)
    t = t_s[sl]
    return (float(t[over[0]]), float(t[over[-1]])) if over.size else (rep.start_s, rep.turn_s)


def rep_side(conf: np.ndarray, i_start: int, i_turn: int, cfg: NordicConfig) -> int | None:
    """The side (0 left, 1 right) whose angle to trust over a rep's lowering, from an (n, 2)
    confidence: the one seen clearly (mean confidence at least ``side_min_conf``) and at least
    ``side_conf_margin`` better than the other (side-on, the far leg is hidden and MediaPipe
    guesses it, tens of degrees off as the body nears the floor); None otherwise (then both
    sides' mean: from an oblique view neither side is seen clearly, and each alone can be off)."""
    c = np.nan_to_num(conf[i_start : i_turn + 1]).mean(axis=0)
    best = int(np.argmax(c))
    if c[best] < cfg.side_min_conf or c[best] - c[1 - best] < cfg.side_conf_margin:
        return None
    return best


def _seen_at_bottom(t_s: np.ndarray, conf: np.ndarray, side: int | None, r: Rep, cfg: NordicConfig) -> bool:
    """Whether the knee read was seen with at least ``knee_min_conf`` over the lowering's last
    ``bottom_s`` (MediaPipe loses the legs as the body nears the floor, and its guess there can
    hide a fall)."""
    sl = slice(int(np.searchsorted(t_s, t_s[r.i_turn] - cfg.bottom_s)), r.i_turn + 1)
    c = np.nan_to_num(conf[sl] if side is None else conf[sl, side])
    c = c.max(axis=1) if c.ndim == 2 else c
    return bool(c.min() >= cfg.knee_min_conf)


def _side_series(ch: Channel, side: int | None) -> np.ndarray:
    return ch.values[:, side] if side is not None else mean_present(ch.values, axis=1)


def view_reason(view: ViewEstimate, cfg: NordicConfig) -> str:
    """Why this view cannot judge a Nordic, in words; "" when it can (the hips within
    90 - ``min_yaw_deg`` of side-on)."""
    if np.isfinite(view.yaw_deg) and view.yaw_deg >= cfg.min_yaw_deg:
        return ""
    off = f" ({90 - view.yaw_deg:.0f} deg off side-on)" if np.isfinite(view.yaw_deg) else ""
    return (f"not judged from {'an' if view.label[:1] in 'aeiou' else 'a'} {view.label} view{off}: knee and "
            f"hip angles are read too far off there; film within {90 - cfg.min_yaw_deg:.0f} deg of side-on")


def nordic_reps(
    t_s: np.ndarray, knee: Channel, hip: Channel, reps: list[Rep], view: ViewEstimate, cfg: NordicConfig,
) -> list[NordicRep]:
    """Each rep's pike and break point from the smoothed knee and hip flexion channels (n, 2):
    per rep, the side seen far better than the other (``rep_side``), else both sides' mean.
    Neither is judged from a ``view`` more than 90 - ``cfg.min_yaw_deg`` off side-on."""
    out = []
    nan = float("nan")
    speeds = {}
    why = view_reason(view, cfg)
    for r in reps:
        short = (f"not judged: the lowering took {r.away_s:.2f} s, too short for a Nordic's (under "
                 f"{cfg.min_lowering_s:g} s)" if r.away_s < cfg.min_lowering_s else "")
        if why or short:
            out.append(NordicRep(r.index, nan, nan, False, nan, nan, nan, nan, nan, why or short, why or short))
            continue
        k_side = rep_side(knee.conf, r.i_start, r.i_turn, cfg)
        h_side = rep_side(hip.conf, r.i_start, r.i_turn, cfg)
        knee_deg, hip_deg = _side_series(knee, k_side), _side_series(hip, h_side)
        if k_side not in speeds:
            speeds[k_side] = extension_speed_dps(t_s, knee_deg, cfg.speed_window_s)
        knee_at, t_break, controlled, fall, reason = break_point(
            t_s, knee_deg, speeds[k_side], r.i_start, r.i_turn, cfg)
        if reason == NO_BREAK and not _seen_at_bottom(t_s, knee.conf, k_side, r, cfg):
            reason = BOTTOM_UNSEEN
        pike_deg, t_pike, start, pike_reason = pike(t_s, hip_deg, knee_deg, r.i_start, r.i_turn, cfg)
        out.append(NordicRep(
            r.index, start, pike_deg, bool(pike_deg > cfg.pike_flag_deg), t_pike, knee_at, t_break,
            controlled, fall, reason, pike_reason, h_side,
        ))
    return out


def pike_faults(
    nordic: list[NordicRep], reps: list[Rep], t_s: np.ndarray, hip: Channel, cfg: NordicConfig
) -> list[Fault]:
    """A "nordic_pike" fault for each piked rep, spanning the frames the hips were flexed past the
    threshold."""
    by_index = {r.index: r for r in reps}
    out = []
    for x in nordic:
        if not x.piked or x.rep not in by_index:
            continue
        a, b = piked_span(t_s, _side_series(hip, x.hip_side), by_index[x.rep], x.hip_start_deg, cfg)
        out.append(Fault(
            "nordic_pike", x.rep, a, b, x.pike_deg,
            f"rep {x.rep}: hips piked {x.pike_deg:.0f} deg while lowering ({a:.1f}-{b:.1f} s); "
            "squeeze the glutes and keep a straight line from knee to head",
        ))
    return out


def nordic_technique(
    m: Measures, reps: list[Rep], family: str | None, posture: str | None, cfg: NordicConfig,
) -> tuple[list[NordicRep], list[Fault]]:
    """``nordic_reps`` and their ``pike_faults`` for a Nordic set (``is_nordic``) from the smoothed
    measures; ([], []) otherwise."""
    if not is_nordic(family, posture):
        return [], []
    nordic = nordic_reps(m.t_s, m.knee_deg, m.hip_deg, reps, m.view, cfg)
    return nordic, pike_faults(nordic, reps, m.t_s, m.hip_deg, cfg)


def kneeling_tall_hip_deg(
    t_s: np.ndarray, hip_deg: np.ndarray, knee_deg: np.ndarray, scale: RepScale, tall_frac: float,
    rest_s: float,
) -> float:
    """Live: the hips' median over the last ``rest_s`` the knee was kneeling tall (within
    ``tall_frac`` of the rep scale's rest) before now, as the recorded analysis takes a rep's
    start; found in hindsight, so the first rep (whose scale is learnt mid-lowering) gets one too."""
    t, hip = np.asarray(t_s, float), np.asarray(hip_deg, float)
    with np.errstate(invalid="ignore"):
        x = (np.asarray(knee_deg, float) - scale.rest) / scale.span
        tall = np.flatnonzero((x <= tall_frac) & np.isfinite(hip))
    if tall.size == 0:
        return float("nan")
    last = tall[t[tall] >= t[tall[-1]] - rest_s]
    return float(np.median(hip[last]))
