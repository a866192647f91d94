"""The low back: rib-over-pelvis stacking per frame, and one of three states per rep.

Per frame (``BackFrames``, DOMAIN.md "Rib-over-pelvis stack"), from the back's outline in the
segmentation mask (pose/outline.py: K points from the hips to the shoulders) and the trunk's
landmarks:

- ``lumbar_deg``: the lumbar outline's bend (hips to 3/4 of the trunk) past what a neutral back
  shows at that hip angle, + = arched (extension), - = rounded (flexion);
- ``pelvis_tilt_deg``: the pelvis's back line (outline 0-25 % of the trunk) against the rib
  cage's (62-100 %), + = pelvis tipped forward under the ribs;
- ``rib_offset_pct``: where the lower rib cage's back (75 %) sits off the pelvis's back line
  carried up, in % of the trunk's length, + = behind it (out of stack into extension);
- ``lean_back_deg``: the trunk (hips to shoulders) behind vertical, read in the sagittal plane
  (the image lean undone for the camera's yaw), + = leaning back.

Per rep (``RepBack``), from the start of the pull to lockout and back down, the top included
(``judge_windows``): **extended** when the back arched in the hinge (``lumbar_deg`` above
``BackConfig.extended_deg``) or the lifter leaned back at lockout (``lean_back_deg`` above
``lean_back_deg``); **flexed** when it rounded in the hinge (``lumbar_deg`` below
``-flexed_deg``); otherwise **neutral**; or **not judged**, with the reason. Frames outside reps
(walk-in, set-up, set-down) are never judged. Pure numpy: no cv2, no mediapipe.
"""

from __future__ import annotations

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.frame_view import BackGauge
from formcheck.analysis.outline import back_points_px
from formcheck.config import BackConfig
from formcheck.geometry import trunk_perpendiculars
from formcheck.types import (
    BACK_STATE_OF_CODE,
    EXTENDED,
    FLEXED,
    NEUTRAL,
    NOT_JUDGED,
    BackCall,
    BackFrames,
    Fault,
    PoseSequence,
    Rep,
    RepBack,
    ViewEstimate,
)

BACK_FAULTS = ("lumbar_extension", "lean_back", "back_rounded")  # back_faults' kinds
PELVIS_LEVELS = (0.0, 0.25)  # the pelvis's back line: outline points at these trunk fractions
RIB_LEVELS = (0.625, 1.0)  # the rib cage's back line
LOWER_RIB_LEVEL = 0.75  # the lower rib cage's back, whose offset from the pelvis line is read
LUMBAR_TOP_LEVEL = 0.75  # the lumbar outline runs from the hips to here


def _level_point(pts: np.ndarray, level: float) -> np.ndarray:
    """(n, 2) outline point at a trunk fraction (interpolated between the K levels)."""
    k = pts.shape[1]
    x = level * (k - 1)
    i = min(int(np.floor(x)), k - 2)
    f = x - i
    return pts[:, i] * (1 - f) + pts[:, i + 1] * f


def _signed_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle from vectors a to b (n, 2), degrees, + counter-clockwise in x-right/y-down pixels."""
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    return np.degrees(np.arctan2(cross, np.sum(a * b, axis=1)))


def lean_back_deg(hip_xy: np.ndarray, shoulder_xy: np.ndarray, facing: int, yaw_deg: float) -> np.ndarray:
    """(n,) the trunk behind vertical in the sagittal plane, + = leaning back. The image lean is
    the sagittal one foreshortened by sin(yaw) across the image: tan(image) = tan(sagittal) *
    sin(yaw). NaN unless the facing is known."""
    n = len(hip_xy)
    if facing == 0 or not np.isfinite(yaw_deg) or yaw_deg <= 0:
        return np.full(n, np.nan)
    axis = np.asarray(shoulder_xy, float) - np.asarray(hip_xy, float)
    with np.errstate(invalid="ignore"):
        img = np.arctan2(axis[:, 0] * facing, -axis[:, 1])  # + = shoulders ahead of the hips
        sag = np.arctan2(np.sin(img), np.cos(img) * np.sin(np.radians(yaw_deg)))
    return -np.degrees(sag)


def lean_back_of(xy_px: np.ndarray | None, view: ViewEstimate) -> float:
    """One frame's lean behind vertical from its (P, 2) landmarks (live), NaN without them."""
    if xy_px is None:
        return float("nan")
    xy = np.asarray(xy_px, np.float64)[None]
    hip, sho = np.mean(xy[:, list(sk.HIP)], axis=1), np.mean(xy[:, list(sk.SHOULDER)], axis=1)
    return float(lean_back_deg(hip, sho, view.facing, view.yaw_deg)[0])


class LiveBackJudge:
    """Live, one frame at a time, the low back as the recorded analysis judges a rep: the rep's
    hinge frames so far by their median (once ``live_min_hinge_s`` of them were seen), its top
    frames so far by ``lean_back_quantile`` (``min_frames`` of them first), in a hinge set seen
    from within ``min_yaw_deg`` of side-on, during a rep and ``lockout_hold_s`` after it
    (``after_lockout``), never between reps. A new rep (``rep_no``) starts afresh."""

    def __init__(self, cfg: BackConfig) -> None:
        self.cfg = cfg
        self._rep = -1
        self._hinge: list[float] = []
        self._top: list[float] = []
        self._hinge_from_s = float("nan")

    def update(self, t_s: float, hinge_set: bool, view: ViewEstimate, rep_no: int, rep_state: str,
               after_lockout: bool, hip_deg: float, lumbar_deg: float, lean_back: float,
               standing_deg: float) -> BackGauge:
        cfg = self.cfg
        if not hinge_set or not (view.yaw_deg >= cfg.min_yaw_deg) or view.facing == 0:
            return BackGauge(note="not judged")
        if rep_state == "rest" and not after_lockout:
            return BackGauge(note="between reps")
        if rep_no != self._rep:
            self._rep, self._hinge, self._top, self._hinge_from_s = rep_no, [], [], float("nan")
        with np.errstate(invalid="ignore"):
            hinge = not arch_reason(view, standing_deg, cfg) and hip_deg >= cfg.min_hip_deg
            top = rep_state in ("back", "rest") and hip_deg < cfg.top_max_hip_deg
        if hinge and np.isfinite(lumbar_deg):
            self._hinge.append(lumbar_deg)
            if not np.isfinite(self._hinge_from_s):
                self._hinge_from_s = t_s
            seen = len(self._hinge) >= cfg.min_frames and t_s - self._hinge_from_s >= cfg.live_min_hinge_s
            level = float(np.median(self._hinge)) if seen else 0.0
            code = 1 if level > cfg.extended_deg else -1 if level < -cfg.flexed_deg else 0
            name = BACK_STATE_OF_CODE[code]
            return BackGauge(name, "arch", lumbar_deg, cfg.extended_deg, cfg.flexed_deg, "")
        if top and np.isfinite(lean_back):
            self._top.append(lean_back)
            enough = len(self._top) >= cfg.min_frames
            level = float(np.percentile(self._top, cfg.lean_back_quantile)) if enough else 0.0
            name = EXTENDED if level > cfg.lean_back_deg else NEUTRAL
            return BackGauge(name, "lean", lean_back, cfg.lean_back_deg, float("nan"), "")
        return BackGauge(note="in the rep")


def stack_measures(
    pose: PoseSequence, facing: int
) -> tuple[np.ndarray, np.ndarray]:
    """(pelvis_tilt_deg, rib_offset_pct), each (n,), from the back's outline; NaN where the
    outline or the facing is missing."""
    n, k = pose.back_offset_px.shape[:2]
    if facing == 0 or k < 5:
        return np.full(n, np.nan), np.full(n, np.nan)
    hip = np.mean(pose.xy_px[:, sk.HIP], axis=1)
    sho = np.mean(pose.xy_px[:, sk.SHOULDER], axis=1)
    # side 0's perpendicular points image-right while the trunk is above horizontal: a lifter
    # facing right has their back on side 1 (analysis.measures._arch_deg)
    pts = back_points_px(hip, sho, pose.back_offset_px, np.full(n, 1.0 if facing > 0 else 0.0))
    p0, p1 = _level_point(pts, PELVIS_LEVELS[0]), _level_point(pts, PELVIS_LEVELS[1])
    r0, r1 = _level_point(pts, RIB_LEVELS[0]), _level_point(pts, RIB_LEVELS[1])
    pelvis, ribs = p1 - p0, r1 - r0
    tilt = _signed_angle_deg(ribs, pelvis) * facing
    front = trunk_perpendiculars(sho - hip)[:, 0 if facing > 0 else 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        u = pelvis / np.linalg.norm(pelvis, axis=1, keepdims=True)
        normal = np.stack([-u[:, 1], u[:, 0]], axis=1)
        normal *= -np.sign(np.sum(normal * front, axis=1))[:, None]  # toward the back
        rib = _level_point(pts, LOWER_RIB_LEVEL)
        length = np.linalg.norm(sho - hip, axis=1)
        offset = 100.0 * np.sum((rib - p0) * normal, axis=1) / length
    return tilt, offset


def neutral_bend_deg(hip_deg: np.ndarray, cfg: BackConfig) -> np.ndarray:
    """The lumbar outline's bend a neutral back shows at each hip angle."""
    return cfg.neutral_slope * np.asarray(hip_deg, float) + cfg.neutral_offset_deg


def judge_windows(t_s: np.ndarray, reps: list[Rep], hold_s: float) -> list[tuple[int, int, int]]:
    """Per rep (first, turn, last) sample indices judged: from its start to its end plus up to
    ``hold_s`` of lockout, never past the next rep's start."""
    out = []
    for j, r in enumerate(reps):
        stop = reps[j + 1].i_start - 1 if j + 1 < len(reps) else len(t_s) - 1
        last = int(np.searchsorted(t_s, t_s[r.i_end] + hold_s, side="right")) - 1
        out.append((r.i_start, r.i_turn, max(r.i_end, min(last, stop))))
    return out


def standing_value_deg(values: np.ndarray, standing: np.ndarray, min_frames: int = 5) -> float:
    """The lifter's own standing value of an outline measure: the median over ``standing`` frames,
    NaN with fewer than ``min_frames`` of them seen. Clothing, glutes and build shift the outline
    by tens of degrees between lifters; a neutral back is measured from this."""
    a = np.asarray(values, float)[np.asarray(standing, bool)]
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size >= min_frames else float("nan")


def walk_in(t_s: np.ndarray, at_rest: np.ndarray, first_rep_s: float, min_s: float) -> np.ndarray:
    """(n,) the frames the lifter stands at rest before the first rep starts, or none when that
    standing lasts under ``min_s``. Only these are the standing reference: the top of a rep (a
    loaded bar held at lockout, perhaps leaning back) read plate deadlifts that start from the
    floor 8-13 deg 'arched' against their own rep tops (bench/back.py --footage)."""
    t = np.asarray(t_s, float)
    before = np.asarray(at_rest, bool) & (t < first_rep_s)
    if not before.any():
        return before
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    return before if before.sum() * dt >= min_s else np.zeros_like(before)


def back_frames(
    pose: PoseSequence, arch_deg: np.ndarray, hip_deg: np.ndarray, standing: np.ndarray,
    view: ViewEstimate, cfg: BackConfig,
) -> tuple[BackFrames, float]:
    """Every per-frame stacking measure (judging comes later, per rep), and the lifter's standing
    value of the measure that judges the hinge (``cfg.hinge_measure``: "tilt", the pelvis against
    the rib cage, or "bend", the lumbar outline's bend, Measures.arch_deg). ``lumbar_deg`` is that
    measure past its standing value, less what a neutral back adds as the hips flex. ``hip_deg``
    (n,) is the hip flexion, ``standing`` the frames of the lifter's standing reference (walk_in)."""
    hip = np.mean(pose.xy_px[:, sk.HIP], axis=1)
    sho = np.mean(pose.xy_px[:, sk.SHOULDER], axis=1)
    frames = BackFrames.empty(pose.t_s)
    frames.pelvis_tilt_deg, frames.rib_offset_pct = stack_measures(pose, view.facing)
    frames.lean_back_deg = lean_back_deg(hip, sho, view.facing, view.yaw_deg)
    series = frames.pelvis_tilt_deg if cfg.hinge_measure == "tilt" else np.asarray(arch_deg, float)
    base = standing_value_deg(series, standing)
    ref = base if cfg.hinge_reference == "standing" else 0.0
    frames.lumbar_deg = series - ref - neutral_bend_deg(hip_deg, cfg)
    return frames, base


def set_reason(family: str | None, alternative: str | None, view: ViewEstimate, cfg: BackConfig) -> str:
    """Why the set's back cannot be judged at all ("" when it can)."""
    if family != "hinge" or alternative is not None:
        what = ("hinge or squat could not be told apart" if alternative is not None
                else f"this set is {_family_words(family)}")
        return f"the low back is judged by hinge rules (RDL, deadlift) only; {what}"
    if not np.isfinite(view.yaw_deg) or view.yaw_deg < cfg.min_yaw_deg:
        off = 90.0 - view.yaw_deg if np.isfinite(view.yaw_deg) else float("nan")
        where = f"{off:.0f} deg off side-on" if np.isfinite(off) else "at an unknown angle"
        return (f"the camera is {where}; the low back is judged from within "
                f"{90.0 - cfg.min_yaw_deg:.0f} deg of side-on, where the back's profile shows")
    if view.facing == 0:
        return "which way the lifter faces could not be told, so the back's side is unknown"
    return ""


def _family_words(family: str | None) -> str:
    return {"squat": "a squat", "knee_flexion": "a knee-flexion exercise (Nordic or leg curl)",
            None: "not recognised as an exercise"}.get(family, family or "")


def _trunk_in_frame(pose: PoseSequence, min_visibility: float) -> np.ndarray:
    """(n,) both hips and both shoulders seen and inside the frame."""
    pts = pose.xy_px[:, [*sk.HIP, *sk.SHOULDER]]
    vis = pose.visibility[:, [*sk.HIP, *sk.SHOULDER]] >= min_visibility
    inside = ((pts[..., 0] >= 0) & (pts[..., 0] < pose.width_px)
              & (pts[..., 1] >= 0) & (pts[..., 1] < pose.height_px))
    head = pose.visibility[:, sk.NOSE] >= min_visibility
    return np.all(vis & inside, axis=1) & head


def arch_reason(view: ViewEstimate, standing_deg: float, cfg: BackConfig) -> str:
    """Why arching and rounding cannot be judged in this set ("" when they can)."""
    if view.yaw_deg < cfg.arch_min_yaw_deg:
        return (f"arching and rounding are read from the back's profile, within "
                f"{90.0 - cfg.arch_min_yaw_deg:.0f} deg of side-on (this camera: {90.0 - view.yaw_deg:.0f} deg)")
    if not np.isfinite(standing_deg) and cfg.hinge_reference == "standing":
        return ("the lifter was not seen standing still before the first rep, so their own neutral "
                "back is unknown (start the clip standing tall for a second)")
    return ""


def judge_back(
    pose: PoseSequence, frames: BackFrames, hip_deg: np.ndarray, reps: list[Rep],
    rep_is_hinge: list[bool], set_why_not: str, view: ViewEstimate, standing_deg: float,
    cfg: BackConfig, min_visibility: float,
) -> BackCall:
    """Each rep's back state (see the module docstring); fills ``frames.hinge/top/state/value``."""
    if set_why_not:
        return BackCall(False, set_why_not, [], frames, standing_deg)
    if not reps:
        return BackCall(False, "no reps were found to judge", [], frames, standing_deg)
    why_no_arch = arch_reason(view, standing_deg, cfg)
    if why_no_arch:
        frames.lumbar_deg = np.full(len(frames.t_s), np.nan)
    t = frames.t_s
    trunk_ok = _trunk_in_frame(pose, min_visibility)
    out = []
    for rep, hinge_rep, (a, turn, b) in zip(reps, rep_is_hinge, judge_windows(t, reps, cfg.lockout_hold_s)):
        sl = slice(a, b + 1)
        hip = np.asarray(hip_deg[sl], float)
        with np.errstate(invalid="ignore"):
            deep = hip >= cfg.min_hip_deg
            top = (hip < cfg.top_max_hip_deg) & (np.arange(a, b + 1) >= turn)
        reason = _rep_reason(hinge_rep, deep, top, trunk_ok[sl], frames.lumbar_deg[sl], bool(why_no_arch),
                             frames.lean_back_deg[sl], cfg)
        if reason:
            out.append(RepBack(rep.index, NOT_JUDGED, np.nan, np.nan, np.nan, np.nan, reason=reason,
                               i_first=a, i_last=b))
            continue
        lum, lean = frames.lumbar_deg[sl], frames.lean_back_deg[sl]
        hinge_ok = deep & np.isfinite(lum) & trunk_ok[sl]
        top_ok = top & np.isfinite(lean) & trunk_ok[sl]
        arch = float(np.median(lum[hinge_ok])) if hinge_ok.any() else float("nan")
        enough_top = top_ok.sum() >= cfg.min_frames
        lean_q = float(np.percentile(lean[top_ok], cfg.lean_back_quantile)) if enough_top else np.nan
        by = []
        if arch > cfg.extended_deg:  # NaN (not read from this camera) is never a flag
            by.append("arch")
        if lean_q > cfg.lean_back_deg:
            by.append("lean back")
        state = EXTENDED if by else FLEXED if arch < -cfg.flexed_deg else NEUTRAL
        out.append(RepBack(
            rep.index, state, arch, lean_q,
            _median(frames.pelvis_tilt_deg[sl][hinge_ok]), _median(frames.rib_offset_pct[sl][hinge_ok]),
            " and ".join(by), i_first=a, i_last=b,
        ))
        _mark_frames(frames, a, hinge_ok, top_ok, lum, lean, cfg, state, by)
    return BackCall(True, "", out, frames, standing_deg, not why_no_arch, why_no_arch)


def _median(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _rep_reason(hinge_rep: bool, deep: np.ndarray, top: np.ndarray, trunk_ok: np.ndarray,
                lumbar: np.ndarray, lean_only: bool, lean: np.ndarray, cfg: BackConfig) -> str:
    if not hinge_rep:
        return "not a clear hinge"
    if deep.sum() < cfg.min_frames:
        return f"the hips never flexed {cfg.min_hip_deg:.0f} deg (no hinge to judge)"
    if trunk_ok[deep].mean() < cfg.min_outline_share:
        return "the head, shoulders or hips left the frame or were hidden in the hinge"
    if lean_only:
        if (top & trunk_ok & np.isfinite(lean)).sum() < cfg.min_frames:
            return "the lockout was not seen (the head, shoulders or hips hidden or out of frame)"
        return ""
    if (np.isfinite(lumbar[deep]) & trunk_ok[deep]).mean() < cfg.min_outline_share:
        return ("the back's outline was hidden in the hinge (arms, bar, plates or loose clothing "
                "over it, or no segmentation mask)")
    return ""


def frame_states(
    lumbar_deg: np.ndarray, lean_back: np.ndarray, hinge: np.ndarray, top: np.ndarray, cfg: BackConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Per frame (state code, value judged): hinge frames by their ``lumbar_deg`` (+1 above
    ``extended_deg``, -1 below ``-flexed_deg``), top frames by their lean behind vertical (+1 above
    ``lean_back_deg``); NaN elsewhere or where the value is missing. The recorded analysis marks
    a judged rep's frames with it, and live judges each frame with it."""
    lum, lean = np.asarray(lumbar_deg, float), np.asarray(lean_back, float)
    hinge = np.asarray(hinge, bool) & np.isfinite(lum)
    top = np.asarray(top, bool) & ~hinge & np.isfinite(lean)
    code = np.full(lum.shape, np.nan)
    value = np.full(lum.shape, np.nan)
    with np.errstate(invalid="ignore"):
        code[hinge] = np.where(lum[hinge] > cfg.extended_deg, 1, np.where(lum[hinge] < -cfg.flexed_deg, -1, 0))
        code[top] = np.where(lean[top] > cfg.lean_back_deg, 1, 0)
    value[hinge], value[top] = lum[hinge], lean[top]
    return code, value


def _mark_frames(frames: BackFrames, a: int, hinge_ok: np.ndarray, top_ok: np.ndarray,
                 lum: np.ndarray, lean: np.ndarray, cfg: BackConfig, state: str, by: list[str]) -> None:
    """Per-frame state over one judged rep: the hinge by its lumbar reading, the top by its lean,
    each past its flag only where the rep itself was called so (a neutral rep's brief dips are
    not painted as faults: the rep's median or percentile decides, as in the verdict)."""
    sl = slice(a, a + len(hinge_ok))
    code, value = frame_states(lum, lean, hinge_ok, top_ok, cfg)
    hinge_call = 1 if "arch" in by else -1 if state == FLEXED else 0
    top_call = 1 if "lean back" in by else 0
    is_hinge = hinge_ok & np.isfinite(code)
    is_top = top_ok & ~hinge_ok & np.isfinite(code)
    code[is_hinge & (code != hinge_call)] = 0
    code[is_top & (code != top_call)] = 0
    frames.hinge[sl] = is_hinge
    frames.top[sl] = is_top
    frames.state[sl] = code
    frames.value_deg[sl] = value


def back_faults(call: BackCall, reps: list[Rep], t_s: np.ndarray) -> list[Fault]:
    """One fault per extended or flexed rep: "lumbar_extension" (arched in the hinge),
    "lean_back" (leaning back at lockout), "back_rounded" (flexed), spanning the frames that
    showed it."""
    if not call.judged or call.frames is None:
        return []
    by_index = {r.index: r for r in reps}
    f = call.frames
    out = []
    for rb in call.reps:
        rep = by_index.get(rb.rep_index)
        if rep is None or rb.state not in (EXTENDED, FLEXED):
            continue
        kinds = []
        if "arch" in rb.extended_by:
            kinds.append(("lumbar_extension", f.hinge & (f.state == 1), rb.arch_deg,
                          f"rep {rb.rep_index}: low back arched about {rb.arch_deg:.0f} deg past neutral "
                          "in the hinge; ribs down, brace before you hinge"))
        if "lean back" in rb.extended_by:
            kinds.append(("lean_back", f.top & (f.state == 1), rb.lean_back_deg,
                          f"rep {rb.rep_index}: leaned back about {rb.lean_back_deg:.0f} deg behind vertical "
                          "at lockout; finish tall, ribs stacked over the pelvis"))
        if rb.state == FLEXED:
            kinds.append(("back_rounded", f.hinge & (f.state == -1), rb.arch_deg,
                          f"rep {rb.rep_index}: low back rounded about {-rb.arch_deg:.0f} deg past neutral "
                          "in the hinge; chest proud, push the hips back"))
        for kind, mask, value, text in kinds:
            span = np.flatnonzero(mask[rb.i_first : rb.i_last + 1]) + rb.i_first
            a, b = (span[0], span[-1]) if span.size else (rep.i_start, rep.i_end)
            out.append(Fault(kind, rb.rep_index, float(t_s[a]), float(t_s[b]), float(value), text))
    return out


def _rep_list(reps: list[RepBack]) -> str:
    """ "rep 2", "reps 1-10", "reps 1, 3 and 5-7"."""
    idx = sorted(r.rep_index for r in reps)
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    words = [w for r in runs for w in ([f"{r[0]}-{r[-1]}"] if len(r) > 2 else map(str, r))]
    if len(idx) == 1:
        return f"rep {idx[0]}"
    return "reps " + (words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1])


def back_sentences(call: BackCall | None) -> list[str]:
    """The verdict's words on the low back: never silent. Each state's reps with their size, the
    reps not judged with why, or why the set's back was not judged at all."""
    if call is None:
        return []
    if not call.judged:
        return [f"Low back not judged: {call.reason}."]
    out = []
    arched = [r for r in call.reps if "arch" in r.extended_by]
    leaned = [r for r in call.reps if "lean back" in r.extended_by]
    rounded = call.reps_in(FLEXED)
    neutral = call.reps_in(NEUTRAL)
    unjudged = call.reps_in(NOT_JUDGED)
    if arched:
        worst = max(r.arch_deg for r in arched)
        out.append(f"Low back arched in the hinge in {_rep_list(arched)} (up to {worst:.0f} deg past neutral): "
                   "ribs down, brace before you hinge.")
    if leaned:
        worst = max(r.lean_back_deg for r in leaned)
        out.append(f"Leaned back at lockout in {_rep_list(leaned)} (up to {worst:.0f} deg behind vertical): "
                   "finish tall with the ribs stacked over the pelvis.")
    if rounded:
        worst = max(-r.arch_deg for r in rounded)
        out.append(f"Low back rounded in {_rep_list(rounded)} (up to {worst:.0f} deg past neutral): "
                   "chest proud, push the hips back.")
    if neutral:
        every = len(neutral) == len(call.reps)
        what = "Low back neutral (ribs stacked over the pelvis)" if call.arch_judged else "No lean-back at lockout"
        n = len(neutral)
        every_word = "both reps" if n == 2 else f"all {n} reps"
        out.append(f"{what} in {every_word if every and n > 1 else _rep_list(neutral)}.")
    if unjudged:
        reasons = sorted({r.reason for r in unjudged})
        out.append(f"Low back not judged in {_rep_list(unjudged)}: {'; '.join(reasons)}.")
    blind_top = [r for r in call.reps if r.state != NOT_JUDGED and not np.isfinite(r.lean_back_deg)]
    if blind_top:
        out.append(f"Lockout not judged in {_rep_list(blind_top)}: the head, shoulders or hips were hidden "
                   "or out of frame at the top.")
    if not call.arch_judged and call.arch_reason and len(unjudged) < len(call.reps):
        out.append(f"Only the lockout was judged; arching and rounding in the hinge were not: {call.arch_reason}.")
    return out
