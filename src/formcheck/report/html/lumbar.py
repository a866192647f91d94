"""The page's low-back section: extension past the lifter's neutral over time, with the flag
threshold and flagged spans, or why the back could not be judged."""

from __future__ import annotations

import math

import numpy as np

from formcheck.analysis.pipeline import both_sides
from formcheck.config import ScoreConfig
from formcheck.report.html.markup import (
    FLAG_COLOUR,
    a_view,
    esc,
    num,
    rep_spans,
    section,
    swatch,
    time_frame,
    top_reason,
)
from formcheck.report.svg import Frame, axes, decimate, line_path_d, nice_ticks, rect, svg_open
from formcheck.types import Report
from formcheck.vocab import family_name


def lumbar_section(report: Report) -> str:
    title = "Low back: rib-over-pelvis stack"
    ext = np.asarray(report.lumbar_ext_deg, float)
    why_not = _lumbar_unmeasured_reason(report)
    if why_not:
        return section("lumbar", title, f"<p>{esc(why_not)}</p>")
    cfg = ScoreConfig()
    t = report.measures.t_s
    finite = ext[np.isfinite(ext)]
    top = max(cfg.lumbar_flag_deg + 6.0, float(np.max(finite)) + 3.0)
    bottom = min(-10.0, float(np.min(finite)) - 3.0)
    f = time_frame(report, 280.0, 5 * math.floor(bottom / 5), 5 * math.ceil(top / 5))
    flags = [x for x in report.faults if x.kind == "lumbar_extension"]
    out = [svg_open(f.width_px, f.height_px, "Low-back extension past neutral over time")]
    out.append(rect(f, f.x_lo, f.x_hi, cfg.lumbar_flag_deg, f.y_hi, FLAG_COLOUR, 0.06, "over-threshold"))
    for x in flags:
        x1 = x.end_s if x.end_s > x.start_s else x.start_s + 0.05
        out.append(rect(f, x.start_s, x1, f.y_lo, f.y_hi, FLAG_COLOUR, 0.22, "flag-span", x.message))
    out.append(rep_spans(report, f))
    out.append(axes(f, nice_ticks(f.x_lo, f.x_hi, 10), nice_ticks(f.y_lo, f.y_hi, 6), "time (s)",
                     "extension past neutral (°)"))
    y_thr = float(f.y(cfg.lumbar_flag_deg))
    out.append(f'<line class="threshold" x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{y_thr:.1f}" '
               f'y2="{y_thr:.1f}" stroke="{FLAG_COLOUR}" stroke-width="1.5" stroke-dasharray="5 4"/>')
    out.append(f'<text x="{f.right_px + 6:.1f}" y="{y_thr + 4.5:.1f}" font-size="12.5" fill="{FLAG_COLOUR}">'
               f"flag {cfg.lumbar_flag_deg:g}°</text>")
    y0 = float(f.y(0.0))
    out.append(f'<line x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{y0:.1f}" y2="{y0:.1f}" '
               'stroke="#9aa2ab" stroke-width="1"/>')
    out.append(f'<text x="{f.right_px + 6:.1f}" y="{y0 + 4.5:.1f}" font-size="12.5" fill="#5b6570">neutral</text>')
    out.append(_lumbar_lines(f, t, ext, both_sides(report.measures.hip_deg.values), cfg.lumbar_min_hip_deg))
    out.append("</svg>")
    judged = (
        f"{len({x.rep for x in flags})} rep(s) flagged: " + ", ".join(str(x.rep) for x in flags) + "."
        if flags else "No rep flagged."
    ) if report.family == "hinge" and report.family_alternative is None else (
        f"Flags are judged in hip hinges only; this set was analysed as "
        f"{esc(family_name(report.family, report.family_alternative))}, so the trace is shown unjudged."
    )
    body = (
        '<div class="legend"><span><i class="ln" style="border-color:#1d232a"></i>hips flexed '
        f'{cfg.lumbar_min_hip_deg:g}°+ (judged)</span><span><i class="ln" style="border-color:#aab1b9">'
        f"</i>near upright (not judged)</span><span>{swatch('rgba(198,40,40,.35)')}flagged span</span></div>"
        f'<div class="chart">{"".join(out)}</div>'
        f'<p class="note">The bend of the back\'s outline past the lifter\'s own standing neutral, less '
        f"the bend a neutral back shows as the hips flex; + is arched (lumbar extension, ribs flared). "
        f"A rep is flagged when its median, over frames with the hips flexed at least "
        f"{cfg.lumbar_min_hip_deg:g}°, is above {cfg.lumbar_flag_deg:g}°. {judged}</p>"
    )
    return section("lumbar", title, body)


def _lumbar_lines(f: Frame, t_s: np.ndarray, ext_deg: np.ndarray, hip_deg: np.ndarray,
                  min_hip_deg: float) -> str:
    """The extension trace: dark where the hips are flexed enough for it to be judged, grey where
    the lifter is near upright (a lockout's lean-back shows there but is never flagged)."""
    with np.errstate(invalid="ignore"):
        deep = hip_deg >= min_hip_deg
    # each part keeps one sample of overlap with the other so the two join without a gap
    near = deep.copy()
    near[1:] |= deep[:-1]
    near[:-1] |= deep[1:]
    deep_ext = np.where(near, ext_deg, np.nan)
    out = []
    for cls, y, colour, width in (("lumbar-upright", ext_deg, "#aab1b9", 1.5),
                                  ("lumbar", deep_ext, "#1d232a", 2.2)):
        tt, yy = decimate(t_s, y)
        out.append(f'<path class="line {cls}" d="{line_path_d(f.x(tt), f.y(yy))}" fill="none" '
                   f'stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"/>')
    return "".join(out)


def _lumbar_unmeasured_reason(report: Report) -> str:
    """Why the low back has no trace, in words; empty when there is one to draw."""
    ext = np.asarray(report.lumbar_ext_deg, float)
    if ext.size and np.isfinite(ext).any():
        return ""
    v = report.view
    if v.trust.get("arch_deg", 0.0) <= 0:
        return (f"Not measured: the low back's outline is only visible side-on, and this set was filmed "
                f"from {a_view(v.label)} (hips {num(v.yaw_deg, '{:.0f}')}° from facing the camera). "
                "Film side-on, camera at hip height, to check the stack.")
    arch = report.measures.arch_deg
    if not np.isfinite(arch.values).any():
        why = top_reason(arch) or "the back's outline was not found"
        return f"Not measured: {why}."
    if not math.isfinite(report.lumbar_baseline_deg):
        return ("Not judged: the lifter was never seen standing at rest, so there is no neutral back "
                "to compare the hinge with. Start the clip standing tall for a second.")
    return "Not measured in any frame."
