"""The pure analysis: PoseSequence -> Report. No I/O, no model; tested on stored pose files."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import inclination_from_vertical_deg
from formcheck.analysis.back import BACK_FAULTS, back_faults, back_frames, judge_back, set_reason, walk_in
from formcheck.analysis.damage import damage_warnings
from formcheck.analysis.family import (
    KNEE_ONLY_RATIO,
    FamilyGuess,
    RepFamily,
    classify_family,
    rep_evidence,
    rep_family,
    rom_deg,
    set_family,
)
from formcheck.analysis.faults import squatting_fault
from formcheck.analysis.measures import compute_measures
from formcheck.analysis.nordic import nordic_technique
from formcheck.analysis.posture import Posture, from_vertical_deg, set_posture
from formcheck.analysis.reps import (
    SETTLE_FRAC,
    RepScale,
    bridge_gaps,
    scale_from_series,
    segment_reps,
)
from formcheck.analysis.smoothing import mean_present, smooth_measures
from formcheck.analysis.standing import knee_zero_deg, standing_frames
from formcheck.analysis.toe_bias import call_toes, set_toe_call
from formcheck.analysis.tracking import TOO_SMALL
from formcheck.analysis.verdict import verdict
from formcheck.analysis.view import estimate_view
from formcheck.analysis.zone_error import likely_seconds
from formcheck.analysis.zones import zone_seconds
from formcheck.config import EXERCISE_FAMILIES, Config, ErrorBand, MeasureConfig, ScoreConfig
from formcheck.errors import InvalidOption, NoPersonFound
from formcheck.skeleton import MEDIAPIPE_POSE
from formcheck.types import (
    OK,
    SIDES,
    Fault,
    LegZones,
    Measures,
    PoseSequence,
    Rep,
    Report,
    RepScore,
)


def both_sides(values: np.ndarray) -> np.ndarray:
    """(n, 2) -> (n,): mean of the two sides, or the one side that has a value."""
    return mean_present(values, axis=1)


def working_knee_side(knee_deg: np.ndarray, still_range_deg: float) -> int | None:
    """The one leg that works while the other stands still (a standing leg curl): 0 left,
    1 right; None when both legs work (or neither can be told apart)."""
    ranges = np.full(2, np.nan)
    for k in range(2):
        y = knee_deg[:, k][np.isfinite(knee_deg[:, k])]
        if y.size >= 0.2 * len(knee_deg):  # a leg seen this little cannot be called still
            ranges[k] = float(np.ptp(np.percentile(y, [5, 95])))
    lo, hi = np.min(ranges), np.max(ranges)
    if np.isfinite(ranges).all() and lo < still_range_deg and hi > 2 * max(lo, 1.0):
        return int(np.argmax(ranges))
    return None


ALTERNATE_CORR = 0.2  # two working knees correlating less than this take turns


def legs_alternate(knee_deg: np.ndarray, still_range_deg: float) -> bool:
    """Both knees work, but in turn (an alternating standing curl): each leg's range is at least
    twice ``still_range_deg`` and the two series barely correlate (together-moving legs: ~1)."""
    both = np.isfinite(knee_deg).all(axis=1)
    if both.sum() < 10:
        return False
    left, right = knee_deg[both, 0], knee_deg[both, 1]
    ranges = [float(np.ptp(np.percentile(y, [5, 95]))) for y in (left, right)]
    if min(ranges) < 2 * still_range_deg:
        return False
    return float(np.corrcoef(left, right)[0, 1]) < ALTERNATE_CORR


class KneeDrive(NamedTuple):
    signal: np.ndarray  # (n,) the knee flexion that drives the set
    one_leg: bool  # the legs work one at a time (one leg alone, or taking turns)
    working_side: int | None = None  # the one leg that works while the other stands still


def knee_drive(knee_deg: np.ndarray, still_range_deg: float) -> KneeDrive:
    """(n, 2) -> (n,): the knee flexion that drives the set, whether the legs work one at a
    time, and which leg works alone. Both legs' mean, unless one leg works and the other stands
    still (a standing leg curl): then the working leg alone, so its range is not halved and the
    still leg drifting in and out of view does not make the signal jump; or unless the legs take
    turns: then the more bent knee, so each leg's curl is a whole rep."""
    side = working_knee_side(knee_deg, still_range_deg)
    if side is not None:
        return KneeDrive(knee_deg[:, side].copy(), True, side)
    if legs_alternate(knee_deg, still_range_deg):
        out = np.full(len(knee_deg), np.nan)
        seen = np.isfinite(knee_deg).any(axis=1)
        out[seen] = np.nanmax(knee_deg[seen], axis=1)
        return KneeDrive(out, True)
    return KneeDrive(both_sides(knee_deg), False)


def working_knees(knee_deg: np.ndarray, still_range_deg: float) -> np.ndarray:
    """The driving knee flexion of :func:`knee_drive` alone."""
    return knee_drive(knee_deg, still_range_deg)[0]


def driving_signal(
    hip_mean: np.ndarray, knee_mean: np.ndarray, family: str | None
) -> tuple[np.ndarray, str]:
    """The series reps are segmented on: hip flexion for hinges and squats (hips and knees both
    move; whether a rep is a hinge or a squat is decided after it is found), knee flexion for
    knee-flexion work."""
    return (hip_mean, "hip_deg") if family in ("hinge", "squat") else (knee_mean, "knee_deg")


def rest_is_low(signal: np.ndarray, family: str | None, posture: str | None) -> bool:
    """Whether the set rests at the signal's low end. Standing and seated sets rest with the
    joints straight (hinges, squats, curls); lying and kneeling ones where they start (a Nordic
    kneels upright with the knees bent, a glute-ham raise starts prone with them straight, a
    bridge with the hips flexed on the floor)."""
    if posture in ("standing", "seated") or (posture is None and family in ("hinge", "squat")):
        return True
    y = signal[np.isfinite(signal)]
    if y.size < 3:
        return True
    lo, hi = np.percentile(y, [5, 95])
    first = signal[np.isfinite(signal)][: max(3, y.size // 10)]
    return abs(np.median(first) - lo) <= abs(np.median(first) - hi)


def analyze_pose(pose: PoseSequence, cfg: Config | None = None, exercise: str | None = None) -> Report:
    cfg = cfg or Config()
    if exercise is not None and exercise not in EXERCISE_FAMILIES:
        raise InvalidOption(
            f"unknown exercise family {exercise!r}; choose one of {', '.join(EXERCISE_FAMILIES)}"
        )
    if pose.layout.names != MEDIAPIPE_POSE.names:
        raise InvalidOption(
            f"{pose.source or 'this pose'} holds {pose.layout.n} keypoints from "
            f"{pose.layout.backend or 'an unknown backend'}; the analysis reads MediaPipe's 33 "
            "(skeleton.MEDIAPIPE_POSE)"
        )
    n = len(pose)
    coverage = float(np.mean(pose.detected)) if n else 0.0
    if n == 0 or coverage < cfg.score.min_coverage:
        small = [note for note in pose.notes if TOO_SMALL in note]
        raise NoPersonFound(
            f"no person found in {pose.source or 'the video'}"
            if coverage == 0
            else f"a person was found in only {coverage:.0%} of frames of {pose.source or 'the video'}",
            hint=small[0] if small else "film the whole body, side-on, in good light",
        )
    view = estimate_view(pose, cfg.measure)
    raw = compute_measures(pose, cfg.measure, view)
    m = smooth_measures(raw, cfg.smooth)
    t = m.t_s
    hip_mean = both_sides(m.hip_deg.values)
    posture = set_posture(pose.world_m, hip_mean)
    knee_zero = np.full(2, np.nan)
    if posture.name == "standing" and cfg.measure.zero_standing_knee:
        tall = standing_frames(t, hip_mean, m.trunk_lean_deg.values, cfg.measure)
        knee_zero = knee_zero_deg(m.knee_deg.values, tall, cfg.measure)
        m.knee_deg.values -= np.nan_to_num(knee_zero)
    knee_mean, one_leg, working_leg = knee_drive(m.knee_deg.values, cfg.reps.min_range_deg)
    warnings = list(pose.notes)

    # reps first, on the signal the movement's kind implies; then each rep's family
    provisional = exercise or _provisional_family(hip_mean, knee_mean, posture, one_leg, cfg)
    reps: list[Rep] = []
    signal, rom_signal = driving_signal(hip_mean, knee_mean, provisional)
    scale = RepScale(np.nan, np.nan)
    if provisional is not None:
        scale = scale_from_series(signal, rest_is_low(signal, provisional, posture.name))
        if np.isfinite(scale.span) and abs(scale.span) >= cfg.reps.min_range_deg:
            body_seen = pose.detected & np.isfinite(m.trunk_lean_deg.values)
            bridged, spans = bridge_gaps(t, signal, scale, body_seen, cfg.reps)
            reps = segment_reps(t, bridged, scale, cfg.reps)
            seen = (getattr(raw, rom_signal).reason == OK).any(axis=1)
            reps, unseen = _seen_reps(reps, seen, cfg.reps.min_seen_share)
            warnings.extend(
                f"a rep-like movement at {r.start_s:.1f}-{r.end_s:.1f} s was not counted: the "
                f"{rom_signal.replace('_deg', '')}s were seen in only {share:.0%} of it" for r, share in unseen
            )
            if spans:
                hidden = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in spans)
                warnings.append(f"the {rom_signal.replace('_deg', '')} was hidden mid-rep ({hidden}) while the "
                                "rest of the body was seen: those reps were bridged across the gap")
    at_rest = np.zeros(n, dtype=bool)
    if np.isfinite(scale.span) and scale.span != 0:
        with np.errstate(invalid="ignore"):
            at_rest = ((signal - scale.rest) / scale.span) <= SETTLE_FRAC
    if exercise:
        guess = FamilyGuess(exercise, np.nan, np.nan, "set with --exercise", posture=posture.name)
        rep_fams = [RepFamily(exercise, None, np.nan, "set with --exercise") for _ in reps]
    elif reps:
        rep_fams = _rep_families(pose, m, view.view, hip_mean, knee_mean, reps, at_rest, posture, one_leg, cfg)
        guess = set_family(rep_fams, rom_deg(hip_mean), rom_deg(knee_mean), posture.name)
    else:
        rep_fams = []
        guess = classify_family(hip_mean, knee_mean, m.trunk_lean_deg.values, cfg.reps)
        if guess.family is not None and provisional == "knee_flexion":
            guess = FamilyGuess("knee_flexion", guess.hip_rom_deg, guess.knee_rom_deg,
                                f"{posture.name or 'posture unknown'}; {guess.reason}")
    family, family_source, family_reason = guess.family, "given" if exercise else "detected", guess.reason

    away_ecc = away_is_eccentric(family, scale)
    rep_of_frame, phase_of_frame = _phases(reps, n, away_ecc)

    # the low back: stacking per frame, a state per rep of a clear hinge (analysis/back.py)
    first_rep_s = reps[0].start_s if reps else float(t[-1]) + 1.0
    standing = walk_in(t, at_rest, first_rep_s, cfg.back.min_standing_s)
    back, standing_ref = back_frames(pose, m.arch_deg.values, hip_mean, standing, view, cfg.back)
    rep_hinge = [f.family == "hinge" and f.alternative is None for f in rep_fams]
    back_call = judge_back(pose, back, hip_mean, reps, rep_hinge,
                           set_reason(family, guess.alternative, view, cfg.back), view, standing_ref,
                           cfg.back, cfg.measure.min_visibility)
    faults: list[Fault] = back_faults(back_call, reps, t)

    nordic, pikes = nordic_technique(m, reps, family, posture.name, cfg.nordic)
    scores = [_score_rep(r, m, f, away_ecc, cfg, faults + pikes) for r, f in zip(reps, rep_fams)]
    for s in scores:
        faults.extend(f for f in s.faults if f.kind not in BACK_FAULTS)
    faults.sort(key=lambda f: (f.start_s, f.kind))

    bands = error_bands(m, cfg.measure)
    clip_zones = tuple(_leg_zones(t, m.knee_deg.values[:, k], cfg, bands, [(0, n - 1)]) for k in range(2))
    rep_spans = [(r.i_start, r.i_end) for r in reps]
    rep_zones = tuple(_leg_zones(t, m.knee_deg.values[:, k], cfg, bands, rep_spans) for k in range(2))
    toe = set_toe_call([s.toe_deg for s in scores], m.toe_deg.values, view.yaw_deg, cfg.measure, cfg.score)
    if toe.reason:
        warnings.append(toe.reason)
    _coverage_warnings(m, view.view, warnings)
    warnings.extend(absence_warnings(pose.t_s, pose.detected, cfg.score))
    warnings.extend(damage_warnings(pose.damaged_s, pose.damaged_frames, reps))
    report = Report(
        source=pose.source, duration_s=float(t[-1] - t[0]) if n > 1 else 0.0, n_frames=n,
        width_px=pose.width_px, height_px=pose.height_px, view=view, family=family,
        family_source=family_source, family_reason=family_reason, coverage=coverage, measures=m,
        rep_of_frame=rep_of_frame, phase_of_frame=phase_of_frame, reps=scores, zones=rep_zones,
        zones_clip=clip_zones,
        toe_bias=toe.bias, toe=toe, faults=faults, verdict="", warnings=warnings,
        back=back_call, zone_defs=cfg.zones,
        rom_signal=rom_signal, damaged_s=pose.damaged_s, damaged_frames=pose.damaged_frames,
        family_alternative=guess.alternative, posture=posture.name, knee_zero_deg=knee_zero,
        working_leg=working_leg, nordic=nordic,
    )
    said = verdict(report, cfg.score)
    report.verdict, report.verdict_legs = said.text, said.legs
    return report


def _phases(reps: list[Rep], n: int, away_is_eccentric: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: the 1-based rep it belongs to (0 outside reps) and its phase."""
    rep_of_frame = np.zeros(n, dtype=np.int32)
    phase_of_frame = np.full(n, "", dtype=object)
    away, back = ("eccentric", "concentric") if away_is_eccentric else ("concentric", "eccentric")
    for r in reps:
        rep_of_frame[r.i_start : r.i_end + 1] = r.index
        phase_of_frame[r.i_start : r.i_turn] = away
        phase_of_frame[r.i_turn : r.i_end + 1] = back
    return rep_of_frame, phase_of_frame


def away_is_eccentric(family: str | None, scale: RepScale) -> bool:
    """Moving away from rest lowers the load in hinges, squats and Nordics; it curls in leg curls."""
    if family == "knee_flexion":
        return bool(scale.span < 0)  # Nordic: rest is knees bent, the far end is knees straight
    return True


def error_bands(m: Measures, cfg: MeasureConfig) -> tuple[ErrorBand, ...]:
    """The knee angle's known errors where it was read (config.KNEE_ERRORS), () where none apply."""
    return cfg.knee_errors.get(m.view_bin, ()) if m.view_bin else ()


def _leg_zones(
    t: np.ndarray, knee: np.ndarray, cfg: Config, bands: tuple[ErrorBand, ...], spans: list[tuple[int, int]]
) -> LegZones:
    """One leg's seconds per head over the sample spans (inclusive ends), with their likely ranges."""
    secs, measured = {z.head: 0.0 for z in cfg.zones}, 0.0
    for i0, i1 in spans:
        part, part_measured = zone_seconds(t, knee, cfg.zones, i0, i1)
        secs = {h: secs[h] + part[h] for h in secs}
        measured += part_measured
    return LegZones(secs, measured, likely_seconds(t, knee, cfg.zones, bands, spans))


def _seen_reps(reps: list[Rep], seen: np.ndarray, min_share: float) -> tuple[list[Rep], list[tuple[Rep, float]]]:
    """Reps whose driving joints were seen (not filled in or bridged) in at least ``min_share`` of
    their frames, renumbered; and the others with their share. A rep made mostly of guesses is
    not a rep (MediaPipe reads legs hidden under a machine's pad as moving 60 deg)."""
    kept, dropped = [], []
    for r in reps:
        share = float(np.mean(seen[r.i_start:r.i_end + 1]))
        if share >= min_share:
            kept.append(replace(r, index=len(kept) + 1))
        else:
            dropped.append((r, share))
    return kept, dropped


def _provisional_family(
    hip_mean: np.ndarray, knee_mean: np.ndarray, posture: Posture, one_leg: bool, cfg: Config
) -> str | None:
    """The kind of movement before reps are known, which picks the signal they are segmented on:
    knee flexion (kneeling, seated, prone, one leg working, or hips barely moving), or a hinge
    (hips and knees both moving; squats are segmented on the hips too)."""
    h, k = np.nan_to_num(rom_deg(hip_mean)), np.nan_to_num(rom_deg(knee_mean))
    if max(h, k) < cfg.reps.min_range_deg:
        return None
    if posture.name in ("kneeling", "seated", "prone") or (one_leg and k > h) or h < KNEE_ONLY_RATIO * k:
        return "knee_flexion"
    if posture.name == "supine" and h < k:
        return "knee_flexion"
    return "hinge"


def _rep_families(
    pose: PoseSequence, m: Measures, view: str, hip_mean: np.ndarray, knee_mean: np.ndarray,
    reps: list[Rep], at_rest: np.ndarray, posture: Posture, one_leg: bool, cfg: Config,
) -> list[RepFamily]:
    """Each rep's family from its own evidence (analysis/family.py). Shins are read in the image
    side-on and from world landmarks otherwise, against their own angle at rest."""
    if view == "side":
        xy = pose.xy_px
        shin = np.stack([inclination_from_vertical_deg(xy[:, sk.KNEE[i]] - xy[:, sk.ANKLE[i]]) for i in range(2)], 1)
    else:
        shin = from_vertical_deg(pose.world_m, sk.ANKLE, sk.KNEE)
    shin = mean_present(shin, axis=1)
    rest = at_rest & np.isfinite(shin)
    shin_rest = float(np.median(shin[rest])) if rest.sum() >= 5 else (
        float(np.nanpercentile(shin, 10)) if np.isfinite(shin).any() else float("nan"))
    trunk = m.trunk_lean_deg.values
    out = []
    for r in reps:
        ev = rep_evidence(r.i_start, r.i_turn, r.i_end, hip_mean, knee_mean, trunk, shin, shin_rest)
        out.append(rep_family(ev, posture.name, one_leg, cfg.reps.hinge_squat))
    return out


def _score_rep(
    r: Rep, m: Measures, fam: RepFamily, away_is_eccentric: bool, cfg: Config, faults: list[Fault]
) -> RepScore:
    family = fam.family
    sl = slice(r.i_start, r.i_end + 1)
    knee = m.knee_deg.values[sl]
    hip = m.hip_deg.values[sl]
    toe = m.toe_deg.values[sl]

    def peak(a: np.ndarray) -> float:
        return float(np.nanmax(a)) if np.isfinite(a).any() else float("nan")

    def med(a: np.ndarray) -> float:
        return float(np.nanmedian(a)) if np.isfinite(a).any() else float("nan")

    knee_max = (peak(knee[:, 0]), peak(knee[:, 1]))
    toe_med = (med(toe[:, 0]), med(toe[:, 1]))
    rep_faults = [f for f in faults if f.rep == r.index]
    trunk = m.trunk_lean_deg.values[r.i_turn]
    sq = squatting_fault(r, peak(np.array(knee_max)), abs(trunk), family, cfg.score)
    if sq:
        rep_faults.append(sq)
    ecc, con = (r.away_s, r.back_s) if away_is_eccentric else (r.back_s, r.away_s)
    return RepScore(
        rep=r, eccentric_s=ecc, concentric_s=con, knee_max_deg=knee_max,
        hip_max_deg=(peak(hip[:, 0]), peak(hip[:, 1])),
        zones=tuple(_leg_zones(m.t_s, m.knee_deg.values[:, k], cfg, error_bands(m, cfg.measure),
                               [(r.i_start, r.i_end)]) for k in range(2)),
        toe_deg=toe_med, toe_bias=call_toes(toe_med, m.view.yaw_deg, cfg.measure, cfg.score).bias,
        faults=tuple(rep_faults),
        family=fam.family, family_alternative=fam.alternative, family_reason=fam.reason,
        family_evidence=fam.evidence,
    )


def absence_warnings(t_s: np.ndarray, detected: np.ndarray, cfg: ScoreConfig) -> list[str]:
    """A warning when the lifter was missing from a real part of the set (walked out of frame,
    hidden, the camera knocked): the spans of at least ``cfg.absent_span_s`` without them, when
    they add up to ``cfg.absent_warn_frac`` of the clip or more."""
    n = len(t_s)
    if n < 2:
        return []
    frame_s = float(np.median(np.diff(t_s)))
    spans = [(float(t_s[a]), float(t_s[b - 1]) + frame_s) for a, b in runs(~detected)]
    spans = [(a, b) for a, b in spans if b - a >= cfg.absent_span_s]
    total_s = float(t_s[-1] - t_s[0]) + frame_s
    missing_s = sum(b - a for a, b in spans)
    if not spans or missing_s < cfg.absent_warn_frac * total_s:
        return []
    where = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in spans[:3]) + (", ..." if len(spans) > 3 else "")
    return [f"the lifter was out of view or not found for {missing_s:.1f} s of {total_s:.1f} s ({where}): "
            "reps there are not counted or measured"]


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the runs of True in ``mask``."""
    m = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _coverage_warnings(m: Measures, view: str, warnings: list[str]) -> None:
    for name, ch in (("knee angle", m.knee_deg), ("hip angle", m.hip_deg)):
        cov = np.atleast_1d(ch.coverage())
        for side, c in zip(SIDES, cov):
            if c < 0.5:
                hidden = " (the far side, hidden by the body)" if view == "side" else ""
                warnings.append(
                    f"{side} {name} measured in only {c:.0%} of frames{hidden}: "
                    f"{side}-leg figures are missing where it was not seen"
                )
    toe_cov = np.atleast_1d(m.toe_deg.coverage())
    if view != "side" and np.all(toe_cov < 0.5):
        warnings.append("feet hidden for most of the set: toe rotation is mostly missing")
