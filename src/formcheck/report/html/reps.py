"""The page's rep table: timing, depth, zone seconds per head and leg, toes and flags per rep."""

from __future__ import annotations

import math

from formcheck import vocab
from formcheck.config import Zone
from formcheck.report.html.markup import esc, num, section, swatch
from formcheck.report.ranges import any_range, range_words
from formcheck.types import SIDES, LegZones, Report, RepScore, ToeCall


def rep_table_section(report: Report) -> str:
    if not report.reps:
        return section("reps", "Reps", "<p>No complete reps found.</p>")
    zdefs = report.zone_defs
    head_cells = "".join(_head_cell(z) for z in zdefs)
    thead = (
        "<thead><tr><th>rep</th><th>start<br>s</th><th>eccentric<br>s</th><th>concentric<br>s</th>"
        f"<th>ROM<br>°</th><th>knee max<br>L / R °</th>{head_cells}"
        f'<th>toes {"L / R" if report.toe.per_foot else "pair"} °<br>bias</th><th class="flags">flags</th>'
        "</tr></thead>"
    )
    rows = [_rep_row(s, zdefs, report.toe.per_foot, _family_tag(s, report)) for s in report.reps]
    tot = "".join(_zone_cell(report.zones, z.head) for z in zdefs)
    n_flags = len(report.faults)
    tfoot = (f'<tfoot><tr><td>all</td><td></td><td></td><td></td><td></td><td></td>{tot}'
             f'<td>{esc(report.toe_bias)}</td><td class="flags">{n_flags} flag{"s" if n_flags != 1 else ""}'
             "</td></tr></tfoot>")
    table = f'<div class="scroll"><table>{thead}<tbody>{"".join(rows)}</tbody>{tfoot}</table></div>'
    ranged = any_range(list(report.zones) + [z for s in report.reps for z in s.zones])
    hover = " (hover a cell for the likely range)" if ranged else ""
    ecc = "lowering" if report.family != "knee_flexion" else "lengthening"
    note = (f'<p class="note">Eccentric is the {ecc} half, where the hamstrings control the load; ROM is '
            f"the range of {esc(report.rom_signal.replace('_deg', '') or 'the driving')} flexion. Zone seconds "
            f"are left / right knee{hover}; – means not measured. "
            + _toe_note(report) + "</p>")
    return section("reps", "Reps", table + note)


def _toe_note(report: Report) -> str:
    if not any(math.isfinite(x) for s in report.reps for x in s.toe_deg):
        return ""
    if report.toe.per_foot:
        return "Toes are each foot's median, left / right."
    return "Toes are the mean of both feet: from this view one foot alone is not trusted."


def _head_cell(z: Zone) -> str:
    """A zone's column header: the head's swatch and abbreviation, the zone's label on hover."""
    head = vocab.head(z.head)
    return f'<th title="{esc(z.label)}">{swatch(head.colour_hex)}{esc(head.abbrev)}<br>L / R s</th>'


def _family_tag(s: RepScore, report: Report) -> str:
    """The rep's own movement beside its number, where it is not the set's (a set that changes
    exercise) or its evidence was split; the evidence on hover."""
    if report.family_source == "given" or (s.family == report.family and s.family_alternative is None):
        return ""
    name = vocab.family_name(s.family, s.family_alternative)
    return f' <span class="note" title="{esc(s.family_reason)}">({esc(name)})</span>'


def _zone_cell(zones: tuple[LegZones, LegZones], key: str) -> str:
    """'0.4 / 0.1' seconds, left / right; the likely ranges, where known, on hover (the verdict's
    chart shows the set's)."""
    words = [range_words(z, key) for z in zones]
    cell = f"{num(zones[0].seconds[key])} / {num(zones[1].seconds[key])}"
    if not any(words):
        return f"<td>{cell}</td>"
    tip = "; ".join(f"{side}: {w}" for side, w in zip(SIDES, words) if w)
    return f'<td title="{esc(tip)}">{cell}</td>'


def _toe_cell(s: RepScore, per_foot: bool) -> str:
    """Each foot where the view trusts each, else the pair's mean; then the rep's bias."""
    if per_foot:
        return f"{num(s.toe_deg[0], '{:+.0f}')} / {num(s.toe_deg[1], '{:+.0f}')} {esc(s.toe_bias)}"
    return f"{num(ToeCall.pair_of(s.toe_deg), '{:+.0f}')} {esc(s.toe_bias)}"


def _rep_row(s: RepScore, zdefs: tuple[Zone, ...], per_foot: bool, family_tag: str = "") -> str:
    """One table row per rep: timing, depth, zone seconds per head and leg, toes and flags."""
    r = s.rep
    zones = "".join(_zone_cell(s.zones, z.head) for z in zdefs)
    flags = "; ".join(
        f'<span class="flag" title="{esc(x.message)}">{esc(vocab.fault(x.kind).short)}</span>'
        for x in s.faults
    ) or "\u2013"
    partial = ' <span class="note" title="the clip began mid-rep">(partial)</span>' if r.partial_start else ""
    return (
        f'<tr class="rep" data-rep="{r.index}"><td>{r.index}{partial}{family_tag}</td><td>{r.start_s:.1f}</td>'
        f"<td>{num(s.eccentric_s)}</td><td>{num(s.concentric_s)}</td><td>{num(r.rom_deg, '{:.0f}')}</td>"
        f"<td>{num(s.knee_max_deg[0], '{:.0f}')} / {num(s.knee_max_deg[1], '{:.0f}')}</td>{zones}"
        f"<td>{_toe_cell(s, per_foot)}</td>"
        f'<td class="flags">{flags}</td></tr>'
    )
