"""The coach's dashboard: every set a batch analysed, per lifter and session, as one self-contained
HTML page.

Like the set page (page.py) it has no script, loads nothing and carries the same
Content-Security-Policy, so it works offline and prints. Per lifter (sorted by name, an unnamed
lifter last) and per session (one date; an unknown date last) it draws the sets over time on a real
date axis, each head's pooled share of the session's measured rep time, and the faults per session
by kind, then lists the sets, each linked to its own page. Sets that could not be analysed are
listed with their exit code and message. A session with no measured rep time is drawn as missing,
never as 0.

The page depends on the sets, not on their order: everything is sorted and nothing is stamped with
a time, so the same batch gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np

from formcheck import vocab
from formcheck.report.html.markup import CHART_W, FLAG_COLOUR, esc, num, pct, section, swatch
from formcheck.report.html.page import CSS, html_document
from formcheck.report.svg import PAD_L, PAD_R, Frame, axes, nice_ticks, rect, svg_open
from formcheck.types import SetFailure, SetSummary

NO_LIFTER, NO_DATE = "Lifter not given", "date unknown"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
INK, MUTED = "#1d232a", "#5b6570"
# a movement family's mark in the sets-over-time chart: colour and shape (None: not recognised)
FAMILY_MARKS: dict[str | None, tuple[str, str]] = {
    "hinge": (INK, "circle"),
    "squat": ("#9b3fb5", "square"),
    "knee_flexion": ("#009E73", "triangle"),
    None: ("#9aa2ab", "diamond"),
}
# fault kinds in vocab.FAULTS' order take these colours in turn (none is a head's); others a stable extra
FAULT_COLOURS = ("#c62828", "#6a1b9a", "#795548", "#37474f", "#ec407a")
EXTRA_FAULT_COLOURS = ("#880e4f", "#455a64", "#8d6e63", "#b71c1c")
MIN_SLOT_PX = 90.0  # a session's column in the share and fault charts; more sessions widen the chart
MARK_STEP_PX = 22.0  # one set's row in the sets-over-time chart
UNDATED_SLOT_PX = 120.0  # an undated session's room after the date axis

DASH_CSS = """
nav.lifters{display:flex;flex-wrap:wrap;gap:4px 14px;margin:.4em 0 0;font-size:.95rem}
.mk{display:inline-block;width:1.1em;text-align:center;margin-right:4px}
.sw.miss{background:repeating-linear-gradient(45deg,#fff 0 3px,#b7bdc4 3px 5px);border:1px dashed #5b6570}
td.l,th.l{text-align:left}
tr.set td{border-bottom:0;padding-bottom:0}
tr.set-verdict td{text-align:left;color:var(--muted);font-size:.88rem;white-space:normal;padding-top:2px}
svg a:hover>*{stroke:#1d232a;stroke-width:3}
.chart.wide{direction:rtl}
.chart svg{direction:ltr}
@media print{body{background:#fff}section{break-inside:avoid}.chart,.scroll{overflow:visible}
 .chart svg{min-width:0!important}a{color:inherit}}
"""


@dataclass(frozen=True)
class _Session:
    """One lifter's sets on one date, pooled."""

    date: str
    day: int | None  # the date's ordinal day; None when unknown or unreadable
    sets: tuple[SetSummary, ...]

    @property
    def label(self) -> str:
        return self.date or NO_DATE

    @property
    def measured_s(self) -> float:
        return sum(s.measured_s for s in self.sets if s.measured_s > 0)

    def share(self, head: str) -> float:
        """``head``'s share of the session's measured rep time; NaN when none was measured."""
        measured = self.measured_s
        zone = sum(s.zone_s.get(head, 0.0) for s in self.sets if s.measured_s > 0)
        return zone / measured if measured > 0 else float("nan")

    def faults(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sets:
            for kind, n in s.faults.items():
                out[kind] = out.get(kind, 0) + n
        return out


def _day(date: str) -> int | None:
    """A "YYYY-MM-DD" date as an ordinal day, or None."""
    try:
        return dt.date.fromisoformat(date).toordinal() if len(date) == 10 else None
    except ValueError:
        return None


def _date_order(date: str) -> tuple[int, str]:
    """Readable dates first (ISO text sorts by day), then unreadable ones, then the unknown date."""
    return (0 if _day(date) is not None else 1 if date else 2, date)


def _lifter_order(lifter: str) -> tuple[bool, str, str]:
    return (lifter == "", lifter.casefold(), lifter)


def _set_order(s: SetSummary) -> tuple:
    return (_lifter_order(s.lifter), _date_order(s.date), s.name, s.page, s.key, s.verdict, s.n_reps)


def _lifters(sets: list[SetSummary]) -> list[tuple[str, list[_Session]]]:
    """Sets grouped per lifter, then per date, in display order."""
    out: list[tuple[str, list[_Session]]] = []
    for s in sorted(sets, key=_set_order):
        if not out or out[-1][0] != s.lifter:
            out.append((s.lifter, []))
        sessions = out[-1][1]
        if sessions and sessions[-1].date == s.date:
            sessions[-1] = _Session(s.date, sessions[-1].day, (*sessions[-1].sets, s))
        else:
            sessions.append(_Session(s.date, _day(s.date), (s,)))
    return out


def _href(page: str) -> str | None:
    """A set page's path as a relative URL (a ':' is encoded, so no scheme can ride in); None when
    there is no page or it is not a path relative to the dashboard."""
    if not page or page.startswith(("//", "\\")):
        return None
    return quote(page.replace("\\", "/"), safe="/")


def _link(page: str, text: str) -> str:
    href = _href(page)
    return f'<a href="{esc(href)}">{esc(text)}</a>' if href else esc(text)


def _short_date(day: int, with_year: bool) -> str:
    d = dt.date.fromordinal(day)
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")


def _heads(sets: list[SetSummary]) -> list[vocab.Head]:
    """vocab's heads in zone order, then any custom head a set has seconds for (by key)."""
    custom = sorted({k for s in sets for k in s.zone_s} - set(vocab.HEADS))
    return list(vocab.HEADS.values()) + [vocab.head(k) for k in custom]


def _fault_kinds(sets: list[SetSummary]) -> list[str]:
    present = {k for s in sets for k, n in s.faults.items() if n > 0}
    return [k for k in vocab.FAULTS if k in present] + sorted(present - set(vocab.FAULTS))


def _fault_colour(kind: str) -> str:
    known = list(vocab.FAULTS)
    if kind in known and known.index(kind) < len(FAULT_COLOURS):
        return FAULT_COLOURS[known.index(kind)]
    return EXTRA_FAULT_COLOURS[sum(map(ord, kind)) % len(EXTRA_FAULT_COLOURS)]


def _ink_on(colour: str) -> str:
    """Dark or white text, whichever reads on ``colour``."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def _set_tip(s: SetSummary) -> str:
    n_faults = sum(s.faults.values())
    return (f"{s.name} · {s.date or NO_DATE} · {vocab.family_name(s.family)} · {_plural(s.n_reps, 'rep')} · "
            f"{_plural(n_faults, 'fault')} · {s.verdict}")


def _wide_svg(width_px: float, height_px: float, label: str) -> str:
    """svg_open, kept at least its own width on screen when it is wider than a chart (it scrolls)."""
    head = svg_open(width_px, height_px, label)
    return head.replace("<svg ", f'<svg style="min-width:{width_px:.0f}px" ', 1) if width_px > CHART_W else head


def _chart(svg: str) -> str:
    """A chart's box; a chart wider than the page scrolls, and opens on its right end: the latest."""
    wide = " wide" if svg.startswith('<svg style="min-width') else ""
    return f'<div class="chart{wide}">{svg}</div>'


# ------------------------------------------------------------------ sets over time


def _session_xs(sessions: list[_Session]) -> tuple[list[float], float, float, bool]:
    """Each session's x in days when two or more are dated, else its index; and the x range to show.
    Undated sessions follow the dated ones in slots of their own. The bool says whether x is in days."""
    days = [s.day for s in sessions if s.day is not None]
    if len(days) < 2:
        return [float(i) for i in range(len(sessions))], -0.6, len(sessions) - 0.4, False
    n_undated = len(sessions) - len(days)
    pad = max(0.05 * (days[-1] - days[0]), 0.6)
    lo, hi = days[0] - pad, days[-1] + pad
    per_px = (hi - lo) / (CHART_W - PAD_L - PAD_R - n_undated * UNDATED_SLOT_PX)
    undated = iter([hi + (k + 0.5) * UNDATED_SLOT_PX * per_px for k in range(n_undated)])
    xs = [float(s.day) if s.day is not None else next(undated) for s in sessions]
    return xs, lo, hi + n_undated * UNDATED_SLOT_PX * per_px, True


def _timeline(sessions: list[_Session]) -> str:
    xs, x_lo, x_hi, dated = _session_xs(sessions)
    rows = max(len(s.sets) for s in sessions)
    f = Frame(CHART_W, 96.0 + max(rows, 3) * MARK_STEP_PX, x_lo, x_hi, 0.4, rows + 0.6)
    years = {dt.date.fromordinal(s.day).year for s in sessions if s.day is not None}
    y_ticks = [v for v in nice_ticks(1.0, float(rows), 4) if v == int(v)]
    out = [svg_open(f.width_px, f.height_px, "Each set over time, stacked per day"),
           axes(f, np.zeros(0), np.array(y_ticks), "", "sets")]
    label_end_px = -1e9
    for k, (s, x) in enumerate(zip(sessions, xs)):
        cx = float(f.x(x))
        if dated and s.day is None and (k == 0 or sessions[k - 1].day is not None):
            xd = cx - UNDATED_SLOT_PX / 2
            out.append(f'<line x1="{xd:.1f}" x2="{xd:.1f}" y1="{f.top_px:.1f}" y2="{f.bottom_px + 22:.1f}" '
                       'stroke="#9aa2ab" stroke-dasharray="4 3"/>')
        label = _short_date(s.day, len(years) > 1) if dated and s.day is not None else s.label
        out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{f.bottom_px:.1f}" y2="{f.bottom_px + 5:.1f}" '
                   'stroke="#9aa2ab"/>')
        half_px = 4.2 * len(label)  # half the label's width, about (15 px on a phone)
        if cx - half_px >= label_end_px + 6 or s.day is None:  # an undated session has a slot of its own
            out.append(f'<text class="date" x="{cx:.1f}" y="{f.bottom_px + 19:.1f}" text-anchor="middle" '
                       f'font-size="13" fill="{MUTED}">{esc(label)}</text>')
            label_end_px = cx + half_px
        for j, st in enumerate(s.sets):
            out.append(_mark(cx, float(f.y(j + 1)), st))
    if dated:
        what = f"date{f' ({years.pop()})' if len(years) == 1 else ''}, spaced as the calendar"
        out.append(f'<text x="{(f.left_px + f.right_px) / 2:.1f}" y="{f.height_px - 4:.1f}" text-anchor="middle" '
                   f'font-size="13" fill="{MUTED}">{esc(what)}</text>')
    out.append("</svg>")
    return "".join(out)


def _mark(cx: float, cy: float, s: SetSummary) -> str:
    """One set: its family's shape and colour, a red ring when it has a fault, a link to its page."""
    family = s.family if s.family in vocab.FAMILIES else None
    colour, shape = FAMILY_MARKS[family]
    ring = FLAG_COLOUR if sum(s.faults.values()) > 0 else "#fff"
    paint = f'fill="{colour}" stroke="{ring}" stroke-width="2"'
    geom = {"circle": '<circle r="7.5"', "square": '<rect x="-7" y="-7" width="14" height="14"',
            "triangle": '<path d="M0,-8.5L8.5,6.5H-8.5Z"', "diamond": '<path d="M0,-8.5L8.5,0L0,8.5L-8.5,0Z"'}[shape]
    tag = geom[1 : geom.index(" ")]
    el = (f'{geom} class="set-mark" data-family="{esc(family or "none")}" data-session="{esc(s.date or NO_DATE)}" '
          f'transform="translate({cx:.1f} {cy:.1f})" {paint}>'
          f"<title>{esc(_set_tip(s))}</title></{tag}>")
    href = _href(s.page)
    return f'<a href="{esc(href)}">{el}</a>' if href else el


def _family_legend(sets: list[SetSummary]) -> str:
    shapes = {"circle": "●", "square": "■", "triangle": "▲", "diamond": "◆"}
    present = {s.family if s.family in vocab.FAMILIES else None for s in sets}
    items = [f'<span><span class="mk" style="color:{colour}">{shapes[shape]}</span>'
             f"{esc(vocab.family_name(fam))}</span>"
             for fam, (colour, shape) in FAMILY_MARKS.items() if fam in present]
    if any(n > 0 for s in sets for n in s.faults.values()):
        items.append(f'<span><span class="mk" style="color:{FLAG_COLOUR}">○</span>red ring: the set has a fault</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


# ------------------------------------------------------------------ per-session bars


def _session_frame(n: int, height_px: float, y_hi: float) -> Frame:
    width = max(CHART_W, n * MIN_SLOT_PX + PAD_L + PAD_R)
    return Frame(width, height_px, -0.5, n - 0.5, 0.0, y_hi)


def _bar_w(f: Frame, n: int) -> float:
    """A bar's width in data units (one session = 1), at most 56 px."""
    return min(56.0, (f.right_px - f.left_px) / n * 0.6) / ((f.right_px - f.left_px) / n)


def _session_labels(f: Frame, i: int, s: _Session, second: str) -> str:
    cx = float(f.x(i))
    return (f'<text x="{cx:.1f}" y="{f.bottom_px + 17:.1f}" text-anchor="middle" font-size="12.5" '
            f'font-weight="600" fill="{INK}">{esc(s.label)}</text>'
            f'<text x="{cx:.1f}" y="{f.bottom_px + 32:.1f}" text-anchor="middle" font-size="11.5" '
            f'fill="{MUTED}">{esc(second)}</text>')


def _share_chart(sessions: list[_Session], heads: list[vocab.Head], uid: str) -> str:
    n = len(sessions)
    f = _session_frame(n, 300.0, 1.0)
    w = _bar_w(f, n)
    out = [_wide_svg(f.width_px, f.height_px, "Each head's share of measured rep time, per session"),
           f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#b7bdc4" stroke-width="2.5"/></pattern></defs>',
           axes(f, np.zeros(0), nice_ticks(0.0, 1.0, 4), "", "", y_fmt="{:.0%}")]
    for i, s in enumerate(sessions):
        out.append(_session_labels(f, i, s, f"{_plural(len(s.sets), 'set')} · {num(s.measured_s, '{:.0f}')} s"))
        if not s.measured_s > 0:
            out.append(_missing_bar(f, i, w, s, uid))
            continue
        parts = [(h.key, s.share(h.key), h.colour_hex, h.name) for h in heads]
        parts.append(("none", max(0.0, 1.0 - sum(p[1] for p in parts)), vocab.NO_ZONE_COLOUR_HEX,
                      vocab.NO_ZONE_NAME))
        base = 0.0
        for key, share, colour, name in parts:
            if not share > 0:  # NaN too: never drawn
                continue
            tip = f"{s.label}: {name} {pct(share)} of {s.measured_s:.1f} s measured"
            extra = f' data-session="{esc(s.label)}" data-head="{esc(key)}" data-share="{share:.5f}"'
            out.append(rect(f, i - w / 2, i + w / 2, base, base + share, colour, 1.0, "share", tip, extra))
            y_mid = float(f.y(base + share / 2))
            if share * (f.bottom_px - f.top_px) >= 16:
                out.append(f'<text x="{float(f.x(i)):.1f}" y="{y_mid + 4:.1f}" text-anchor="middle" '
                           f'font-size="11.5" font-weight="600" fill="{_ink_on(colour)}">{pct(share)}</text>')
            base += share
    out.append("</svg>")
    return "".join(out)


def _missing_bar(f: Frame, i: int, w: float, s: _Session, uid: str) -> str:
    """A session with no measured rep time: a hatched, dashed outline over the whole scale."""
    x0, x1 = float(f.x(i - w / 2)), float(f.x(i + w / 2))
    cx, cy = (x0 + x1) / 2, (f.top_px + f.bottom_px) / 2
    return (f'<rect class="share-missing" data-session="{esc(s.label)}" x="{x0:.1f}" y="{f.top_px:.1f}" '
            f'width="{x1 - x0:.1f}" height="{f.bottom_px - f.top_px:.1f}" fill="url(#hatch-{uid})" '
            f'stroke="{MUTED}" stroke-width="1.2" stroke-dasharray="5 3"><title>{esc(s.label)}: no rep time '
            "measured, so no share</title></rect>"
            f'<text x="{cx:.1f}" y="{cy:.1f}" transform="rotate(-90 {cx:.1f} {cy:.1f})" text-anchor="middle" '
            f'dominant-baseline="middle" font-size="13" font-weight="600" fill="{INK}" '
            'paint-order="stroke" stroke="#fff" stroke-width="4">not measured</text>')


def _share_legend(heads: list[vocab.Head]) -> str:
    items = [f"<span>{swatch(h.colour_hex)}{esc(h.name)}</span>" for h in heads]
    items.append(f"<span>{swatch(vocab.NO_ZONE_COLOUR_HEX)}{esc(vocab.NO_ZONE_NAME)}</span>")
    items.append('<span><i class="sw miss"></i>not measured</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


def _fault_chart(sessions: list[_Session], kinds: list[str]) -> str:
    n = len(sessions)
    totals = [sum(s.faults().values()) for s in sessions]
    top = float(max([4, *totals]))
    y_hi = float(nice_ticks(0.0, top, 4)[-1])
    y_hi = y_hi if y_hi >= top else top
    f = _session_frame(n, 240.0, y_hi * 1.12)
    w = _bar_w(f, n)
    ticks = np.array([v for v in nice_ticks(0.0, y_hi, 4) if v == int(v)])
    out = [_wide_svg(f.width_px, f.height_px, "Faults flagged per session, by kind"),
           axes(f, np.zeros(0), ticks, "", "faults")]
    for i, (s, total) in enumerate(zip(sessions, totals)):
        reps = sum(x.n_reps for x in s.sets)
        out.append(_session_labels(f, i, s, _plural(reps, "rep")))
        counts, base = s.faults(), 0.0
        for kind in kinds:
            c = counts.get(kind, 0)
            if c <= 0:
                continue
            extra = f' data-session="{esc(s.label)}" data-kind="{esc(kind)}" data-count="{c}"'
            out.append(rect(f, i - w / 2, i + w / 2, base, base + c, _fault_colour(kind), 1.0, "fault",
                            f"{s.label}: {vocab.fault(kind).short} ×{c}", extra))
            base += c
        cx, y_top = float(f.x(i)), float(f.y(total))
        if total == 0:
            x0, x1 = float(f.x(i - w / 2)), float(f.x(i + w / 2))
            out.append(f'<line class="fault-zero" data-session="{esc(s.label)}" x1="{x0:.1f}" x2="{x1:.1f}" '
                       f'y1="{f.bottom_px - 1:.1f}" y2="{f.bottom_px - 1:.1f}" stroke="{INK}" stroke-width="3"/>')
        out.append(f'<text class="fault-total" data-session="{esc(s.label)}" data-total="{total}" '
                   f'x="{cx:.1f}" y="{y_top - 7:.1f}" text-anchor="middle" font-size="13" font-weight="600" '
                   f'fill="{FLAG_COLOUR if total else INK}">{total}</text>')
    out.append("</svg>")
    return "".join(out)


def _fault_legend(kinds: list[str]) -> str:
    if not kinds:
        return '<p class="note">No fault was flagged in any of these sets: every session is at 0.</p>'
    items = [f"<span>{swatch(_fault_colour(k))}{esc(vocab.fault(k).short)}</span>" for k in kinds]
    return '<div class="legend">' + "".join(items) + "</div>"


# ------------------------------------------------------------------ the lists


def _set_table(sessions: list[_Session]) -> str:
    rows = []
    for s in sessions:
        for st in s.sets:
            faults = ", ".join(f"{vocab.fault(k).short} ×{n}" for k, n in sorted(
                st.faults.items(), key=lambda kv: (list(vocab.FAULTS).index(kv[0]) if kv[0] in vocab.FAULTS
                                                   else len(vocab.FAULTS), kv[0])) if n > 0)
            rows.append(
                f'<tr class="set"><td>{esc(s.label)}</td><td class="l">{_link(st.page, st.name)}</td>'
                f'<td class="l">{esc(vocab.family_name(st.family))}</td><td>{st.n_reps}</td>'
                f"<td>{num(st.measured_s)}</td>"
                f'<td class="flags">{f"""<span class="flag">{esc(faults)}</span>""" if faults else "none"}</td></tr>'
                # the verdict is a paragraph: the row's full width below it, not a squeezed column
                f'<tr class="set-verdict"><td colspan="6" class="text">{esc(st.verdict)}</td></tr>')
    head = ('<thead><tr><th>date</th><th class="l">set</th><th class="l">exercise</th><th>reps</th>'
            '<th>measured<br>s</th><th class="flags">faults</th></tr></thead>')
    return f'<div class="scroll"><table>{head}<tbody>{"".join(rows)}</tbody></table></div>'


def _lifter_section(i: int, lifter: str, sessions: list[_Session]) -> str:
    sets = [st for s in sessions for st in s.sets]
    heads, kinds = _heads(sets), _fault_kinds(sets)
    uid = str(i)
    body = (
        f'<p class="meta">{_plural(len(sessions), "session")}, {_plural(len(sets), "set")}</p>'
        f"<h3>Sets over time</h3>{_family_legend(sets)}"
        f'<div class="chart">{_timeline(sessions)}</div>'
        '<p class="note">One mark per set, stacked per day; click or tap a mark for its set\'s page.</p>'
        f"<h3>Each head's share of rep time, per session</h3>{_share_legend(heads)}"
        f"{_chart(_share_chart(sessions, heads, uid))}"
        "<p class=\"note\">The session's sets pooled: seconds in each head's zone over the rep time the knee "
        "was measured. A session with no measured rep time has no share and is hatched.</p>"
        f"<h3>Faults per session</h3>{_fault_legend(kinds)}"
        f"{_chart(_fault_chart(sessions, kinds))}"
        f"<h3>Sets</h3>{_set_table(sessions)}"
    )
    return section(f"lifter-{uid}", lifter or NO_LIFTER, body)


def _failures_section(failures: list[SetFailure]) -> str:
    if not failures:
        return ""
    order = sorted(failures, key=lambda x: (_lifter_order(x.lifter), _date_order(x.date), x.name, x.key,
                                            x.exit_code, x.message))
    rows = "".join(
        f'<tr class="failure"><td class="text">{esc(x.name)}</td><td class="l">{esc(x.lifter or NO_LIFTER)}</td>'
        f'<td class="l">{esc(x.date or NO_DATE)}</td><td>{x.exit_code}</td><td class="text">{esc(x.message)}</td>'
        "</tr>" for x in order)
    table = ('<div class="scroll"><table><thead><tr><th class="text">video</th><th class="l">lifter</th>'
             '<th class="l">date</th><th>exit code</th><th class="text">message</th></tr></thead>'
             f"<tbody>{rows}</tbody></table></div>")
    return section("failures", "Could not analyse", table)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def to_dashboard(sets: list[SetSummary], failures: list[SetFailure], *, title: str = "formcheck: sets") -> str:
    """The coach's dashboard over a batch's sets as one self-contained HTML page (UTF-8 text).

    Each set's ``page`` becomes a link relative to the dashboard (as a URL path: a space becomes
    %20, a ':' %3A); the same sets and failures in any order give the same bytes.
    """
    lifters = _lifters(sets)
    n_sessions = sum(len(sessions) for _, sessions in lifters)
    nav = "".join(f'<a href="#lifter-{i + 1}">{esc(lifter or NO_LIFTER)}</a>' for i, (lifter, _) in enumerate(lifters))
    counts = (f"{_plural(len(lifters), 'lifter')} · {_plural(n_sessions, 'session')} · {_plural(len(sets), 'set')}"
              f" · {_plural(len(failures), 'failure')}")
    fail_link = ' · <a href="#failures">could not analyse</a>' if failures else ""
    header = (f'<header><h1>{esc(title)}</h1><p class="meta">{counts}{fail_link}</p>'
              + (f'<nav class="lifters">{nav}</nav>' if nav else "") + "</header>")
    sections = [header]
    sections += [_lifter_section(i + 1, lifter, sessions) for i, (lifter, sessions) in enumerate(lifters)]
    if not lifters:
        sections.append(section("empty", "No sets", '<p class="note">No set in this batch was analysed.</p>'))
    sections.append(_failures_section(failures))
    return html_document(title, CSS + DASH_CSS, sections)
