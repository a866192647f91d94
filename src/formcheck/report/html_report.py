"""The set as one self-contained HTML page a coach can open anywhere, offline.

Everything is inline: CSS in a ``<style>`` element, charts as SVG drawn here from the report's
numpy arrays, flagged frames as ``data:`` JPEGs. No script at all, and a Content-Security-Policy
that forbids fetching anything, so the file works (and leaks nothing) without a network.

The page follows the text report's order, verdict first, then the evidence: knee flexion over
time against the four heads' zones, time per head per rep, toe rotation, the low back, the rep
table, flagged frames, and how far the camera view lets each number be trusted. Missing values
stay visibly missing: a NaN breaks a line, it is never drawn as 0, and a section that cannot be
measured from this view says why instead of showing an empty chart.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import PurePath

import numpy as np

from formcheck import vocab
from formcheck.analysis.pipeline import both_sides
from formcheck.config import MeasureConfig, ScoreConfig, Zone
from formcheck.report.svg import (
    Frame,
    axes,
    decimate,
    line_path_d,
    nice_ceil,
    nice_ticks,
    rect,
    svg_open,
)
from formcheck.report.text_report import SHORT
from formcheck.types import REASONS, SIDES, Channel, Fault, LegZones, Report, RepScore
from formcheck.version import __version__
from formcheck.vocab import family_name

# One colour per head, used by every chart, legend and table header. Medial heads (the semis) are
# blues, lateral heads (biceps femoris) oranges, from the Okabe-Ito colour-blind-safe palette.
HEAD_COLOURS = {
    "semimembranosus": "#0072B2",
    "semitendinosus": "#56B4E9",
    "biceps_femoris_long": "#E69F00",
    "biceps_femoris_short": "#D55E00",
}
NO_ZONE_COLOUR = "#d5d8dc"  # measured time outside every head's zone
LEG_COLOURS = ("#1d232a", "#9b3fb5")  # left, right
LEG_DASH = ("", "7 4")  # the right leg is also dashed, for print and colour-blind readers
FLAG_COLOUR = "#c62828"
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

MEASURE_NAMES = {
    "knee_deg": "knee flexion",
    "hip_deg": "hip flexion (hinge)",
    "toe_deg": "toe rotation",
    "trunk_lean_deg": "trunk lean",
    "arch_deg": "low-back outline (lumbar)",
}
FAULT_NAMES = {"lumbar_extension": "back arched", "squatting": "squatted"}

CHART_W = 760.0  # SVG user units; the SVG scales to the page width through its viewBox

CSS = """
:root{--ink:#1d232a;--muted:#5b6570;--line:#e3e6ea;--bg:#f4f5f7;--card:#fff;--bad:#c62828}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
 font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1000px;margin:0 auto;padding:16px}
header{padding:4px 4px 0}
h1{font-size:1.3rem;margin:.2em 0;overflow-wrap:anywhere}
h2{font-size:1.12rem;margin:0 0 .4em}
h3{font-size:1rem;margin:1em 0 .3em}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;
 padding:16px 20px;margin:14px 0}
.meta,.note{color:var(--muted);font-size:.92rem}
.note{margin:.5em 0 0}
.verdict{font-size:1.2rem;font-weight:600;line-height:1.45;margin:0}
.cues{margin:.6em 0 0;padding-left:1.2em}
.cues li{color:var(--bad)}
.chart{overflow-x:auto;-webkit-overflow-scrolling:touch;margin-top:.4em}
.chart svg{display:block;width:100%;min-width:600px;height:auto}
svg text{font-family:inherit}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.88rem;color:var(--muted);margin:.3em 0}
.legend span{white-space:nowrap}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:6px}
.ln{display:inline-block;width:22px;height:0;border-top:3px solid;vertical-align:4px;margin-right:6px}
.ln.dash{border-top-style:dashed}
.share{display:grid;grid-template-columns:3.5em 1fr;gap:6px 10px;align-items:center;margin-top:.8em}
.bar{display:flex;height:26px;border-radius:5px;overflow:hidden;background:#f0f1f3}
.bar div{display:flex;align-items:center;justify-content:center;color:#fff;font-size:.78rem;
 font-weight:600;white-space:nowrap;overflow:hidden;text-shadow:0 0 2px rgba(0,0,0,.55)}
.bar .none{color:var(--muted);text-shadow:none}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.86rem;font-variant-numeric:tabular-nums}
th,td{padding:5px 6px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap;background:var(--card)}
th{font-weight:600;vertical-align:bottom}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;z-index:1}
td.text,th.text{text-align:left;white-space:normal;min-width:14em}
td.flags,th.flags{text-align:left}
td .sub{display:block;color:var(--muted);font-size:.85rem;white-space:normal}
tfoot td{font-weight:600;border-bottom:0}
.flag{color:var(--bad);font-weight:600}
.thumbs{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:14px}
figure{margin:0}
figure img{display:block;width:100%;height:auto;border-radius:6px;border:1px solid var(--line)}
figcaption{font-size:.88rem;margin-top:4px}
.meter{display:inline-block;width:90px;height:9px;border-radius:5px;background:#eceef1;
 vertical-align:1px;margin-right:8px;overflow:hidden}
.meter i{display:block;height:100%;background:#2e7d32}
ul.warn{padding-left:1.2em;margin:.3em 0}
footer{color:var(--muted);font-size:.82rem;text-align:center;padding:8px 0 24px}
@media (max-width:640px){
 main{padding:8px}
 section{padding:12px 12px;margin:10px 0;border-radius:8px}
 .verdict{font-size:1.06rem}
 .chart svg text{font-size:15px}
 body{font-size:15px}
}
"""


# ---------------------------------------------------------------- small formatting helpers


def _e(text: object) -> str:
    """Escape any text for HTML content and attribute values alike."""
    return html.escape(str(text), quote=True)


def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    """A number for display, or an en dash where it is missing (None or NaN)."""
    if x is None or not math.isfinite(float(x)):
        return "\u2013"
    return fmt.format(float(x))


def _pct(share: float | None) -> str:
    return _num(None if share is None else 100.0 * share, "{:.0f}%")


def _head_label(head_key: str) -> str:
    return vocab.head(head_key).name


def _head_colour(head: str) -> str:
    return HEAD_COLOURS.get(head, "#888888")


def _a_view(view: str) -> str:
    """'a side view', 'an oblique view': the view's name with its article."""
    return f"{'an' if view[:1] in 'aeiou' else 'a'} {view} view"


def _swatch(colour: str) -> str:
    return f'<i class="sw" style="background:{colour}"></i>'


def _time_frame(report: Report, height_px: float, y_lo: float, y_hi: float) -> Frame:
    t = report.measures.t_s
    t0, t1 = (float(t[0]), float(t[-1])) if len(t) else (0.0, 1.0)
    return Frame(CHART_W, height_px, t0, t1 if t1 > t0 else t0 + 1.0, y_lo, y_hi)


def _rep_spans(report: Report, f: Frame) -> str:
    """Each rep as a light vertical band with its number on top (red when the rep has a flag)."""
    out = []
    for s in report.reps:
        r = s.rep
        flagged = bool(s.faults)
        tip = f"rep {r.index}: {r.start_s:.1f}-{r.end_s:.1f} s" + (
            "; " + "; ".join(x.message for x in s.faults) if flagged else "")
        out.append(rect(f, r.start_s, r.end_s, f.y_lo, f.y_hi, "#1d232a", 0.05, "rep-span", tip))
        xm = float(f.x((r.start_s + r.end_s) / 2))
        colour = FLAG_COLOUR if flagged else "#5b6570"
        out.append(f'<text x="{xm:.1f}" y="{f.top_px - 8:.1f}" text-anchor="middle" font-size="12" '
                   f'font-weight="600" fill="{colour}">{r.index}</text>')
    return "".join(out)


def _leg_lines(f: Frame, t_s: np.ndarray, values: np.ndarray, name: str) -> str:
    """One path per leg of an (n, 2) series, NaN gaps left open."""
    out = []
    for k, side in enumerate(SIDES):
        tt, yy = decimate(t_s, values[:, k])
        d = line_path_d(f.x(tt), f.y(yy))
        if not d:
            continue
        dash = f' stroke-dasharray="{LEG_DASH[k]}"' if LEG_DASH[k] else ""
        out.append(f'<path class="line leg-{side}" d="{d}" fill="none" stroke="{LEG_COLOURS[k]}" '
                   f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"{dash}>'
                   f"<title>{_e(side)} {_e(name)}</title></path>")
    return "".join(out)


def _leg_legend(extra: str = "") -> str:
    items = [
        f'<span><i class="ln{" dash" if LEG_DASH[k] else ""}" style="border-color:{LEG_COLOURS[k]}">'
        f"</i>{side} leg</span>"
        for k, side in enumerate(SIDES)
    ]
    return '<div class="legend">' + "".join(items) + extra + "</div>"


def _head_legend(report: Report, with_none: bool = False) -> str:
    """Swatches for the heads in the report's zone order (straight knee first)."""
    heads = [z.head for z in report.zone_defs] or list(HEAD_COLOURS)
    items = [f"<span>{_swatch(_head_colour(h))}{_e(_head_label(h))}</span>" for h in heads]
    if with_none:
        items.append(f"<span>{_swatch(NO_ZONE_COLOUR)}no head's zone</span>")
    return '<div class="legend">' + "".join(items) + "</div>"


# ---------------------------------------------------------------- sections


def _section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{_e(title)}</h2>{body}</section>'


def _header(report: Report) -> str:
    name = PurePath(report.source).name if report.source else "set"
    fam = family_name(report.family)
    how = "set by hand" if report.family_source == "given" else "detected"
    follows = f"; reps follow {report.rom_signal.replace('_deg', '')} flexion" if report.rom_signal else ""
    meta = (
        f"{_e(report.source or 'unknown source')} · {report.duration_s:.1f} s, {report.n_frames} frames, "
        f"{report.width_px}×{report.height_px} px · exercise: {_e(fam)} ({how}: "
        f"{_e(report.family_reason)}){_e(follows)}"
    )
    trunc = ('<p class="flag">The video broke off early: this report covers only what was '
             "decoded.</p>" if report.truncated else "")
    return f'<header><h1>Set report: {_e(name)}</h1><p class="meta">{meta}</p>{trunc}</header>'


def _share_bar(z: LegZones, heads: list[str]) -> str:
    """One leg's measured time as a 100% bar split by head, with 'no zone' last."""
    if z.measured_s <= 0:
        return '<div class="bar"><div class="none" style="width:100%">not seen</div></div>'
    parts = [(h, z.seconds[h], _head_colour(h), _head_label(h)) for h in heads]
    parts.append(("none", z.none_s, NO_ZONE_COLOUR, "no head's zone"))
    cells = []
    for key, secs, colour, label in parts:
        share = secs / z.measured_s
        if share <= 0.0005:
            continue
        text = f"{share:.0%}" if share >= 0.07 else ""
        cls = ' class="none"' if key == "none" else ""
        cells.append(f'<div{cls} style="width:{100 * share:.2f}%;background:{colour}" '
                     f'title="{_e(label)}: {secs:.1f} s ({share:.0%})">{text}</div>')
    return '<div class="bar">' + "".join(cells) + "</div>"


def _verdict_section(report: Report) -> str:
    heads = [z.head for z in report.zone_defs]
    zones, span = (report.zones, "of rep time") if report.reps else (report.zones_clip, "of the whole clip")
    rows = "".join(
        f"<div>{side}</div>{_share_bar(z, heads)}" for side, z in zip(SIDES, zones)
    )
    measured = " / ".join(f"{z.measured_s:.1f} s" for z in zones)
    cues = ""
    if report.faults:
        cues = '<ul class="cues">' + "".join(f"<li>{_e(x.message)}</li>" for x in report.faults) + "</ul>"
    body = (
        f'<p class="verdict">{_e(report.verdict)}</p>{cues}'
        f"<h3>Share {span} the knee spent in each head's zone</h3>"
        f'<div class="share">{rows}</div>{_head_legend(report, with_none=True)}'
        f'<p class="note">Knee measured for {measured} (left / right).</p>'
    )
    return _section("verdict", "Verdict", body)


def _knee_section(report: Report) -> str:
    knee = report.measures.knee_deg.values
    t = report.measures.t_s
    finite = knee[np.isfinite(knee)]
    top = max(110.0, float(np.max(finite)) + 5.0) if finite.size else 110.0
    bottom = min(0.0, float(np.min(finite)) - 5.0) if finite.size else 0.0
    f = _time_frame(report, 330.0, 10 * math.floor(bottom / 10), 10 * math.ceil(top / 10))
    bands = []
    for z in report.zone_defs:
        colour = _head_colour(z.head)
        bands.append(rect(f, f.x_lo, f.x_hi, z.lo_deg, z.hi_deg, colour, 0.2, "band",
                           f"{z.label}: {z.lo_deg:g}-{z.hi_deg:g} deg", f' data-head="{_e(z.head)}"'))
        ym = float(f.y((max(z.lo_deg, f.y_lo) + min(z.hi_deg, f.y_hi)) / 2))
        bands.append(f'<text x="{f.right_px + 6:.1f}" y="{ym + 4.5:.1f}" font-size="12.5" font-weight="600" '
                     f'fill="{colour}">{_e(SHORT.get(z.head, z.head))}</text>')
    svg = (
        svg_open(f.width_px, f.height_px, "Knee flexion per leg over time, with each head's zone")
        + "".join(bands)
        + _rep_spans(report, f)
        + axes(f, nice_ticks(f.x_lo, f.x_hi, 10), nice_ticks(f.y_lo, f.y_hi, 6), "time (s)",
                "knee flexion (°)")
        + _leg_lines(f, t, knee, "knee flexion")
        + "</svg>"
    )
    reps_note = (
        "Grey bands are the reps, numbered on top (red: the rep has a flag)."
        if report.reps else "No complete reps were found, so none are marked."
    )
    body = (
        _head_legend(report)
        + _leg_legend()
        + f'<div class="chart">{svg}</div>'
        + f'<p class="note">0° is a straight knee. Coloured bands are the knee angles where each head '
          f"has its best leverage (SM semimembranosus, BFlh / BFsh biceps femoris long / short head, "
          f"ST semitendinosus). {reps_note} Gaps in a line are frames where that knee was not seen. "
          f"{_e(_knee_trust_sentence(report))}</p>"
    )
    return _section("knee", "Knee flexion over the set", body)


def _knee_trust_sentence(report: Report) -> str:
    """How far this view lets the knee angle, and so the zone seconds, be trusted."""
    trust = report.view.trust.get("knee_deg", float("nan"))
    note = _trust_note("knee_deg", report.view.view, trust) if math.isfinite(trust) else "unknown"
    return f"From this {report.view.view} view the knee angle is trusted {_pct(trust)}: {note}."


def _zone_bars_section(report: Report) -> str:
    if not report.reps:
        body = ('<p class="note">No complete reps, so there is no time per rep to split. The whole '
                "clip's share per head is in the verdict above.</p>")
        return _section("zone-bars", "Time in each head's zone, per rep", body)
    heads = [z.head for z in report.zone_defs]
    top = max((z.measured_s for s in report.reps for z in s.zones), default=0.0)
    n = len(report.reps)
    f = Frame(CHART_W, 300.0, 0.5, n + 0.5, 0.0, nice_ceil(max(top, 0.5)))
    group_px = (f.right_px - f.left_px) / n
    bar_px = min(28.0, group_px * 0.36)
    out = [svg_open(f.width_px, f.height_px, "Seconds per head's zone, per rep and leg"),
           axes(f, np.zeros(0), nice_ticks(f.y_lo, f.y_hi, 5),
                 "rep (left bar = left leg, right bar = right leg)", "seconds")]
    for i, s in enumerate(report.reps):
        cx = float(f.x(i + 1))
        for k, side in enumerate(SIDES):
            cx_bar = cx + (k - 0.5) * (bar_px + 3)
            out.append(_stacked_bar(f, cx_bar, bar_px, s.zones[k], heads, s.rep.index, side))
        colour = FLAG_COLOUR if s.faults else "#5b6570"
        out.append(f'<text x="{cx:.1f}" y="{f.bottom_px + 19:.1f}" text-anchor="middle" font-size="13" '
                   f'font-weight="600" fill="{colour}">{s.rep.index}</text>')
    out.append("</svg>")
    body = (
        _head_legend(report, with_none=True)
        + f'<div class="chart">{"".join(out)}</div>'
        + '<p class="note">Each rep has two bars, left leg then right leg; their height is the time '
          "that knee was measured during the rep. A leg not seen in a rep has no bar (marked ×).</p>"
    )
    return _section("zone-bars", "Time in each head's zone, per rep", body)


def _stacked_bar(f: Frame, cx_px: float, width_px: float, z: LegZones, heads: list[str], rep: int,
                 side: str) -> str:
    """One leg's seconds in one rep, stacked by head from the bottom, 'no zone' on top."""
    x0 = cx_px - width_px / 2
    if z.measured_s <= 0:
        return (f'<text x="{cx_px:.1f}" y="{f.bottom_px - 5:.1f}" text-anchor="middle" font-size="13" '
                f'fill="#9aa2ab">×<title>rep {rep} {side}: not seen</title></text>')
    out, base = [], 0.0
    parts = [(h, z.seconds[h], _head_colour(h), _head_label(h)) for h in heads]
    parts.append(("none", z.none_s, NO_ZONE_COLOUR, "no head's zone"))
    for head, secs, colour, label in parts:
        if secs <= 0:
            continue
        y_top, y_bot = float(f.y(base + secs)), float(f.y(base))
        out.append(f'<rect class="seg" data-head="{_e(head)}" x="{x0:.1f}" y="{y_top:.1f}" '
                   f'width="{width_px:.1f}" height="{max(y_bot - y_top, 0.0):.1f}" fill="{colour}">'
                   f"<title>rep {rep} {side}: {_e(label)} {secs:.2f} s</title></rect>")
        base += secs
    return "".join(out)


def _toe_section(report: Report) -> str:
    title = "Toe rotation per rep"
    why_not = _toe_unmeasured_reason(report)
    if not report.reps:
        extra = f" {why_not}" if why_not else ""
        return _section("toe", title, f'<p class="note">No complete reps, so no toe rotation per rep.{extra}</p>')
    toe = np.array([s.toe_deg for s in report.reps], float)  # (reps, 2)
    if not np.isfinite(toe).any():
        return _section("toe", title, f"<p>{_e(why_not or 'Toe rotation was not measured.')}</p>")
    band = ScoreConfig().toe_dead_band_deg
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
        for k, side in enumerate(SIDES):
            out.append(_toe_marker(f, cx + (k - 0.5) * 12, s.toe_deg[k], k, f"rep {s.rep.index} {side} foot"))
    out.append("</svg>")
    legend = (f'<div class="legend"><span><svg width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" '
              f'r="5.5" fill="{LEG_COLOURS[0]}"/></svg> left foot</span><span><svg width="14" height="14" '
              f'viewBox="0 0 14 14"><rect x="1.5" y="1.5" width="11" height="11" fill="{LEG_COLOURS[1]}"/>'
              f"</svg> right foot</span><span>{_swatch('rgba(46,125,50,.25)')}neutral (±{band:g}°)</span></div>")
    body = (
        legend + f'<div class="chart">{"".join(out)}</div>'
        + f'<p class="note">Median over each rep; + is toes out (biases the lateral hamstrings, biceps '
          f"femoris), − toes in (the medial: semitendinosus, semimembranosus). Within ±{band:g}° counts "
          f"as neutral. Set bias: <b>{_e(report.toe_bias)}</b>.{' ' + _e(why_not) if why_not else ''}</p>"
    )
    return _section("toe", title, body)


def _toe_marker(f: Frame, cx_px: float, toe_deg: float, side_k: int, label: str) -> str:
    """Left foot a circle, right foot a square; a missing foot gets a grey × on the zero line."""
    if not math.isfinite(toe_deg):
        return (f'<text x="{cx_px:.1f}" y="{float(f.y(0)) + 4.5:.1f}" text-anchor="middle" font-size="12" '
                f'fill="#9aa2ab">×<title>{_e(label)}: not measured</title></text>')
    y = float(f.y(toe_deg))
    tip = f"<title>{_e(label)}: {toe_deg:+.1f} deg</title>"
    if side_k == 0:
        return f'<circle class="toe" cx="{cx_px:.1f}" cy="{y:.1f}" r="5.5" fill="{LEG_COLOURS[0]}">{tip}</circle>'
    return (f'<rect class="toe" x="{cx_px - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
            f'fill="{LEG_COLOURS[1]}">{tip}</rect>')


def _toe_unmeasured_reason(report: Report) -> str:
    """Why toe rotation is missing, in words; empty when it was measured in most frames."""
    v = report.view
    max_yaw = MeasureConfig().toe_max_yaw_deg
    cov = np.atleast_1d(report.measures.toe_deg.coverage())
    if v.trust.get("toe_deg", 0.0) <= 0:
        return (f"Toe rotation is not measured from {_a_view(v.view)} (hips {_num(v.yaw_deg, '{:.0f}')}° from "
                f"facing the camera): from there the foot's turn is mostly depth the camera cannot see. "
                f"Film from the front, within {max_yaw:g}° of facing the camera, to judge the toes.")
    if np.all(~np.isfinite(cov) | (cov < 0.5)):
        seen = " / ".join(_pct(c) for c in cov)
        why = _top_reason(report.measures.toe_deg)
        return (f"The feet were not seen well enough: toe rotation was measured in only {seen} of frames "
                f"(left / right){'; mostly ' + why if why else ''}.")
    return ""


def _top_reason(ch: Channel) -> str:
    """The most common reason a channel's values are missing, or '' when nothing is missing."""
    missing = ch.reason[~np.isfinite(ch.values)]
    missing = missing[missing > 0]
    if missing.size == 0:
        return ""
    codes, counts = np.unique(missing, return_counts=True)
    return REASONS[int(codes[np.argmax(counts)])]


def _lumbar_section(report: Report) -> str:
    title = "Low back: rib-over-pelvis stack"
    ext = np.asarray(report.lumbar_ext_deg, float)
    why_not = _lumbar_unmeasured_reason(report)
    if why_not:
        return _section("lumbar", title, f"<p>{_e(why_not)}</p>")
    cfg = ScoreConfig()
    t = report.measures.t_s
    finite = ext[np.isfinite(ext)]
    top = max(cfg.lumbar_flag_deg + 6.0, float(np.max(finite)) + 3.0)
    bottom = min(-10.0, float(np.min(finite)) - 3.0)
    f = _time_frame(report, 280.0, 5 * math.floor(bottom / 5), 5 * math.ceil(top / 5))
    flags = [x for x in report.faults if x.kind == "lumbar_extension"]
    out = [svg_open(f.width_px, f.height_px, "Low-back extension past neutral over time")]
    out.append(rect(f, f.x_lo, f.x_hi, cfg.lumbar_flag_deg, f.y_hi, FLAG_COLOUR, 0.06, "over-threshold"))
    for x in flags:
        x1 = x.end_s if x.end_s > x.start_s else x.start_s + 0.05
        out.append(rect(f, x.start_s, x1, f.y_lo, f.y_hi, FLAG_COLOUR, 0.22, "flag-span", x.message))
    out.append(_rep_spans(report, f))
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
    ) if report.family == "hinge" else (
        f"Flags are judged in hip hinges only; this set was analysed as "
        f"{_e(family_name(report.family))}, so the trace is shown unjudged."
    )
    body = (
        '<div class="legend"><span><i class="ln" style="border-color:#1d232a"></i>hips flexed '
        f'{cfg.lumbar_min_hip_deg:g}°+ (judged)</span><span><i class="ln" style="border-color:#aab1b9">'
        f"</i>near upright (not judged)</span><span>{_swatch('rgba(198,40,40,.35)')}flagged span</span></div>"
        f'<div class="chart">{"".join(out)}</div>'
        f'<p class="note">The bend of the back\'s outline past the lifter\'s own standing neutral, less '
        f"the bend a neutral back shows as the hips flex; + is arched (lumbar extension, ribs flared). "
        f"A rep is flagged when its median, over frames with the hips flexed at least "
        f"{cfg.lumbar_min_hip_deg:g}°, is above {cfg.lumbar_flag_deg:g}°. {judged}</p>"
    )
    return _section("lumbar", title, body)


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
                f"from {_a_view(v.view)} (hips {_num(v.yaw_deg, '{:.0f}')}° from facing the camera). "
                "Film side-on, camera at hip height, to check the stack.")
    arch = report.measures.arch_deg
    if not np.isfinite(arch.values).any():
        why = _top_reason(arch) or "the back's outline was not found"
        return f"Not measured: {why}."
    if not math.isfinite(report.lumbar_baseline_deg):
        return ("Not judged: the lifter was never seen standing at rest, so there is no neutral back "
                "to compare the hinge with. Start the clip standing tall for a second.")
    return "Not measured in any frame."


def _rep_table_section(report: Report) -> str:
    if not report.reps:
        return _section("reps", "Reps", "<p>No complete reps found.</p>")
    zdefs = report.zone_defs
    head_cells = "".join(
        f'<th title="{_e(z.label)}">{_swatch(_head_colour(z.head))}{_e(SHORT.get(z.head, z.head))}<br>L / R s</th>'
        for z in zdefs
    )
    thead = (
        "<thead><tr><th>rep</th><th>start<br>s</th><th>eccentric<br>s</th><th>concentric<br>s</th>"
        f"<th>ROM<br>°</th><th>knee max<br>L / R °</th>{head_cells}"
        '<th>toes L / R °<br>bias</th><th class="flags">flags</th></tr></thead>'
    )
    rows = [_rep_row(s, zdefs) for s in report.reps]
    tot = "".join(
        f"<td>{_num(report.zones[0].seconds[z.head])} / {_num(report.zones[1].seconds[z.head])}</td>"
        for z in zdefs
    )
    n_flags = len(report.faults)
    tfoot = (f'<tfoot><tr><td>all</td><td></td><td></td><td></td><td></td><td></td>{tot}'
             f'<td>{_e(report.toe_bias)}</td><td class="flags">{n_flags} flag{"s" if n_flags != 1 else ""}'
             "</td></tr></tfoot>")
    table = f'<div class="scroll"><table>{thead}<tbody>{"".join(rows)}</tbody>{tfoot}</table></div>'
    ecc = "lowering" if report.family != "knee_flexion" else "lengthening"
    note = (f'<p class="note">Eccentric is the {ecc} half, where the hamstrings control the load; ROM is '
            f"the range of {_e(report.rom_signal.replace('_deg', '') or 'the driving')} flexion. Zone seconds "
            "are left / right knee; – means not measured.</p>")
    return _section("reps", "Reps", table + note)


def _rep_row(s: RepScore, zdefs: tuple[Zone, ...]) -> str:
    """One table row per rep: timing, depth, zone seconds per head and leg, toes and flags."""
    r = s.rep
    zones = "".join(f"<td>{_num(s.zones[0].seconds[z.head])} / {_num(s.zones[1].seconds[z.head])}</td>"
                    for z in zdefs)
    flags = "; ".join(
        f'<span class="flag" title="{_e(x.message)}">{_e(FAULT_NAMES.get(x.kind, x.kind))}</span>'
        for x in s.faults
    ) or "\u2013"
    partial = ' <span class="note" title="the clip began mid-rep">(partial)</span>' if r.partial_start else ""
    return (
        f'<tr class="rep" data-rep="{r.index}"><td>{r.index}{partial}</td><td>{r.start_s:.1f}</td>'
        f"<td>{_num(s.eccentric_s)}</td><td>{_num(s.concentric_s)}</td><td>{_num(r.rom_deg, '{:.0f}')}</td>"
        f"<td>{_num(s.knee_max_deg[0], '{:.0f}')} / {_num(s.knee_max_deg[1], '{:.0f}')}</td>{zones}"
        f"<td>{_num(s.toe_deg[0], '{:+.0f}')} / {_num(s.toe_deg[1], '{:+.0f}')} {_e(s.toe_bias)}</td>"
        f'<td class="flags">{flags}</td></tr>'
    )


def _faults_at(report: Report, t_s: float) -> list[Fault]:
    """The faults whose span holds ``t_s`` (a small tolerance for frame timing)."""
    return [x for x in report.faults if x.start_s - 0.05 <= t_s <= x.end_s + 0.05]


def _rep_at(report: Report, t_s: float) -> int:
    """The 1-based rep whose frames include the one nearest ``t_s``; 0 outside every rep."""
    t = report.measures.t_s
    return int(report.rep_of_frame[np.argmin(np.abs(t - t_s))]) if len(t) else 0


def _image_mime(data: bytes) -> str:
    return "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def _thumbs_section(report: Report, thumbnails: dict[float, bytes] | None) -> str:
    title = "Flagged frames"
    if not thumbnails:
        n = len(report.faults)
        what = (f"{n} flag{'s' if n != 1 else ''} in the set; a report made from the video shows their frames"
                if n else "no flags, so no frames to show")
        return _section("thumbs", title, f'<p class="note">No thumbnails in this report ({what}).</p>')
    figs = []
    for t_s in sorted(thumbnails):
        data = thumbnails[t_s]
        faults = _faults_at(report, t_s)
        rep = _rep_at(report, t_s)
        where = f"{t_s:.1f} s" + (f", rep {rep}" if rep else "")
        caption = "; ".join(x.message for x in faults) or "no flag at this moment"
        uri = f"data:{_image_mime(data)};base64,{base64.b64encode(data).decode('ascii')}"
        figs.append(f'<figure><img src="{uri}" alt="{_e(where)}: {_e(caption)}" loading="lazy">'
                    f"<figcaption><b>{_e(where)}</b>: {_e(caption)}</figcaption></figure>")
    return _section("thumbs", title, f'<div class="thumbs">{"".join(figs)}</div>')


def _trust_note(measure: str, view: str, trust: float) -> str:
    """What this view's trust in a measure means for reading it, in plain words."""
    if trust <= 0:
        if measure == "toe_deg":
            return "not measured: from this angle the foot's turn is mostly depth"
        if measure == "arch_deg":
            return "not measured: the back's outline is only visible side-on"
        return "not measured from this view"
    if trust >= 0.8:
        if measure in ("knee_deg", "hip_deg", "trunk_lean_deg") and view == "side":
            return "seen directly: the joints bend in the image plane, trust single readings"
        return "seen directly from this view: trust single readings"
    if trust >= 0.5:
        return "partly foreshortened: trust trends and rep-to-rep differences more than single degrees"
    return "strongly foreshortened (read from 3-D landmarks): treat single degrees as rough"


def _view_section(report: Report) -> str:
    v = report.view
    facing = {1: ", facing image right", -1: ", facing image left"}.get(v.facing, "")
    rows = "".join(
        f'<tr><td class="text">{_e(MEASURE_NAMES.get(k, k))}<span class="sub">{_e(_trust_note(k, v.view, x))}'
        f'</span></td><td><span class="meter"><i style="width:{100 * x:.0f}%"></i></span>{_pct(x)}</td></tr>'
        for k, x in v.trust.items()
    )
    body = (
        f"<p>Detected <b>{_e(v.view)} view</b>: hips {_num(v.yaw_deg, '{:.0f}')}° from facing the camera "
        f"(0° = square to the camera, 90° = side-on){_e(facing)}.</p>"
        f'<div class="scroll"><table><thead><tr><th class="text">measure: what its trust means</th>'
        f"<th>trust</th></tr></thead><tbody>{rows}</tbody></table></div>"
        '<p class="note">Trust is how far this camera angle supports each measure: 100% means the view '
        "shows it directly, lower means it is foreshortened or partly hidden, 0% means it cannot be seen "
        "from here and is not reported. It says nothing about frames where the lifter was hidden; that "
        "is coverage, below. Side-on is best for knee and hip angles and the low back; the front for "
        "the toes.</p>"
    )
    return _section("view", "Camera view and trust", body)


def _coverage_rows(name: str, ch: Channel) -> list[str]:
    """Per side: share of frames with a value and why the rest are missing (counted as in JSON)."""
    vals = ch.values if ch.values.ndim == 2 else ch.values[:, None]
    reasons = ch.reason if ch.reason.ndim == 2 else ch.reason[:, None]
    n = len(vals)
    rows = []
    for k in range(vals.shape[1]):
        side = f" ({SIDES[k]})" if vals.shape[1] == 2 else ""
        missing = reasons[:, k][~np.isfinite(vals[:, k])]
        codes, counts = np.unique(missing, return_counts=True)
        why = "; ".join(
            f"{REASONS[c] or 'unknown'}: {c_n} frames ({c_n / n:.0%})" for c, c_n in zip(codes, counts)
        )
        sub = f'<span class="sub">missing: {_e(why)}</span>' if why else ""
        share = float(np.mean(np.isfinite(vals[:, k]))) if n else float("nan")
        rows.append(f'<tr><td class="text">{_e(MEASURE_NAMES.get(name, name) + side)}{sub}</td>'
                    f"<td>{_pct(share)}</td></tr>")
    return rows


def _coverage_section(report: Report) -> str:
    rows = [r for name, ch in report.measures.channels().items() for r in _coverage_rows(name, ch)]
    body = (
        f"<p>Lifter found in <b>{_pct(report.coverage)}</b> of {report.n_frames} frames.</p>"
        '<div class="scroll"><table><thead><tr><th class="text">measure: why values are missing</th>'
        f'<th>measured</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        '<p class="note">Share of frames with a value. Everything drawn above is drawn only where it was '
        "measured.</p>"
    )
    return _section("coverage", "Coverage", body)


def _warnings_section(report: Report) -> str:
    items = list(report.warnings)
    if report.truncated:
        items.insert(0, "the video broke off early; the report covers what was decoded")
    body = ('<ul class="warn">' + "".join(f"<li>{_e(w)}</li>" for w in items) + "</ul>"
            if items else '<p class="note">No warnings.</p>')
    return _section("warnings", "Warnings", body)


# ---------------------------------------------------------------- public API


def flagged_frame_times_s(report: Report) -> list[float]:
    """The moments worth a thumbnail, one per fault, for the caller to grab from the video.

    An arched back is shown where the extension peaks inside its flagged span; a squat pattern at
    the rep's deepest knee bend. ``to_html`` captions a thumbnail with the faults whose span holds
    its time, so frames grabbed at these times get their fault's message.
    """
    t = report.measures.t_s
    knee = report.measures.knee_deg.values
    times = []
    for x in report.faults:
        inside = (t >= x.start_s) & (t <= x.end_s)
        signal = (np.asarray(report.lumbar_ext_deg, float) if x.kind == "lumbar_extension"
                  else np.fmax(knee[:, 0], knee[:, 1]))
        if signal.size == t.size and np.isfinite(signal[inside]).any():
            idx = np.flatnonzero(inside & np.isfinite(signal))
            times.append(float(t[idx[np.argmax(signal[idx])]]))
        else:
            times.append(float((x.start_s + x.end_s) / 2))
    return sorted(set(times))


def to_html(report: Report, thumbnails: dict[float, bytes] | None = None) -> str:
    """The whole report as one self-contained HTML page (UTF-8 text).

    ``thumbnails`` maps a time in seconds to JPEG (or PNG) bytes of that video frame; each is
    embedded as a data: URI and captioned with the faults whose span holds that time (see
    ``flagged_frame_times_s`` for which times to grab). None or empty: the page says there are none.
    """
    name = PurePath(report.source).name if report.source else "set"
    sections = [
        _header(report),
        _verdict_section(report),
        _knee_section(report),
        _zone_bars_section(report),
        _toe_section(report),
        _lumbar_section(report),
        _rep_table_section(report),
        _thumbs_section(report, thumbnails),
        _view_section(report),
        _coverage_section(report),
        _warnings_section(report),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="formcheck {_e(__version__)}">'
        f"<title>formcheck: {_e(name)}</title><style>{CSS}</style></head>\n<body><main>\n"
        + "\n".join(sections)
        + f"\n<footer>formcheck {_e(__version__)} · a self-contained page: it loads nothing from the "
          "network</footer>\n</main></body></html>\n"
    )
