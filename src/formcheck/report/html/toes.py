"""The page's toe section: each foot's median rotation per rep against the neutral band, or why
the toes could not be measured from this view."""

from __future__ import annotations

import math

import numpy as np

from formcheck.config import MeasureConfig, ScoreConfig
from formcheck.report.html.markup import CHART_W, LEG_COLOURS, a_view, esc, num, pct, section, swatch, top_reason
from formcheck.report.svg import Frame, axes, nice_ticks, rect, svg_open
from formcheck.types import SIDES, Report, ToeCall


def toe_section(report: Report) -> str:
    title = "Toe rotation per rep"
    why_not = _toe_unmeasured_reason(report)
    if not report.reps:
        extra = f" {why_not}" if why_not else ""
        return section("toe", title, f'<p class="note">No complete reps, so no toe rotation per rep.{extra}</p>')
    toe = np.array([s.toe_deg for s in report.reps], float)  # (reps, 2)
    if not np.isfinite(toe).any():
        return section("toe", title, f"<p>{esc(why_not or 'Toe rotation was not measured.')}</p>")
    band = ScoreConfig().toe_dead_band_deg
    per_foot = report.toe.per_foot
    drawn = toe if per_foot else np.array([[ToeCall.pair_of(s.toe_deg)] for s in report.reps])
    lim = max(15.0, 5.0 * math.ceil((float(np.nanmax(np.abs(toe))) + 3.0) / 5.0))
    n = len(report.reps)
    f = Frame(CHART_W, 280.0, 0.5, n + 0.5, -lim, lim)
    out = [svg_open(f.width_px, f.height_px, "Toe rotation per rep, each foot"),
           rect(f, f.x_lo, f.x_hi, -band, band, "#2e7d32", 0.14, "dead-band",
                 f"neutral: within ±{band:g} deg"),
           axes(f, np.zeros(0), nice_ticks(-lim, lim, 6), "rep", "toe rotation (°)")]
    out.append(f'<line x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{float(f.y(0)):.1f}" '
               f'y2="{float(f.y(0)):.1f}" stroke="#2e7d32" stroke-width="1"/>')
    for label, y in (("toes out ↑", lim * 0.85), ("neutral", 0.0), ("toes in ↓", -lim * 0.85)):
        out.append(f'<text x="{f.right_px + 6:.1f}" y="{float(f.y(y)) + 4.5:.1f}" font-size="12.5" '
                   f'fill="#5b6570">{label}</text>')
    for i, s in enumerate(report.reps):
        cx = float(f.x(i + 1))
        out.append(f'<text x="{cx:.1f}" y="{f.bottom_px + 19:.1f}" text-anchor="middle" font-size="13" '
                   f'fill="#5b6570">{s.rep.index}</text>')
        if per_foot:
            for k, side in enumerate(SIDES):
                out.append(_toe_marker(f, cx + (k - 0.5) * 12, s.toe_deg[k], k, f"rep {s.rep.index} {side} foot"))
        else:
            out.append(_toe_marker(f, cx, float(drawn[i, 0]), 2, f"rep {s.rep.index}, mean of both feet"))
    out.append("</svg>")
    markers = (f'<span><svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" r="5.5" '
               f'fill="{LEG_COLOURS[0]}"/></svg> left foot</span><span><svg width="14" height="14" '
               f'viewBox="0 0 14 14"><rect x="1.5" y="1.5" width="11" height="11" fill="{LEG_COLOURS[1]}"/>'
               "</svg> right foot</span>" if per_foot else
               f'<span><svg width="14" height="14" viewBox="0 0 14 14"><path d="M7 0.5L13.5 7L7 13.5L0.5 7Z" '
               f'fill="{LEG_COLOURS[0]}"/></svg> mean of both feet</span>')
    legend = (f'<div class="legend">{markers}<span>{swatch("rgba(46,125,50,.25)")}neutral (±{band:g}°)</span>'
              "</div>")
    pair = ("" if per_foot else
            f" From {a_view(report.view.label)} (hips {num(report.view.yaw_deg, '{:.0f}')}° from facing the "
            "camera) one foot alone is not trusted, so each rep shows the mean of both feet, and a bias is "
            "called only when both feet say the same.")
    reason = f" {report.toe.reason[:1].upper()}{report.toe.reason[1:]}." if report.toe.reason else ""
    body = (
        legend + f'<div class="chart">{"".join(out)}</div>'
        + f'<p class="note">Median over each rep; + is toes out (biases the lateral hamstrings, biceps '
          f"femoris), − toes in (the medial: semitendinosus, semimembranosus). Within ±{band:g}° counts "
          f"as neutral.{esc(pair)} Set bias: <b>{esc(report.toe_bias)}</b>.{esc(reason)}"
          f"{' ' + esc(why_not) if why_not else ''}</p>"
    )
    return section("toe", title, body)


def _toe_marker(f: Frame, cx_px: float, toe_deg: float, side_k: int, label: str) -> str:
    """Left foot a circle, right foot a square, the pair's mean (``side_k`` 2) a diamond; a missing
    value gets a grey × on the zero line."""
    if not math.isfinite(toe_deg):
        return (f'<text x="{cx_px:.1f}" y="{float(f.y(0)) + 4.5:.1f}" text-anchor="middle" font-size="12" '
                f'fill="#9aa2ab">×<title>{esc(label)}: not measured</title></text>')
    y = float(f.y(toe_deg))
    tip = f"<title>{esc(label)}: {toe_deg:+.1f} deg</title>"
    if side_k == 0:
        return f'<circle class="toe" cx="{cx_px:.1f}" cy="{y:.1f}" r="5.5" fill="{LEG_COLOURS[0]}">{tip}</circle>'
    if side_k == 2:
        return (f'<path class="toe pair" d="M{cx_px:.1f} {y - 6.5:.1f}l6.5 6.5l-6.5 6.5l-6.5 -6.5Z" '
                f'fill="{LEG_COLOURS[0]}">{tip}</path>')
    return (f'<rect class="toe" x="{cx_px - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
            f'fill="{LEG_COLOURS[1]}">{tip}</rect>')


def _toe_unmeasured_reason(report: Report) -> str:
    """Why toe rotation is missing, in words; empty when it was measured in most frames."""
    v = report.view
    max_yaw = MeasureConfig().toe_max_yaw_deg
    cov = np.atleast_1d(report.measures.toe_deg.coverage())
    if v.trust.get("toe_deg", 0.0) <= 0:
        return (f"Toe rotation is not measured from {a_view(v.label)} (hips {num(v.yaw_deg, '{:.0f}')}° from "
                f"facing the camera): from there the foot's turn is mostly depth the camera cannot see. "
                f"Film from the front, within {max_yaw:g}° of facing the camera, to judge the toes.")
    if np.all(~np.isfinite(cov) | (cov < 0.5)):
        seen = " / ".join(pct(c) for c in cov)
        why = top_reason(report.measures.toe_deg)
        return (f"The feet were not seen well enough: toe rotation was measured in only {seen} of frames "
                f"(left / right){'; mostly ' + why if why else ''}.")
    return ""
