"""The page's low-back section (analysis/back.py): each rep's state, the value that judged each
frame (the lumbar bend past neutral in the hinge, the lean behind vertical at the top) against
its flags, the rib-over-pelvis stacking measures over time, or why the back was not judged."""

from __future__ import annotations

import math

import numpy as np

from formcheck.config import BackConfig
from formcheck.report.html.markup import FLAG_COLOUR, esc, num, rep_spans, section, swatch, time_frame
from formcheck.report.svg import Frame, axes, decimate, line_path_d, nice_ticks, svg_open
from formcheck.types import BackCall, Report

STATE_COLOUR = {-1: FLAG_COLOUR, 0: "#2e7d32", 1: FLAG_COLOUR}
STATE_WORDS = {"extended": "extended", "neutral": "neutral", "flexed": "rounded", "not judged": "not judged"}
STACK_COLOURS = ("#1f6fb2", "#9b3fb5")  # pelvis-rib tilt, rib offset


def back_section(report: Report, cfg: BackConfig | None = None) -> str:
    cfg = cfg or BackConfig()
    title = "Low back: rib-over-pelvis stack"
    call = report.back
    if call is None or call.frames is None:
        return section("lumbar", title, "<p>Low back not analysed.</p>")
    parts = []
    if not call.judged:
        parts.append(f'<p>Low back not judged: {esc(call.reason)}.</p>')
    else:
        parts.append(_judged_chart(report, call, cfg))
        if not call.arch_judged and call.arch_reason:
            parts.append(f"<p>Only the lockout was judged; arching and rounding in the hinge were not: "
                         f"{esc(call.arch_reason)}.</p>")
        parts.append(_rep_table(call))
    parts.append(_stack_chart(report, call))
    parts.append(
        '<p class="note">Judged rep by rep in hip hinges (RDL, deadlift), from the start of the pull to '
        "lockout and back down, the top included; never in the walk-in, set-up or set-down. "
        f"{_measure_words(cfg)} <b>Extended</b>: more than {cfg.extended_deg:g}° past the lifter's own "
        "standing back (less what a neutral back shows as the hips flex) in the hinge, or the trunk more "
        f"than {cfg.lean_back_deg:g}° behind vertical at lockout. <b>Rounded</b>: more than "
        f"{cfg.flexed_deg:g}° the other way in the hinge. The stack: the pelvis's back line against the rib "
        "cage's (+ = pelvis tipped forward under the ribs), and how far the lower rib cage sits behind (+) or "
        "in front of (-) the pelvis's line, in % of the trunk's length.</p>")
    return section("lumbar", title, "".join(parts))


def _hinge_words(cfg: BackConfig) -> str:
    return "the pelvis against the rib cage" if cfg.hinge_measure == "tilt" else "the lumbar outline's bend"


def _measure_words(cfg: BackConfig) -> str:
    if cfg.hinge_measure == "tilt":
        return "In the hinge the pelvis's back line is read against the rib cage's (the stack below)."
    return "In the hinge the bend of the back's outline from the hips to the lower ribs is read."


def _judged_chart(report: Report, call: BackCall, cfg: BackConfig) -> str:
    f_ = call.frames
    t = f_.t_s
    value = np.asarray(f_.value_deg, float)
    finite = value[np.isfinite(value)]
    if not finite.size:
        return "<p>No frame of a rep could be judged (see each rep's reason below).</p>"
    top = max(cfg.extended_deg, cfg.lean_back_deg, float(finite.max())) + 6.0
    bottom = min(-cfg.flexed_deg, float(finite.min())) - 6.0
    f = time_frame(report, 260.0, 5 * math.floor(bottom / 5), 5 * math.ceil(top / 5))
    out = [svg_open(f.width_px, f.height_px, "The low back over time: the value that judged each frame")]
    out.append(rep_spans(report, f))
    out.append(axes(f, nice_ticks(f.x_lo, f.x_hi, 10), nice_ticks(f.y_lo, f.y_hi, 6), "time (s)",
                    "past neutral (°), + extension"))
    lines = [(0.0, "neutral", "#9aa2ab", ""),
             (cfg.extended_deg, f"arched {cfg.extended_deg:+.0f}°", FLAG_COLOUR, "5 4"),
             (-cfg.flexed_deg, f"round {-cfg.flexed_deg:+.0f}°", FLAG_COLOUR, "5 4"),
             (cfg.lean_back_deg, f"lean {cfg.lean_back_deg:+.0f}°", "#e07a1f", "2 3")]
    last_label_y = -1e9
    for y_val, label, colour, dash in sorted(lines, key=lambda x: -x[0]):  # top to bottom
        y = float(f.y(y_val))
        d = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line class="threshold" x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{y:.1f}" '
                   f'y2="{y:.1f}" stroke="{colour}" stroke-width="1.2"{d}/>')
        label_y = max(y + 4.5, last_label_y + 13.0)  # labels of close lines stack, never overlap
        last_label_y = label_y
        out.append(f'<text x="{f.right_px + 6:.1f}" y="{label_y:.1f}" font-size="11.5" fill="{colour}">'
                   f"{esc(label)}</text>")
    for code, colour in STATE_COLOUR.items():
        y = np.where(f_.state == code, value, np.nan)
        # each state's run keeps one sample either side so adjacent runs join
        keep = np.isfinite(y)
        near = keep.copy()
        near[1:] |= keep[:-1]
        near[:-1] |= keep[1:]
        y = np.where(near & np.isfinite(value), value, np.nan)
        out.append(_path(f, t, y, colour, 2.2, f"back-{code:+d}"))
    out.append("</svg>")
    legend = (f'<div class="legend"><span>{swatch(STATE_COLOUR[0])}neutral</span>'
              f"<span>{swatch(FLAG_COLOUR)}extended or rounded</span>"
              f"<span>hinge frames: {_hinge_words(cfg)} past the standing back; top frames: the trunk's lean "
              "behind vertical</span></div>")
    return legend + f'<div class="chart">{"".join(out)}</div>'


def _stack_chart(report: Report, call: BackCall) -> str:
    f_ = call.frames
    tilt, offset = np.asarray(f_.pelvis_tilt_deg, float), np.asarray(f_.rib_offset_pct, float)
    both = np.concatenate([tilt[np.isfinite(tilt)], offset[np.isfinite(offset)]])
    if not both.size:
        return "<p>The stack was not measured: the back's outline was not found in any frame.</p>"
    lo, hi = np.percentile(both, [1, 99])
    f = time_frame(report, 200.0, 5 * math.floor((lo - 3) / 5), 5 * math.ceil((hi + 3) / 5))
    out = [svg_open(f.width_px, f.height_px, "Rib-over-pelvis stack over time")]
    out.append(rep_spans(report, f))
    out.append(axes(f, nice_ticks(f.x_lo, f.x_hi, 10), nice_ticks(f.y_lo, f.y_hi, 5), "time (s)",
                    "° / % of trunk"))
    out.append(_path(f, f_.t_s, np.clip(tilt, f.y_lo, f.y_hi), STACK_COLOURS[0], 1.6, "pelvis-tilt"))
    out.append(_path(f, f_.t_s, np.clip(offset, f.y_lo, f.y_hi), STACK_COLOURS[1], 1.6, "rib-offset"))
    out.append("</svg>")
    legend = (f'<div class="legend"><span>{swatch(STACK_COLOURS[0])}pelvis against rib cage (°)</span>'
              f"<span>{swatch(STACK_COLOURS[1])}lower rib cage behind the pelvis line (% of trunk)</span></div>")
    return f"<h3>Stack over time</h3>{legend}" + f'<div class="chart">{"".join(out)}</div>'


def _path(f: Frame, t: np.ndarray, y: np.ndarray, colour: str, width: float, cls: str) -> str:
    tt, yy = decimate(t, y)
    d = line_path_d(f.x(tt), f.y(yy))
    if not d:
        return ""
    return (f'<path class="line {cls}" d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" '
            'stroke-linejoin="round" stroke-linecap="round"/>')


def _rep_table(call: BackCall) -> str:
    rows = []
    for r in call.reps:
        flagged = r.state in ("extended", "flexed")
        state = STATE_WORDS.get(r.state, r.state) + (f" ({esc(r.extended_by)})" if r.extended_by else "")
        cls = ' class="flag"' if flagged else ""
        rows.append(
            f"<tr><td>{r.rep_index}</td><td class=\"text\"><span{cls}>{state}</span></td>"
            f"<td>{num(r.arch_deg, '{:+.0f}°')}</td><td>{num(r.lean_back_deg, '{:+.0f}°')}</td>"
            f"<td>{num(r.pelvis_tilt_deg, '{:+.0f}°')}</td><td>{num(r.rib_offset_pct, '{:+.0f}%')}</td>"
            f'<td class="text">{esc(r.reason)}</td></tr>')
    return ('<div class="scroll"><table><thead><tr><th>rep</th><th class="text">low back</th>'
            "<th>arch in the hinge</th><th>lean-back at lockout</th><th>pelvis vs ribs</th>"
            '<th>rib offset</th><th class="text">not judged because</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")
