"""The page's Nordic section (Nordic sets only): per rep, how far the hips piked over the lowering
against the flag threshold, and the break point, where the lowering turned into a fall."""

from __future__ import annotations

import math

from formcheck.config import NordicConfig
from formcheck.report.html.markup import FLAG_COLOUR, esc, num, section
from formcheck.report.text_report import nordic_set_words
from formcheck.types import NordicRep, Report

BAR_TOP_DEG = 45.0  # the pike bar's full width


def nordic_section(report: Report) -> str:
    """'' outside Nordic sets (kneeling knee-flexion work); else a table, one row per rep."""
    if not report.nordic:
        return ""
    flag = NordicConfig().pike_flag_deg
    thead = ('<thead><tr><th>rep</th><th>kneeling tall<br>hip °</th><th class="text">pike (hip flexion past '
             f'kneeling tall) °<br>flag over {flag:g}°</th><th>break point<br>knee °</th><th>break at<br>s</th>'
             '<th>lowering → fall<br>°/s</th><th class="text">note</th></tr></thead>')
    rows = "".join(_row(x, flag) for x in report.nordic)
    table = f'<div class="scroll"><table class="nordic">{thead}<tbody>{rows}</tbody></table></div>'
    note = (
        f'<p class="note">{esc(nordic_set_words(report).capitalize())}. The pike is the most the trunk '
        "folded toward the thighs while lowering, past the lifter's own hip angle kneeling tall at the "
        "rep's start: piking shortens the hamstrings at the hip and makes the lowering easier. The break "
        "point is the knee angle where the knee's straightening speed jumped from the controlled lowering "
        "into a fall and stayed fast to the bottom; a later break (a straighter knee) over the weeks means "
        "a stronger lifter. – means not measured.</p>"
    )
    return section("nordic", "Nordic technique: hips and break point", table + note)


def _pike_cell(x: NordicRep, flag: float) -> str:
    if not math.isfinite(x.pike_deg):  # the note says why when neither is judged
        why = "not judged" if x.pike_reason == x.reason else f"not judged: {x.pike_reason}"
        return f'<td class="text">{esc(why)}</td>'
    width = max(0.0, min(x.pike_deg, BAR_TOP_DEG)) / BAR_TOP_DEG * 100
    mark = flag / BAR_TOP_DEG * 100
    colour = FLAG_COLOUR if x.piked else "#2e7d32"
    bar = (f'<span class="meter" style="position:relative"><i style="width:{width:.0f}%;background:{colour}"></i>'
           f'<b style="position:absolute;left:{mark:.0f}%;top:0;bottom:0;border-left:2px solid #1d232a"></b></span>')
    word = ' <span class="flag">piked</span>' if x.piked else ""
    return f'<td class="text">{bar}{num(x.pike_deg, "{:.0f}")}{word}</td>'


def _row(x: NordicRep, flag: float) -> str:
    speeds = (f"{num(x.controlled_dps, '{:.0f}')} → {num(x.fall_dps, '{:.0f}')}"
              if math.isfinite(x.fall_dps) else num(x.controlled_dps, "{:.0f}"))
    note = "" if math.isfinite(x.break_knee_deg) else x.reason
    return (
        f'<tr class="nordic-rep" data-rep="{x.rep}"><td>{x.rep}</td><td>{num(x.hip_start_deg, "{:.0f}")}</td>'
        f"{_pike_cell(x, flag)}<td>{num(x.break_knee_deg, '{:.0f}')}</td><td>{num(x.break_t_s)}</td>"
        f'<td>{speeds}</td><td class="text">{esc(note)}</td></tr>'
    )
