"""What every section of the HTML page shares: escaping and number formatting, the section
wrapper, the palette, legends, and the time-axis pieces (rep bands, one line per leg)."""

from __future__ import annotations

import html
import math

import numpy as np

from formcheck import vocab
from formcheck.report.svg import Frame, decimate, line_path_d, rect
from formcheck.types import REASONS, SIDES, Channel, Report

# Heads are coloured and named by formcheck.vocab, the same on the page, the video and live.
LEG_COLOURS = ("#1d232a", "#9b3fb5")  # left, right
LEG_DASH = ("", "7 4")  # the right leg is also dashed, for print and colour-blind readers
FLAG_COLOUR = "#c62828"
CHART_W = 760.0  # SVG user units; the SVG scales to the page width through its viewBox


def esc(text: object) -> str:
    """Escape any text for HTML content and attribute values alike."""
    return html.escape(str(text), quote=True)


def num(x: float | None, fmt: str = "{:.1f}") -> str:
    """A number for display, or an en dash where it is missing (None or NaN)."""
    if x is None or not math.isfinite(float(x)):
        return "\u2013"
    return fmt.format(float(x))


def pct(share: float | None) -> str:
    return num(None if share is None else 100.0 * share, "{:.0f}%")


def a_view(view: str) -> str:
    """'a side view', 'an oblique view': the view's name with its article."""
    return f"{'an' if view[:1] in 'aeiou' else 'a'} {view} view"


def swatch(colour: str) -> str:
    return f'<i class="sw" style="background:{colour}"></i>'


def time_frame(report: Report, height_px: float, y_lo: float, y_hi: float) -> Frame:
    t = report.measures.t_s
    t0, t1 = (float(t[0]), float(t[-1])) if len(t) else (0.0, 1.0)
    return Frame(CHART_W, height_px, t0, t1 if t1 > t0 else t0 + 1.0, y_lo, y_hi)


def rep_spans(report: Report, f: Frame) -> str:
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


def leg_lines(f: Frame, t_s: np.ndarray, values: np.ndarray, name: str) -> str:
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
                   f"<title>{esc(side)} {esc(name)}</title></path>")
    return "".join(out)


def leg_legend(extra: str = "") -> str:
    items = [
        f'<span><i class="ln{" dash" if LEG_DASH[k] else ""}" style="border-color:{LEG_COLOURS[k]}">'
        f"</i>{side} leg</span>"
        for k, side in enumerate(SIDES)
    ]
    return '<div class="legend">' + "".join(items) + extra + "</div>"


def zone_heads(report: Report) -> list[vocab.Head]:
    """The heads of the report's zones, in zone order (straight knee first); custom ones too."""
    return [vocab.head(z.head) for z in report.zone_defs]


def head_legend(report: Report, with_none: bool = False) -> str:
    """Swatches for the heads in the report's zone order (straight knee first)."""
    heads = zone_heads(report) or list(vocab.HEADS.values())
    items = [f"<span>{swatch(h.colour_hex)}{esc(h.name)}</span>" for h in heads]
    if with_none:
        items.append(f"<span>{swatch(vocab.NO_ZONE_COLOUR_HEX)}{vocab.NO_ZONE_NAME}</span>")
    return '<div class="legend">' + "".join(items) + "</div>"


def section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}"><h2>{esc(title)}</h2>{body}</section>'


def top_reason(ch: Channel) -> str:
    """The most common reason a channel's values are missing, or '' when nothing is missing."""
    missing = ch.reason[~np.isfinite(ch.values)]
    missing = missing[missing > 0]
    if missing.size == 0:
        return ""
    codes, counts = np.unique(missing, return_counts=True)
    return REASONS[int(codes[np.argmax(counts)])]
