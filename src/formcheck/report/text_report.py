"""The terminal summary: the verdict first, then a rep table and the set's zone times."""

from __future__ import annotations

import math

from formcheck import vocab
from formcheck.types import Report

SHORT = {
    "semimembranosus": "SM",
    "biceps_femoris_long": "BFlh",
    "biceps_femoris_short": "BFsh",
    "semitendinosus": "ST",
}


def _f(x: float, fmt: str = "{:.1f}") -> str:
    return "-" if x is None or not math.isfinite(x) else fmt.format(x)


def _pct(share: float) -> str:
    return "-" if not math.isfinite(share) else f"{share:.0%}"


def to_text(report: Report) -> str:
    lines = [report.verdict, ""]
    v = report.view
    lines.append(
        f"{report.source}: {report.duration_s:.1f} s, {report.n_frames} frames, "
        f"{report.width_px}x{report.height_px}; view {v.view} (hips {_f(v.yaw_deg, '{:.0f}')} deg "
        f"from facing the camera); lifter found in {report.coverage:.0%} of frames"
    )
    fam = report.family or "none"
    follows = f"; reps follow {report.rom_signal.replace('_deg', '')} flexion" if report.rom_signal else ""
    lines.append(f"exercise: {fam} ({report.family_source}: {report.family_reason}){follows}")
    trust = ", ".join(f"{k.replace('_deg', '')} {x:.0%}" for k, x in v.trust.items())
    lines.append(f"trust in this view: {trust}")
    lines.append("")
    if report.reps:
        heads = [SHORT[z.head] for z in report.zone_defs]
        head = (
            f"{'rep':>3} {'start':>6} {'ecc s':>6} {'con s':>6} {'ROM':>5} {'knee L/R max':>13} "
            + " ".join(f"{h:>9}" for h in heads)
            + f" {'toes':>8}  flags"
        )
        lines.append(head)
        lines.append(
            "    zone seconds left/right: SM semimembranosus, BFlh/BFsh biceps femoris long/short "
            "head, ST semitendinosus"
        )
        for s in report.reps:
            zs = " ".join(
                f"{_f(s.zones[0].seconds[z.head]):>4}/{_f(s.zones[1].seconds[z.head]):<4}"
                for z in report.zone_defs
            )
            flags = ", ".join(sorted({f.kind for f in s.faults})) or "-"
            knee = f"{_f(s.knee_max_deg[0], '{:.0f}')}/{_f(s.knee_max_deg[1], '{:.0f}')}"
            lines.append(
                f"{s.rep.index:>3} {s.rep.start_s:>6.1f} {s.eccentric_s:>6.1f} {s.concentric_s:>6.1f} "
                f"{s.rep.rom_deg:>5.0f} {knee:>13} {zs} {s.toe_bias:>8}  {flags}"
            )
    else:
        lines.append("no reps found")
    lines.append("")
    zones, span = (report.zones, "during the reps") if report.reps else (report.zones_clip, "over the clip")
    lines.append(f"time in each head's zone {span} (left / right):")
    left, right = zones
    for z in report.zone_defs:
        lines.append(
            f"  {vocab.head(z.head).name:<26} {left.seconds[z.head]:5.1f} s ({_pct(left.share(z.head))})"
            f" / {right.seconds[z.head]:5.1f} s ({_pct(right.share(z.head))})"
        )
    lines.append(f"  {'knee measured':<26} {left.measured_s:5.1f} s / {right.measured_s:5.1f} s")
    if report.faults:
        lines.append("")
        lines.append("faults:")
        lines.extend(f"  {f.message}" for f in report.faults)
    if report.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in report.warnings)
    return "\n".join(lines)
