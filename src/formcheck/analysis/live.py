"""The recorded-set analysis (pipeline.py) fed one frame at a time, for `formcheck live`.

Each frame gets the same measures (measures.compute_measures over the last ``window_s`` of
frames), smoothed by a one-euro filter instead of the zero-phase Gaussian that needs the future.
What the recorded analysis estimates from the whole clip (the view, the movement family, the rest
and far ends of a rep, the lifter's standing back outline) is re-estimated every ``refresh_s`` from
the frames so far, with the same functions. Reps come from the same ``RepCounter``: when the
rep scale changes, the counter is rebuilt and the samples since the last finished rep are
replayed, so a rep is counted as the recorded analysis would count it, and a finished rep is never
taken back.

Pure numpy: the live loop (formcheck.live) owns the camera, the model, the window and the sound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck import vocab
from formcheck.analysis.back import (
    LiveBackJudge,
    lean_back_of,
    neutral_bend_deg,
    stack_measures,
    standing_value_deg,
    walk_in,
)
from formcheck.analysis.cues import CueLimiter, Hold, ZoneWatcher
from formcheck.analysis.family import classify_family
from formcheck.analysis.faults import squat_like
from formcheck.analysis.frame_view import BackGauge, FrameView
from formcheck.analysis.lift import SegmentLengths, pose_lengths
from formcheck.analysis.live_pose import Growing, LifterPicker, LiftersPose
from formcheck.analysis.measures import compute_measures
from formcheck.analysis.nordic import (
    break_point,
    extension_speed_dps,
    is_nordic,
    kneeling_tall_hip_deg,
    view_reason,
)
from formcheck.analysis.one_euro import OneEuroFilter
from formcheck.analysis.pipeline import (
    analyze_pose,
    away_is_eccentric,
    rest_is_low,
    working_knee_side,
)
from formcheck.analysis.posture import set_posture
from formcheck.analysis.reps import SETTLE_FRAC, RepCounter, RepScale, scale_from_series
from formcheck.analysis.smoothing import mean_present
from formcheck.analysis.standing import knee_zero_deg, standing_frames
from formcheck.analysis.toe_bias import call_toes
from formcheck.analysis.tracking import build_sequence
from formcheck.analysis.view import estimate_view
from formcheck.analysis.zones import zone_of, zone_seconds
from formcheck.config import EXERCISE_FAMILIES, Config, Zone
from formcheck.errors import InvalidOption
from formcheck.skeleton import MEDIAPIPE_POSE, N_LANDMARKS, KeypointLayout
from formcheck.types import (
    Fault,
    LegZones,
    PoseCandidate,
    PoseSequence,
    Rep,
    Report,
    ViewEstimate,
)

MIN_VIEW_FRAMES = 5  # frames with the lifter before the view is judged
TURN_FRAC = 0.05  # back from the rep's furthest point by this share of the range: returning
REST_HIPS_S = 0.5  # a Nordic's hips kneeling tall: their median over this much rest before the rep
BREAK_SAY_S = 4.0  # a Nordic's break point, not said at once (another cue just spoken), waits this long


@dataclass(frozen=True)
class LiveFrame:
    """What live analysis says at one frame: what to draw, and which sounds to play now."""

    view: FrameView
    sounds: tuple[str, ...]  # sound ids to play at this frame (tones and spoken cues)
    cue: str  # the spoken cue to show on screen now ("" for none)
    family: str | None
    target: str | None  # the head being trained, or None
    in_target_zone: bool  # the driving knee is in the target head's zone


class LiveAnalyzer:
    """Feed ``update(t_s, candidates)`` per processed frame; ``report()`` at the end gives the
    recorded-set analysis of the whole session (the same as `formcheck analyze` on it)."""

    def __init__(
        self, width_px: int, height_px: int, cfg: Config | None = None, *,
        exercise: str | None = None, target: str | None = None, source: str = "",
        layout: KeypointLayout = MEDIAPIPE_POSE,
    ) -> None:
        self.cfg = cfg = cfg or Config()
        if exercise is not None and exercise not in EXERCISE_FAMILIES:
            raise InvalidOption(f"unknown exercise family {exercise!r}; choose one of {', '.join(EXERCISE_FAMILIES)}")
        zones = {z.head: z for z in cfg.zones}
        if target is not None and target not in zones:
            raise InvalidOption(f"unknown target {target!r}; choose one of {', '.join(zones)}")
        self.exercise, self.target = exercise, target
        self.pose = LiftersPose(width_px, height_px, cfg.pose.outline_levels, source, layout)
        self.candidates: list[list[PoseCandidate]] = []  # every person seen, for report()
        self._picker = LifterPicker(cfg.track.max_jump_body, cfg.track.max_gap_s)
        lc = cfg.live
        self._filters = {k: OneEuroFilter(2, lc.smooth) for k in ("knee", "hip", "toe")}
        self._filters.update({k: OneEuroFilter(1, lc.smooth) for k in ("lean", "arch", "tilt", "lean_back")})
        self.knee = Growing((2,), np.float64)  # smoothed, per side
        self.hip = Growing((2,), np.float64)
        self.toe = Growing((2,), np.float64)
        self.lean = Growing((), np.float64)
        self.arch = Growing((), np.float64)
        self.pelvis_tilt = Growing((), np.float64)  # the pelvis against the rib cage (back.py)
        self.hip_mean = Growing((), np.float64)
        self.knee_drive = Growing((), np.float64)  # the knee flexion that drives the set
        self.lumbar_ext = Growing((), np.float64)  # the low back past neutral (analysis/back.py)
        self.view = ViewEstimate("unknown", float("nan"), 0, {})
        self.lengths: SegmentLengths | None = None  # the lifter's proportions (analysis/lift.py)
        self.knee_zero = np.zeros(2)  # each knee's standing-tall reading, taken off (analysis/standing.py)
        self.family = exercise
        self.family_locked = exercise is not None
        self.knee_side: int | None = None
        self.scale = RepScale(np.nan, np.nan)
        self.standing_deg = float("nan")  # the lifter's standing back outline (back.py)
        self.reps: list[Rep] = []  # finished reps; never taken back
        self._counter: RepCounter | None = None
        self._resume_i = 0  # the counter was started from this frame
        self._next_refresh_s = -np.inf
        self._limiter = CueLimiter(lc)
        self._zone = ZoneWatcher(zones[target], lc.zone_margin_deg, lc.zone_dwell_s) if target else None
        self._squat_hold, self._toe_hold = Hold(lc.fault_hold_s), Hold(lc.toe_hold_s)
        self._back_holds = {k: Hold(lc.fault_hold_s) for k in ("lumbar_extension", "lean_back", "back_rounded")}
        self._back = LiveBackJudge(cfg.back)
        self._cue, self._cue_until_s = "", -np.inf
        # Nordic: the hips kneeling tall before the rep under way (its pike is counted from there)
        # and the last rep whose break point was said
        self.posture: str | None = None
        self._pike_hold = Hold(cfg.nordic.pike_hold_s)
        self._hip_tall_deg = float("nan")
        self._announced_turn_s = -np.inf  # a rep judged again keeps its turn: said once
        self._break_cue: tuple[str, float] | None = None  # a break point still to say, and until when
        self._last_seen_s = float("nan")
        self._lost_cued = False
        self._peak_x = -np.inf  # the rep under way's furthest point so far (0 rest, 1 far end)

    # ------------------------------------------------------------------ per frame
    def update(self, t_s: float, candidates: list[PoseCandidate]) -> LiveFrame:
        if len(self.pose) and t_s <= self.pose.t_s.view()[-1]:
            raise ValueError(f"t_s must increase: {t_s} after {self.pose.t_s.view()[-1]}")
        self.candidates.append(candidates)
        k = self._picker.pick(t_s, candidates)
        lifter = candidates[k] if k is not None else None
        self.pose.append(t_s, lifter, len(candidates))
        i = len(self.pose) - 1
        if t_s >= self._next_refresh_s and lifter is not None:
            self._refresh_view(t_s)
        raw = self._measure_last(t_s)
        knee = self._filters["knee"].update(t_s, raw["knee"]) - self.knee_zero
        hip = self._filters["hip"].update(t_s, raw["hip"])
        toe = self._filters["toe"].update(t_s, raw["toe"])
        lean = float(self._filters["lean"].update(t_s, raw["lean"])[0])
        arch = float(self._filters["arch"].update(t_s, raw["arch"])[0])
        tilt = float(self._filters["tilt"].update(t_s, raw["tilt"])[0])
        lean_back = float(self._filters["lean_back"].update(t_s, np.array([lean_back_of(
            lifter.xy_px if lifter is not None else None, self.view)]))[0])
        self.knee.append(knee)
        self.hip.append(hip)
        self.toe.append(toe)
        self.lean.append(lean)
        self.arch.append(arch)
        self.pelvis_tilt.append(tilt)
        hip_mean = float(mean_present(hip[None], axis=1)[0])
        self.hip_mean.append(hip_mean)
        drive = float(knee[self.knee_side]) if self.knee_side is not None else float(
            mean_present(knee[None], axis=1)[0])
        self.knee_drive.append(drive)
        self._fill_gaps_behind()
        hinge_value = tilt if self.cfg.back.hinge_measure == "tilt" else arch
        ext = hinge_value - self.standing_deg - float(neutral_bend_deg(np.array(hip_mean), self.cfg.back))
        self.lumbar_ext.append(ext)

        if t_s >= self._next_refresh_s:
            self._next_refresh_s = t_s + self.cfg.live.refresh_s
            self._refresh_slow()  # may rebuild the rep counter and replay up to this frame
        elif self._counter is not None:
            self._feed(i)

        after, state = bool(self.reps) and t_s - self.reps[-1].end_s <= self.cfg.back.lockout_hold_s, self._rep_state()
        back = self._back.update(t_s, self.family == "hinge", self.view, len(self.reps) + (state != "rest"), state,
                                 after, hip_mean, ext, lean_back, self.standing_deg)  # as recorded (back.py)
        sounds, faults = self._cues(t_s, lifter is not None, toe, drive, hip_mean, lean, back)
        return self._frame(i, t_s, lifter, knee, toe, back, sounds, faults)

    def _fill_gaps_behind(self) -> None:
        """A value back after a short gap: the gap's samples in the history are interpolated, as
        the recorded analysis fills gaps up to ``smooth.max_gap_s`` (smoothing.fill_short_gaps).
        The frames already drawn showed the gap; rep zone times and re-judged reps use the fill."""
        t = self.pose.t_s.view()
        n = len(t)
        if n < 3:
            return
        max_gap_s = self.cfg.smooth.max_gap_s
        redo_from = n  # hip_mean and knee_drive are derived again from here on
        for g in (self.knee, self.hip, self.toe, self.lean, self.arch, self.pelvis_tilt):
            a = g.view()
            cols = a if a.ndim == 2 else a[:, None]
            for c in range(cols.shape[1]):
                col = cols[:, c]
                if not (np.isfinite(col[-1]) and np.isnan(col[-2])):
                    continue
                back = np.flatnonzero(np.isfinite(col[:-1]))
                if back.size == 0 or t[-1] - t[back[-1]] > max_gap_s:
                    continue
                j = back[-1]
                idx = np.arange(j + 1, n - 1)
                col[idx] = np.interp(t[idx], [t[j], t[-1]], [col[j], col[-1]])
                if g is self.knee or g is self.hip:
                    redo_from = min(redo_from, j + 1)
        if redo_from < n:
            knee, hip = self.knee.view()[redo_from:], self.hip.view()[redo_from:]
            self.hip_mean.view()[redo_from:] = mean_present(hip, axis=1)
            self.knee_drive.view()[redo_from:] = (
                knee[:, self.knee_side] if self.knee_side is not None else mean_present(knee, axis=1)
            )

    def _measure_last(self, t_s: float) -> dict[str, np.ndarray]:
        """Raw measures of the newest frame, computed over the last ``window_s`` of frames."""
        i0 = self.pose.index_at(t_s - self.cfg.live.window_s)
        seq = self.pose.sequence(i0)
        m = compute_measures(seq, self.cfg.measure, self._usable_view(), self.lengths)
        return {
            "tilt": stack_measures(self.pose.sequence(len(self.pose) - 1), self.view.facing)[0][-1:],
            "knee": m.knee_deg.values[-1], "hip": m.hip_deg.values[-1], "toe": m.toe_deg.values[-1],
            "lean": m.trunk_lean_deg.values[-1:], "arch": m.arch_deg.values[-1:],
        }

    def _usable_view(self) -> ViewEstimate:
        if self.view.trust:
            return self.view
        from formcheck.analysis.view import TRUST

        return ViewEstimate("unknown", float("nan"), 0, dict(TRUST["unknown"]))

    # ------------------------------------------------------------------ slow estimates
    def _refresh_view(self, t_s: float) -> None:
        i0 = self.pose.index_at(t_s - self.cfg.live.view_window_s)
        seq = self.pose.sequence(i0)
        if int(seq.detected.sum()) >= MIN_VIEW_FRAMES:
            self.view = estimate_view(seq, self.cfg.measure)
            # the lifter's segment lengths over every frame so far (as the recorded analysis
            # takes them over the set), not the last second's
            self.lengths = pose_lengths(self.pose.sequence(0), self.cfg.measure.min_visibility)

    def _refresh_slow(self) -> None:
        """Family, working knee, rep scale and back baseline from the frames so far."""
        cfg = self.cfg
        self._refresh_knee_zero()
        knee = self.knee.view()
        side = working_knee_side(knee, cfg.reps.min_range_deg)
        if side != self.knee_side or self._zero_moved:
            self.knee_side = side
            drive = knee[:, side] if side is not None else mean_present(knee, axis=1)
            self.knee_drive.view()[:] = drive
        rebuild = False
        if not self.family_locked:
            guess = classify_family(self.hip_mean.view(), self.knee_drive.view(), self.lean.view(), cfg.reps)
            family = guess.family
            if family is not None and self.posture in ("kneeling", "seated", "prone"):
                family = "knee_flexion"  # as the recorded analysis segments these (pipeline._provisional_family)
            if family != self.family:
                self.family, rebuild = family, True
        signal = self._signal()
        if self.family is not None:
            scale = scale_from_series(signal, rest_is_low(signal, self.family, posture=None))
            usable = np.isfinite(scale.span) and abs(scale.span) >= cfg.reps.min_range_deg
            changed = not (
                np.isfinite(self.scale.span)
                and abs(scale.rest - self.scale.rest) <= 0.02 * abs(scale.span)
                and abs(scale.far - self.scale.far) <= 0.02 * abs(scale.span)
            )
            if usable and (changed or rebuild or self._counter is None):
                self.scale = scale
                self._rebuild_counter()
            elif not usable:
                self._counter = None
        # the lifter's standing back outline: frames near rest (all frames before any movement)
        at_rest = np.ones(len(signal), dtype=bool)
        if np.isfinite(self.scale.span) and self.scale.span != 0:
            with np.errstate(invalid="ignore"):
                at_rest = ((signal - self.scale.rest) / self.scale.span) <= SETTLE_FRAC
        first = self.reps[0].start_s if self.reps else np.inf
        bc = self.cfg.back
        series = self.pelvis_tilt.view() if bc.hinge_measure == "tilt" else self.arch.view()
        self.standing_deg = standing_value_deg(
            series, walk_in(self.pose.t_s.view(), at_rest, first, bc.min_standing_s))

    def _refresh_knee_zero(self) -> None:
        """Each knee's zero as the recorded analysis takes it, from the frames so far: a standing
        lifter's knees read 0 while they stand tall. A changed zero moves every stored knee value."""
        self._zero_moved = False
        if not self.cfg.measure.zero_standing_knee:
            return
        hip = self.hip_mean.view()
        zero = np.zeros(2)
        self.posture = set_posture(self.pose.world_m.view(), hip).name
        if self.posture == "standing":
            tall = standing_frames(self.pose.t_s.view(), hip, self.lean.view(), self.cfg.measure)
            zero = np.nan_to_num(knee_zero_deg(self.knee.view() + self.knee_zero, tall, self.cfg.measure))
        if np.allclose(zero, self.knee_zero):
            return
        self.knee.view()[:] -= zero - self.knee_zero
        self.knee_zero, self._zero_moved = zero, True

    def _signal(self) -> np.ndarray:
        return self.hip_mean.view() if self.family in ("hinge", "squat") else self.knee_drive.view()

    def _rebuild_counter(self) -> None:
        """A new counter on the current scale, fed again from the last rep that stands. While the
        set's range is still being learned (its first ``rejudge_reps`` reps), every rep is
        judged again from the start: setting up can look like a rep until the real ones show
        the range."""
        self._counter = RepCounter(self.scale, self.cfg.reps)
        self._peak_x = -np.inf  # the rep's furthest point so far, on the old scale, means nothing now
        if len(self.reps) < self.cfg.live.rejudge_reps:
            self.reps = []
        self._resume_i = self.reps[-1].i_end if self.reps else 0
        for j in range(self._resume_i, len(self.pose)):
            self._feed(j)

    def rep_zones(self) -> list[tuple[LegZones, LegZones]]:
        """Seconds each knee spent in each head's zone during each finished rep, from the
        smoothed live angles (as pipeline scores a rep)."""
        t, knee = self.pose.t_s.view(), self.knee.view()
        return [
            tuple(
                LegZones(*zone_seconds(t, knee[:, k], self.cfg.zones, r.i_start, r.i_end))
                for k in range(2)
            )
            for r in self.reps
        ]

    def _feed(self, j: int) -> None:
        assert self._counter is not None
        rep = self._counter.update(j, float(self.pose.t_s.view()[j]), float(self._signal()[j]))
        if rep is not None and (not self.reps or rep.i_start >= self.reps[-1].i_end):
            self.reps.append(replace(rep, index=len(self.reps) + 1))
            if len(self.reps) >= self.cfg.live.rejudge_reps:
                self.family_locked = True  # reps stand under this family now: keep it

    # ------------------------------------------------------------------ cues
    def _cues(
        self, t_s: float, seen: bool, toe: np.ndarray, drive: float,
        hip_mean: float, lean: float, back: BackGauge,
    ) -> tuple[list[str], list[Fault]]:
        cfg, sc = self.cfg, self.cfg.score
        want: list[str] = []
        faults: list[Fault] = []
        in_rep = self._counter is not None and self._counter.state != "rest"
        rep_no = len(self.reps) + 1 if in_rep else None
        if self._zone is not None:
            what = self._zone.update(t_s, drive)
            if what:
                want.append(what)
        hinge = self.family == "hinge"
        showing = {"lumbar_extension": back.state == "extended" and back.what == "arch",
                   "lean_back": back.state == "extended" and back.what == "lean",
                   "back_rounded": back.state == "flexed"}
        for kind, hold in self._back_holds.items():
            if hold.update(t_s, showing[kind]):
                faults.append(Fault(kind, rep_no, hold.started_s, t_s, back.value_deg,
                                    vocab.fault(kind).title.lower()))
                if not hold.fired:
                    hold.fired = True
                    want.append(vocab.fault(kind).cue)
        squatting = hinge and in_rep and squat_like(drive, lean, sc)
        if self._squat_hold.update(t_s, squatting):
            faults.append(Fault("squatting", rep_no, self._squat_hold.started_s, t_s, drive,
                                "knees bent like a squat: keep them soft and push the hips back"))
            if not self._squat_hold.fired:
                self._squat_hold.fired = True
                want.append(vocab.fault("squatting").cue)
        toes = call_toes((float(toe[0]), float(toe[1])), self.view.yaw_deg, cfg.measure, sc).bias
        side = vocab.head(self.target).side if self.target else ""
        wrong_toes = vocab.TOE_CUE[side] if (side, toes) in ((vocab.MEDIAL, "out"), (vocab.LATERAL, "in")) else ""
        if self._toe_hold.update(t_s, in_rep and bool(wrong_toes)) and not self._toe_hold.fired:
            self._toe_hold.fired = True
            want.append(wrong_toes)
        want += self._nordic_cues(t_s, in_rep, hip_mean, rep_no, faults)
        if seen:
            self._last_seen_s, self._lost_cued = t_s, False
        elif (np.isfinite(self._last_seen_s) and t_s - self._last_seen_s >= cfg.live.lost_after_s
              and not self._lost_cued):
            self._lost_cued = True
            want.append(vocab.LOST_CUE)
        sounds = [s for s in want if self._limiter.allow(s, t_s)]
        if self._break_cue is not None and self._break_cue[0] in sounds:
            self._break_cue = None
        spoken = [s for s in sounds if not s.startswith("zone_")]
        if spoken:
            self._cue, self._cue_until_s = spoken[-1], t_s + cfg.live.cue_show_s
        return sounds, faults

    def _nordic_cues(
        self, t_s: float, in_rep: bool, hip_mean: float, rep_no: int | None, faults: list[Fault]
    ) -> list[str]:
        """A Nordic's cues: "hips forward" once the hips have flexed past ``nordic.pike_flag_deg``
        beyond their kneeling-tall angle for ``pike_hold_s`` while lowering, and the break point of
        each rep as it finishes (analysis/nordic.py on the live knee series), to the nearest 10 deg."""
        nc = self.cfg.nordic
        if not (is_nordic(self.family, self.posture) and not view_reason(self.view, nc)):
            return []
        want = []
        if not in_rep:
            self._hip_tall_deg = float("nan")
        elif not np.isfinite(self._hip_tall_deg):
            self._hip_tall_deg = kneeling_tall_hip_deg(
                self.pose.t_s.view(), self.hip_mean.view(), self.knee_drive.view(), self.scale,
                self.cfg.nordic.tall_frac, REST_HIPS_S)
        lowering = in_rep and self._rep_state() == "away" and away_is_eccentric(self.family, self.scale)
        pike_deg = hip_mean - self._hip_tall_deg
        if self._pike_hold.update(t_s, lowering and bool(pike_deg > nc.pike_flag_deg)):
            faults.append(Fault("nordic_pike", rep_no, self._pike_hold.started_s, t_s, pike_deg,
                                "hips piking: squeeze the glutes, knee to head in a straight line"))
            if not self._pike_hold.fired:
                self._pike_hold.fired = True
                want.append(vocab.fault("nordic_pike").cue)
        for r in self.reps:
            if r.turn_s <= self._announced_turn_s:
                continue
            self._announced_turn_s = r.turn_s
            i0 = max(r.i_start - 10, 0)
            t, knee = self.pose.t_s.view()[i0 : r.i_end + 1], self.knee_drive.view()[i0 : r.i_end + 1]
            speed = extension_speed_dps(t, knee, nc.speed_window_s)
            knee_at = break_point(t, knee, speed, r.i_start - i0, r.i_turn - i0, nc)[0]
            if np.isfinite(knee_at):  # said when the cue limiter next allows, within BREAK_SAY_S
                self._break_cue = (vocab.break_cue(knee_at), t_s + BREAK_SAY_S)
        if self._break_cue is not None and t_s > self._break_cue[1]:
            self._break_cue = None
        if self._break_cue is not None:
            want.append(self._break_cue[0])
        return want

    # ------------------------------------------------------------------ output
    def _frame(
        self, i: int, t_s: float, lifter: PoseCandidate | None, knee: np.ndarray, toe: np.ndarray,
        back: BackGauge, sounds: list[str], faults: list[Fault],
    ) -> LiveFrame:
        zones: tuple[Zone, ...] = self.cfg.zones
        heads = zone_of(knee, zones)
        state = self._rep_state()
        away = away_is_eccentric(self.family, self.scale)
        phase = ""
        if state == "away":
            phase = "eccentric" if away else "concentric"
        elif state == "back":
            phase = "concentric" if away else "eccentric"
        nan_xy = np.full((N_LANDMARKS, 2), np.nan, np.float32)
        view = FrameView(
            index=i, t_s=t_s,
            xy_px=lifter.xy_px.astype(np.float32) if lifter is not None else nan_xy,
            visibility=(lifter.visibility.astype(np.float32) if lifter is not None
                        else np.zeros(N_LANDMARKS, np.float32)),
            detected=lifter is not None,
            knee_deg=(float(knee[0]), float(knee[1])), knee_head=(str(heads[0]), str(heads[1])),
            zones=zones, toe_deg=(float(toe[0]), float(toe[1])), back=back,
            rep=len(self.reps) + 1 if state != "rest" else 0, phase=phase,
            reps_done=len(self.reps), faults=tuple(faults), view=self.view.view,
        )
        cue = self._cue if t_s < self._cue_until_s else ""
        in_zone = bool(self._zone.inside) if self._zone is not None else False
        return LiveFrame(view, tuple(sounds), cue, self.family, self.target, in_zone)

    def _rep_state(self) -> str:
        """'rest', 'away' or 'back'. The counter only calls a rep 'back' once it is nearly home;
        live, the lifter is on the way back as soon as the signal has turned from its furthest
        point by ``TURN_FRAC`` of the range."""
        state = self._counter.state if self._counter is not None else "rest"
        x = self.scale.norm(float(self._signal()[-1])) if state != "rest" else float("nan")
        if state == "rest" or not np.isfinite(x):
            self._peak_x = -np.inf
            return state
        self._peak_x = max(self._peak_x, x)
        return "back" if state == "back" or x < self._peak_x - TURN_FRAC else "away"

    def report(self, pose: PoseSequence | None = None) -> Report:
        """The whole session analysed as a recorded set (raises NoPersonFound if nobody was seen);
        ``pose``: this session's ``session_pose()``, if already made."""
        return analyze_pose(pose or self.session_pose(), self.cfg, self.exercise)

    def session_pose(self) -> PoseSequence:
        """The session's pose tracked as the recorded analysis tracks it, with hindsight."""
        cfg = self.cfg
        return build_sequence(
            self.pose.t_s.view().copy(), self.candidates, self.pose.width_px, self.pose.height_px,
            cfg.track, cfg.pose.outline_levels, self.pose.source, self.pose.layout,
        )
