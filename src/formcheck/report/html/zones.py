"""The page's zone sections: the verdict with each leg's share per head, knee flexion over the
set against the heads' zones, and the seconds per head in each rep."""

from __future__ import annotations

import math

import numpy as np

from formcheck import vocab
from formcheck.report.abbreviations import spelled_out
from formcheck.report.html.caveats import trust_note
from formcheck.report.html.markup import (
    CHART_W,
    FLAG_COLOUR,
    LEG_COLOURS,
    esc,
    head_legend,
    leg_legend,
    leg_lines,
    pct,
    rep_spans,
    section,
    time_frame,
    zone_heads,
)
from formcheck.report.ranges import any_range, likely_range_s, range_words, seconds_words
from formcheck.report.svg import Frame, axes, nice_ceil, nice_ticks, rect, svg_open
from formcheck.types import SIDES, LegZones, Report


def _leg_parts(z: LegZones, heads: list[vocab.Head]) -> list[tuple[str, float, str, str]]:
    """One leg's seconds per head and then outside every zone ("none"): key, seconds, colour, name."""
    parts = [(h.key, z.seconds[h.key], h.colour_hex, h.name) for h in heads]
    parts.append(("none", z.none_s, vocab.NO_ZONE_COLOUR_HEX, vocab.NO_ZONE_NAME))
    return parts


def _share_bar(z: LegZones, heads: list[vocab.Head]) -> str:
    """One leg's measured time as a 100% bar split by head, with 'no zone' last."""
    if z.measured_s <= 0:
        return '<div class="bar"><div class="none" style="width:100%">not seen</div></div>'
    cells = []
    for key, secs, colour, label in _leg_parts(z, heads):
        share = secs / z.measured_s
        if share <= 0.0005:
            continue
        text = f"{share:.0%}" if share >= 0.07 else ""
        cls = ' class="none"' if key == "none" else ""
        cells.append(f'<div{cls} style="width:{100 * share:.2f}%;background:{colour}" '
                     f'title="{esc(label)}: {secs:.1f} s ({share:.0%})">{text}</div>')
    return '<div class="bar">' + "".join(cells) + "</div>"


def verdict_section(report: Report) -> str:
    heads = zone_heads(report)
    zones, span = (report.zones, "of rep time") if report.reps else (report.zones_clip, "of the whole clip")
    rows = "".join(
        f"<div>{side}</div>{_share_bar(z, heads)}" for side, z in zip(SIDES, zones)
    )
    measured = " / ".join(f"{z.measured_s:.1f} s" for z in zones)
    cues = ""
    if report.faults:
        cues = '<ul class="cues">' + "".join(f"<li>{esc(x.message)}</li>" for x in report.faults) + "</ul>"
    seconds = "the reps" if report.reps else "the whole clip"
    ranged = (f"Whiskers and “likely” give the range each head's seconds likely span, given how far the knee "
              f"angle can be off from this {esc(report.view.label)} view." if any_range(zones) else
              "No error range is known for this view: the seconds are as measured.")
    body = (
        f'<p class="verdict">{esc(report.verdict)}</p>{cues}'
        f"<h3>Share {span} the knee spent in each head's zone</h3>"
        f'<div class="share">{rows}</div>{head_legend(report, with_none=True)}'
        f'<p class="note">Knee measured for {measured} (left / right).{_speaks_for(report)}</p>'
        f"<h3>Seconds in each head's zone over {seconds}, per leg</h3>"
        f'<div class="chart">{_seconds_chart(zones, heads)}</div>'
        f'<p class="note">Each head has two bars: the left leg (upper, solid) and the right leg (lower, '
        f"lighter). {ranged}</p>"
    )
    return section("verdict", "Verdict", body)


def _speaks_for(report: Report) -> str:
    """Which legs the verdict speaks for, when it names heads from the reps."""
    if not report.reps:
        return ""
    legs = report.verdict_legs
    if not legs:
        return " Neither leg was seen for enough of the reps to decide the verdict."
    who = "both legs" if len(legs) == 2 else f"the {SIDES[legs[0]]} leg only"
    return f" The verdict speaks for {who}."


ROW_PX, GROUP_GAP_PX = 19.0, 14.0  # one leg's bar in the seconds chart; space between heads


def _seconds_chart(zones: tuple[LegZones, LegZones], heads: list[vocab.Head]) -> str:
    """Each head's seconds per leg as horizontal bars, with the likely range as a whisker and the
    figure written beside it: "L 2.9 s (likely 2.4–3.3 s)"."""
    n = len(heads)
    top_s = max([z.seconds[h.key] for z in zones for h in heads]
                + [rng[1] for z in zones for h in heads if (rng := likely_range_s(z, h.key))] + [0.1])
    height = 26.0 + n * (2 * ROW_PX + GROUP_GAP_PX) + 40.0
    f = Frame(CHART_W, height, 0.0, nice_ceil(top_s / 0.62), 0.0, 1.0)
    out = [svg_open(f.width_px, f.height_px, "Seconds in each head's zone per leg, with the likely range"),
           axes(f, nice_ticks(f.x_lo, f.x_hi, 8), np.zeros(0), "seconds", "")]
    for i, h in enumerate(heads):
        y0 = f.top_px + i * (2 * ROW_PX + GROUP_GAP_PX)
        out.append(f'<text x="{f.left_px - 7:.1f}" y="{y0 + ROW_PX + 4.5:.1f}" text-anchor="end" font-size="13" '
                   f'font-weight="600" fill="{h.colour_hex}">{esc(h.abbrev)}</text>')
        for k, (side, z) in enumerate(zip(SIDES, zones)):
            out.append(_seconds_bar(f, y0 + k * ROW_PX, z, h, k, side))
    out.append("</svg>")
    return "".join(out)


def _seconds_bar(f: Frame, y_px: float, z: LegZones, h: vocab.Head, k: int, side: str) -> str:
    """One leg's bar for one head, its whisker, and its figure in words."""
    secs, rng = z.seconds[h.key], likely_range_s(z, h.key)
    x0, x1 = float(f.x(0.0)), float(f.x(secs))
    mid = y_px + ROW_PX / 2
    words = seconds_words(z, h.key)
    out = [f'<rect class="secs" data-head="{esc(h.key)}" data-leg="{side}" x="{x0:.1f}" y="{y_px + 2:.1f}" '
           f'width="{max(x1 - x0, 0.0):.1f}" height="{ROW_PX - 4:.1f}" fill="{h.colour_hex}" '
           f'fill-opacity="{1.0 if k == 0 else 0.5}"><title>{side} leg, {esc(h.name)}: {esc(words)}</title></rect>']
    end = x1
    if rng:
        lo, hi = float(f.x(rng[0])), float(f.x(rng[1]))
        end = max(end, hi)
        out.append(f'<path class="whisker" d="M{lo:.1f},{mid:.1f}H{hi:.1f}M{lo:.1f},{mid - 5:.1f}V{mid + 5:.1f}'
                   f'M{hi:.1f},{mid - 5:.1f}V{mid + 5:.1f}" stroke="{LEG_COLOURS[0]}" stroke-width="1.6" '
                   'fill="none"/>')
    out.append(f'<text x="{end + 6:.1f}" y="{mid + 4.5:.1f}" font-size="12.5" fill="{LEG_COLOURS[0]}">'
               f'<tspan font-weight="600">{side[0].upper()}</tspan> {esc(words)}</text>')
    return "".join(out)


def knee_section(report: Report) -> str:
    knee = report.measures.knee_deg.values
    t = report.measures.t_s
    finite = knee[np.isfinite(knee)]
    top = max(110.0, float(np.max(finite)) + 5.0) if finite.size else 110.0
    bottom = min(0.0, float(np.min(finite)) - 5.0) if finite.size else 0.0
    f = time_frame(report, 330.0, 10 * math.floor(bottom / 10), 10 * math.ceil(top / 10))
    bands = []
    for z in report.zone_defs:
        head = vocab.head(z.head)
        colour = head.colour_hex
        bands.append(rect(f, f.x_lo, f.x_hi, z.lo_deg, z.hi_deg, colour, 0.2, "band",
                           f"{z.label}: {z.lo_deg:g}-{z.hi_deg:g} deg", f' data-head="{esc(z.head)}"'))
        ym = float(f.y((max(z.lo_deg, f.y_lo) + min(z.hi_deg, f.y_hi)) / 2))
        bands.append(f'<text x="{f.right_px + 6:.1f}" y="{ym + 4.5:.1f}" font-size="12.5" font-weight="600" '
                     f'fill="{colour}">{esc(head.abbrev)}</text>')
    svg = (
        svg_open(f.width_px, f.height_px, "Knee flexion per leg over time, with each head's zone")
        + "".join(bands)
        + rep_spans(report, f)
        + axes(f, nice_ticks(f.x_lo, f.x_hi, 10), nice_ticks(f.y_lo, f.y_hi, 6), "time (s)",
                "knee flexion (°)")
        + leg_lines(f, t, knee, "knee flexion")
        + "</svg>"
    )
    reps_note = (
        "Grey bands are the reps, numbered on top (red: the rep has a flag)."
        if report.reps else "No complete reps were found, so none are marked."
    )
    abbreviations = spelled_out(zone_heads(report), " / ")
    body = (
        head_legend(report)
        + leg_legend()
        + f'<div class="chart">{svg}</div>'
        + f'<p class="note">0° is a straight knee. Coloured bands are the knee angles where each head '
          f"has its best leverage ({esc(abbreviations)}). {reps_note} Gaps in a line are frames where that "
          f"knee was not seen. {esc(_knee_trust_sentence(report))}</p>"
    )
    return section("knee", "Knee flexion over the set", body)


def _knee_trust_sentence(report: Report) -> str:
    """How far this view lets the knee angle, and so the zone seconds, be trusted."""
    trust = report.view.trust.get("knee_deg", float("nan"))
    note = trust_note("knee_deg", report.view.view, trust) if math.isfinite(trust) else "unknown"
    return f"From this {report.view.label} view the knee angle is trusted {pct(trust)}: {note}."


def zone_bars_section(report: Report) -> str:
    if not report.reps:
        body = ('<p class="note">No complete reps, so there is no time per rep to split. The whole '
                "clip's share per head is in the verdict above.</p>")
        return section("zone-bars", "Time in each head's zone, per rep", body)
    heads = zone_heads(report)
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
        head_legend(report, with_none=True)
        + f'<div class="chart">{"".join(out)}</div>'
        + '<p class="note">Each rep has two bars, left leg then right leg; their height is the time '
          "that knee was measured during the rep. A leg not seen in a rep has no bar (marked ×)."
        + (" Hover a segment for its likely range." if any_range([z for s in report.reps for z in s.zones]) else "")
        + "</p>"
    )
    return section("zone-bars", "Time in each head's zone, per rep", body)


def _likely(z: LegZones, key: str) -> str:
    """' (likely 0.3–0.5 s)' for a head with a range; '' otherwise (and for 'no zone')."""
    words = range_words(z, key) if key in z.seconds else ""
    return f" ({esc(words)})" if words else ""


def _stacked_bar(f: Frame, cx_px: float, width_px: float, z: LegZones, heads: list[vocab.Head], rep: int,
                 side: str) -> str:
    """One leg's seconds in one rep, stacked by head from the bottom, 'no zone' on top."""
    x0 = cx_px - width_px / 2
    if z.measured_s <= 0:
        return (f'<text x="{cx_px:.1f}" y="{f.bottom_px - 5:.1f}" text-anchor="middle" font-size="13" '
                f'fill="#9aa2ab">×<title>rep {rep} {side}: not seen</title></text>')
    out, base = [], 0.0
    for key, secs, colour, label in _leg_parts(z, heads):
        if secs <= 0:
            continue
        y_top, y_bot = float(f.y(base + secs)), float(f.y(base))
        out.append(f'<rect class="seg" data-head="{esc(key)}" x="{x0:.1f}" y="{y_top:.1f}" '
                   f'width="{width_px:.1f}" height="{max(y_bot - y_top, 0.0):.1f}" fill="{colour}">'
                   f"<title>rep {rep} {side}: {esc(label)} {secs:.2f} s{_likely(z, key)}</title></rect>")
        base += secs
    return "".join(out)
