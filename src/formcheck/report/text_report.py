"""The terminal summary: the verdict first, then a rep table and the set's zone times."""

from __future__ import annotations

import math
import statistics

from formcheck import vocab
from formcheck.analysis.toe_bias import signed_deg
from formcheck.config import NordicConfig
from formcheck.report.abbreviations import spelled_out
from formcheck.report.ranges import any_range, range_words
from formcheck.types import SIDES, LegZones, NordicRep, Report


def _f(x: float, fmt: str = "{:.1f}") -> str:
    return "-" if x is None or not math.isfinite(x) else fmt.format(x)


def _pct(share: float) -> str:
    return "-" if not math.isfinite(share) else f"{share:.0%}"


def _left_right_s(zones: tuple[LegZones, LegZones], head: str) -> str:
    """Seconds in ``head``'s zone, left/right: " 0.4/0.1 " (9 characters, more past 99.9 s)."""
    return f"{_f(zones[0].seconds[head]):>4}/{_f(zones[1].seconds[head]):<4}"


def _rep_table(report: Report) -> list[str]:
    """A row per rep; a column per head, at least 9 characters wide (a custom head's words may be
    wider), holding its zone seconds left/right."""
    heads = [vocab.head(z.head) for z in report.zone_defs]
    widths = [max(9, len(h.abbrev)) for h in heads]
    lines = [
        f"{'rep':>3} {'start':>6} {'ecc s':>6} {'con s':>6} {'ROM':>5} {'knee L/R max':>13} "
        + " ".join(f"{h.abbrev:>{w}}" for h, w in zip(heads, widths))
        + f" {'toes':>8}  flags",
        f"    zone seconds left/right: {spelled_out(heads)}",
    ]
    for s in report.reps:
        zs = " ".join(f"{_left_right_s(s.zones, h.key):>{w}}" for h, w in zip(heads, widths))
        flags = ", ".join(sorted({f.kind for f in s.faults})) or "-"
        knee = f"{_f(s.knee_max_deg[0], '{:.0f}')}/{_f(s.knee_max_deg[1], '{:.0f}')}"
        lines.append(
            f"{s.rep.index:>3} {s.rep.start_s:>6.1f} {s.eccentric_s:>6.1f} {s.concentric_s:>6.1f} "
            f"{s.rep.rom_deg:>5.0f} {knee:>13} {zs} {s.toe_bias:>8}  {flags}"
        )
    return lines


def nordic_rep_words(x: NordicRep) -> str:
    """One Nordic rep's pike and break point in words: "pike 26 deg (flagged, over 15) at 3.9 s;
    break point at knee 55 deg (3.6 s: 15 -> 136 deg/s)"."""
    flag = NordicConfig().pike_flag_deg
    if x.reason.startswith("not judged") and x.reason == x.pike_reason:  # the view judges neither
        return x.reason
    if math.isfinite(x.pike_deg):
        pike = f"pike {x.pike_deg:.0f} deg" + (f" (flagged, over {flag:g}) at {x.pike_t_s:.1f} s" if x.piked else "")
    else:
        pike = f"pike not judged: {x.pike_reason}"
    if math.isfinite(x.break_knee_deg):
        brk = (f"break point at knee {x.break_knee_deg:.0f} deg ({x.break_t_s:.1f} s: "
               f"{x.controlled_dps:.0f} -> {x.fall_dps:.0f} deg/s)")
    else:
        brk = f"no break point: {x.reason}"
    return f"{pike}; {brk}"


def nordic_set_words(report: Report) -> str:
    """The set's Nordic line: reps piked among those judged, and the break points' median knee
    angle (or why there is none)."""
    judged = [x for x in report.nordic if math.isfinite(x.pike_deg)]
    if not judged and report.nordic and report.nordic[0].reason.startswith("not judged"):
        return report.nordic[0].reason
    n = len(judged)
    piked = [x.rep for x in judged if x.piked]
    pike = (f"hips piked in {len(piked)} of {n} reps ({', '.join(map(str, piked))})" if piked
            else f"no pike in {n} rep{'s' if n != 1 else ''} judged")
    breaks = [x.break_knee_deg for x in report.nordic if math.isfinite(x.break_knee_deg)]
    if breaks:
        brk = (f"break point median knee {statistics.median(breaks):.0f} deg over {len(breaks)} "
               f"rep{'s' if len(breaks) != 1 else ''} (later, at a straighter knee, is stronger)")
    else:
        reasons = [x.reason for x in report.nordic if x.reason]
        brk = f"no break point ({max(set(reasons), key=reasons.count)})" if reasons else "no break point"
    return f"{pike}; {brk}"


def _nordic_lines(report: Report) -> list[str]:
    if not report.nordic:
        return []
    flag = NordicConfig().pike_flag_deg
    lines = [f"nordic technique (pike: hip flexion past kneeling tall over the lowering, flagged over "
             f"{flag:g} deg; break point: the knee angle where the lowering turned into a fall):"]
    lines.extend(f"  rep {x.rep}: {nordic_rep_words(x)}" for x in report.nordic)
    lines.append(f"  set: {nordic_set_words(report)}")
    return lines


def _zone_cell(z: LegZones, head: str) -> str:
    """' 2.9 s (24%, likely 2.4–3.3 s)', or ' 2.9 s (24%)' without a range."""
    words = range_words(z, head)
    return f"{z.seconds[head]:5.1f} s ({_pct(z.share(head))}{', ' + words if words else ''})"


def _zone_table(report: Report) -> list[str]:
    """Each head's seconds per leg, left column then right, with the likely range where known."""
    zones, span = (report.zones, "during the reps") if report.reps else (report.zones_clip, "over the clip")
    ranged = any_range(zones)
    why = " (likely: the range the knee angle's error from this view allows)" if ranged else ""
    lines = [f"time in each head's zone {span}, left leg / right leg{why}:"]
    cells = [(vocab.head(z.head).name, [_zone_cell(leg, z.head) for leg in zones]) for z in report.zone_defs]
    measured = [f"{leg.measured_s:5.1f} s" for leg in zones]
    width = max(len(c[0]) for _, c in cells + [("", measured)])
    for name, (left, right) in cells + [("knee measured", measured)]:
        lines.append(f"  {name:<26} {left:<{width}} / {right}")
    return lines


def _toe_line(report: Report) -> str:
    """The set's toe rotation: each foot where the view trusts each, else the pair's mean."""
    toe = report.toe
    over = "median over the reps" if report.reps else "median over the clip"
    if toe.per_foot and any(math.isfinite(x) for x in toe.deg):
        feet = ", ".join(f"{side} {signed_deg(x) if math.isfinite(x) else '-'}" for side, x in zip(SIDES, toe.deg))
        return f"toes ({over}, each foot): {feet}: {toe.bias}"
    if math.isfinite(toe.pair_deg):
        return (f"toes ({over}, mean of both feet: from this view one foot alone is not trusted): "
                f"{signed_deg(toe.pair_deg)}: {toe.bias}")
    return ""


def _back_lines(report: Report) -> list[str]:
    """The low back (analysis/back.py): each rep's state and the values that judged it, or why
    the back was not judged."""
    b = report.back
    if b is None:
        return []
    if not b.judged:
        return [f"low back: not judged: {b.reason}"]
    out = ["low back (arch past the lifter's standing neutral in the hinge; lean behind vertical at lockout):"]
    for r in b.reps:
        if r.state == "not judged":
            out.append(f"  rep {r.rep_index}: not judged: {r.reason}")
            continue
        state = "rounded" if r.state == "flexed" else r.state + (f" ({r.extended_by})" if r.extended_by else "")
        out.append(
            f"  rep {r.rep_index}: {state}: arch {_f(r.arch_deg, '{:+.0f} deg')}, "
            f"lean-back {_f(r.lean_back_deg, '{:+.0f} deg')}"
            f"; pelvis vs ribs {_f(r.pelvis_tilt_deg, '{:+.0f} deg')}, rib offset {_f(r.rib_offset_pct, '{:+.0f}%')}")
    if not b.arch_judged and b.arch_reason:
        out.append(f"  arching and rounding not judged: {b.arch_reason}")
    return out


def damaged_line(report: Report) -> str:
    """The damaged frames and where they were, for a damaged video."""
    spans = ", ".join(f"{a:.2f}–{b:.2f} s" for a, b in report.damaged_s)
    n = int(report.damaged_frames.sum())
    if n == 0:  # frames decoded with errors concealed only (analysis/damage.py)
        return f"damaged: frames decoded with errors concealed (glitched), between {spans}"
    return f"damaged: {n} frame{'s' if n != 1 else ''} could not be decoded, between {spans}"


def to_text(report: Report) -> str:
    lines = [report.verdict, ""]
    v = report.view
    lines.append(
        f"{report.source}: {report.duration_s:.1f} s, {report.n_frames} frames, "
        f"{report.width_px}x{report.height_px}; view {v.label} (hips {_f(v.yaw_deg, '{:.0f}')} deg "
        f"from facing the camera); lifter found in {report.coverage:.0%} of frames"
    )
    fam = (report.family or "none") + (f" or {report.family_alternative}" if report.family_alternative else "")
    follows = f"; reps follow {report.rom_signal.replace('_deg', '')} flexion" if report.rom_signal else ""
    lines.append(f"exercise: {fam} ({report.family_source}: {report.family_reason}){follows}")
    trust = ", ".join(f"{k.replace('_deg', '')} {x:.0%}" for k, x in v.trust.items())
    lines.append(f"trust in this view: {trust}")
    if any(math.isfinite(x) for x in report.knee_zero_deg):
        zero = " / ".join(_f(x, "{:+.0f} deg") for x in report.knee_zero_deg)
        lines.append(f"knees counted from standing straight: left / right read {zero} while standing tall, "
                     "taken off as 0")
    if len(report.damaged_s):
        lines.append(damaged_line(report))
    lines.append("")
    lines.extend(_rep_table(report) if report.reps else ["no reps found"])
    lines.append("")
    if report.nordic:
        lines.extend(_nordic_lines(report))
        lines.append("")
    lines.extend(_zone_table(report))
    toe = _toe_line(report)
    if toe:
        lines.append(toe)
    lines.extend(_back_lines(report))
    if report.faults:
        lines.append("")
        lines.append("faults:")
        lines.extend(f"  {f.message}" for f in report.faults)
    if report.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(lines)
