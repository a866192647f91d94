"""The report as JSON, under a versioned schema. NaN becomes null (JSON has no NaN)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from formcheck.config import NordicConfig
from formcheck.types import REASONS, SIDES, Fault, LegZones, NordicRep, RepBack, Report, ToeCall
from formcheck.version import __version__

SCHEMA = "formcheck.report/2"  # 2: "back" (the low back's states) replaced "lumbar_baseline_deg"


def _num(x: float | None, nd: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, nd)


def _zones(z: LegZones) -> dict[str, Any]:
    return {
        "measured_s": _num(z.measured_s),
        "seconds": {h: _num(s) for h, s in z.seconds.items()},
        # [low, high] seconds the head likely got given the angle's error at this view; null: no range
        "likely_s": {h: [_num(x) for x in z.likely_s[h]] if h in z.likely_s else None for h in z.seconds},
        "share": {h: _num(z.share(h)) for h in z.seconds},
        "no_zone_s": _num(z.none_s),
    }


def _feet(deg: tuple[float, float], per_foot: bool) -> dict[str, Any]:
    """Each foot's toe rotation where the view trusts each foot, else null; and the pair's mean."""
    return {
        **{side: _num(x, 1) if per_foot else None for side, x in zip(SIDES, deg)},
        "pair_mean": _num(ToeCall.pair_of(deg), 1),
    }


def _fault(f: Fault) -> dict[str, Any]:
    return {
        "kind": f.kind, "rep": f.rep, "start_s": _num(f.start_s), "end_s": _num(f.end_s),
        "value_deg": _num(f.value_deg, 1), "message": f.message,
    }


def _nordic_rep(x: NordicRep | None) -> dict[str, Any] | None:
    """A Nordic rep's pike and break point (analysis/nordic.py); None outside Nordic sets."""
    if x is None:
        return None
    return {
        "hip_start_deg": _num(x.hip_start_deg, 1), "pike_deg": _num(x.pike_deg, 1), "piked": x.piked,
        "hip_side": SIDES[x.hip_side] if x.hip_side is not None else "both",
        "pike_t_s": _num(x.pike_t_s), "pike_reason": x.pike_reason,
        "break_knee_deg": _num(x.break_knee_deg, 1), "break_t_s": _num(x.break_t_s),
        "controlled_dps": _num(x.controlled_dps, 1), "fall_dps": _num(x.fall_dps, 1), "break_reason": x.reason,
    }


def _nordic_set(report: Report) -> dict[str, Any] | None:
    """The set's Nordic summary: the pike threshold, reps flagged, the break points' median."""
    if not report.nordic:
        return None
    breaks = [x.break_knee_deg for x in report.nordic if math.isfinite(x.break_knee_deg)]
    pikes = [x.pike_deg for x in report.nordic if math.isfinite(x.pike_deg)]
    return {
        "pike_flag_deg": NordicConfig().pike_flag_deg,
        "reps_piked": [x.rep for x in report.nordic if x.piked],
        "pike_max_deg": _num(max(pikes), 1) if pikes else None,
        "reps_with_break": [x.rep for x in report.nordic if math.isfinite(x.break_knee_deg)],
        "break_knee_deg_median": _num(float(np.median(breaks)), 1) if breaks else None,
    }


def _coverage(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {"pose": _num(report.coverage)}
    for name, ch in report.measures.channels().items():
        vals = ch.values if ch.values.ndim == 2 else ch.values[:, None]
        reasons = ch.reason if ch.reason.ndim == 2 else ch.reason[:, None]
        per = {}
        for k in range(vals.shape[1]):
            key = SIDES[k] if vals.shape[1] == 2 else "value"
            missing = reasons[:, k][~np.isfinite(vals[:, k])]
            codes, counts = np.unique(missing, return_counts=True)
            per[key] = {
                "share": _num(float(np.mean(np.isfinite(vals[:, k]))) if len(vals) else None),
                "missing_because": {REASONS[c]: int(n) for c, n in zip(codes, counts) if c},
            }
        out[name] = per
    out["damaged_frames"] = int(np.sum(report.damaged_frames))  # frames that could not be decoded
    out["damaged_spans_s"] = [[_num(a), _num(b)] for a, b in report.damaged_s]
    return out


def _rep_back_dict(rb: RepBack) -> dict[str, Any]:
    return {
        "state": rb.state, "extended_by": rb.extended_by or None,
        "arch_deg": _num(rb.arch_deg, 1), "lean_back_deg": _num(rb.lean_back_deg, 1),
        "pelvis_rib_tilt_deg": _num(rb.pelvis_tilt_deg, 1), "rib_offset_pct": _num(rb.rib_offset_pct, 1),
        "reason": rb.reason or None,
    }


def _rep_back(report: Report, index: int) -> dict[str, Any] | None:
    """One rep's low back (analysis/back.py), None where the set's back was not judged."""
    b = report.back
    found = [rb for rb in (b.reps if b is not None else []) if rb.rep_index == index]
    return _rep_back_dict(found[0]) if found else None


def _back(report: Report) -> dict[str, Any]:
    """The set's low back: judged or why not, and the thresholds its states were judged by."""
    b = report.back
    if b is None:
        return {"judged": False, "reason": "not analysed", "reps": []}
    return {
        "judged": b.judged, "reason": b.reason or None,
        "states": {state: [r.rep_index for r in b.reps if r.state == state]
                   for state in ("extended", "neutral", "flexed", "not judged")},
        "reps": [_rep_back_dict(r) for r in b.reps],
    }


def to_dict(report: Report) -> dict[str, Any]:
    v = report.view
    nordic = {x.rep: x for x in report.nordic}
    return {
        "schema": SCHEMA,
        "formcheck_version": __version__,
        "source": report.source,
        "video": {
            "duration_s": _num(report.duration_s), "frames": report.n_frames,
            "width_px": report.width_px, "height_px": report.height_px,
            "truncated": report.truncated, "interrupted": report.interrupted,
        },
        "view": {
            "view": v.view, "label": v.label, "rear": v.rear, "yaw_deg": _num(v.yaw_deg, 1), "facing": v.facing,
            "trust": {k: _num(x, 2) for k, x in v.trust.items()},
            # where the angle model read knee and hip from (config.AngleModel), "" for the raw geometry
            "angle_bin": report.measures.view_bin,
            # each knee's standing-tall reading, taken off as its zero (analysis/standing.py)
            "knee_zero_deg": {side: _num(x, 1) for side, x in zip(SIDES, report.knee_zero_deg)},
        },
        "exercise": {
            "family": report.family, "alternative": report.family_alternative, "posture": report.posture,
            "source": report.family_source, "reason": report.family_reason, "reps_follow": report.rom_signal,
        },
        "coverage": _coverage(report),
        "verdict": report.verdict,
        "verdict_legs": [SIDES[k] for k in report.verdict_legs],
        "working_leg": SIDES[report.working_leg] if report.working_leg is not None else None,
        "reps": [
            {
                "rep": s.rep.index, "family": s.family, "family_alternative": s.family_alternative,
                "family_reason": s.family_reason,
                "start_s": _num(s.rep.start_s), "turn_s": _num(s.rep.turn_s),
                "end_s": _num(s.rep.end_s), "partial_start": s.rep.partial_start,
                "eccentric_s": _num(s.eccentric_s), "concentric_s": _num(s.concentric_s),
                "range_of_motion_deg": _num(s.rep.rom_deg, 1),
                "knee_max_deg": dict(zip(SIDES, (_num(x, 1) for x in s.knee_max_deg))),
                "hip_max_deg": dict(zip(SIDES, (_num(x, 1) for x in s.hip_max_deg))),
                "zones": dict(zip(SIDES, (_zones(z) for z in s.zones))),
                "toe_deg": _feet(s.toe_deg, report.toe.per_foot),
                "toe_bias": s.toe_bias,
                "back": _rep_back(report, s.rep.index),
                "faults": [_fault(f) for f in s.faults],
                "nordic": _nordic_rep(nordic.get(s.rep.index)),
            }
            for s in report.reps
        ],
        "zones": {
            "in_reps": dict(zip(SIDES, (_zones(z) for z in report.zones))),
            "whole_clip": dict(zip(SIDES, (_zones(z) for z in report.zones_clip))),
        },
        "toe_bias": report.toe_bias,
        "toe": {
            "bias": report.toe.bias, "per_foot": report.toe.per_foot,
            "deg": _feet(report.toe.deg, report.toe.per_foot), "reason": report.toe.reason,
        },
        "back": _back(report),
        "nordic": _nordic_set(report),
        "faults": [_fault(f) for f in report.faults],
        "warnings": list(report.warnings),
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, allow_nan=False)
