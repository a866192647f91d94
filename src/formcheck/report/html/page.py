"""The set as one self-contained HTML page a coach can open anywhere, offline.

Everything is inline: CSS in a ``<style>`` element, charts as SVG drawn from the report's numpy
arrays, flagged frames as ``data:`` JPEGs. No script at all, and a Content-Security-Policy that
forbids fetching anything, so the file works (and leaks nothing) without a network.

The page follows the text report's order, verdict first, then the evidence: knee flexion over
time against the four heads' zones, time per head per rep, toe rotation, the low back, a Nordic's
hips and break point, the rep table, flagged frames, and how far the camera view lets each number
be trusted. Missing values stay visibly missing: a NaN breaks a line, it is never drawn as 0, and a
section that cannot be measured from this view says why instead of showing an empty chart. This module assembles the
page; each section is drawn by its own module beside it.
"""

from __future__ import annotations

from pathlib import PurePath

import numpy as np

from formcheck.analysis.back import BACK_FAULTS
from formcheck.report.html.back import back_section
from formcheck.report.html.caveats import coverage_section, view_section, warnings_section
from formcheck.report.html.markup import esc
from formcheck.report.html.nordic import nordic_section
from formcheck.report.html.reps import rep_table_section
from formcheck.report.html.stills import thumbs_section
from formcheck.report.html.toes import toe_section
from formcheck.report.html.zones import knee_section, verdict_section, zone_bars_section
from formcheck.types import Report
from formcheck.version import __version__
from formcheck.vocab import family_name

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

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


def _header(report: Report) -> str:
    name = PurePath(report.source).name if report.source else "set"
    fam = family_name(report.family, report.family_alternative)
    how = "set by hand" if report.family_source == "given" else "detected"
    follows = f"; reps follow {report.rom_signal.replace('_deg', '')} flexion" if report.rom_signal else ""
    meta = (
        f"{esc(report.source or 'unknown source')} · {report.duration_s:.1f} s, {report.n_frames} frames, "
        f"{report.width_px}×{report.height_px} px · exercise: {esc(fam)} ({how}: "
        f"{esc(report.family_reason)}){esc(follows)}"
    )
    trunc = ('<p class="flag">The video broke off early: this report covers only what was '
             "decoded.</p>" if report.truncated else "")
    if report.interrupted:
        trunc += ('<p class="flag">Stopped by the user part-way: this report covers only the first '
                  f"{report.duration_s:.1f} s.</p>")
    return f'<header><h1>Set report: {esc(name)}</h1><p class="meta">{meta}</p>{trunc}</header>'


def flagged_frame_times_s(report: Report) -> list[float]:
    """The moments worth a thumbnail, one per fault, for the caller to grab from the video.

    A low-back fault is shown where its value peaks inside its flagged span; a squat pattern at
    the rep's deepest knee bend; a Nordic's pike where the hips flex most. ``to_html`` captions a
    thumbnail with the faults whose span holds its time, so frames grabbed at these times get their
    fault's message.
    """
    t = report.measures.t_s
    knee = report.measures.knee_deg.values
    hip = report.measures.hip_deg.values
    times = []
    for x in report.faults:
        inside = (t >= x.start_s) & (t <= x.end_s)
        back = report.back.frames if report.back is not None else None
        signal = (np.abs(back.value_deg) if x.kind in BACK_FAULTS and back is not None
                  else np.fmax(hip[:, 0], hip[:, 1]) if x.kind == "nordic_pike"
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
        verdict_section(report),
        knee_section(report),
        zone_bars_section(report),
        toe_section(report),
        back_section(report),
        nordic_section(report),
        rep_table_section(report),
        thumbs_section(report, thumbnails),
        view_section(report),
        coverage_section(report),
        warnings_section(report),
    ]
    return html_document(f"formcheck: {name}", CSS, sections)


def html_document(title: str, css: str, sections: list[str]) -> str:
    """A whole self-contained page (the set page, the batch dashboard): head with the CSP that
    lets it load nothing, ``title`` (escaped here), ``css``, and the non-empty ``sections``."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="formcheck {esc(__version__)}">'
        f"<title>{esc(title)}</title><style>{css}</style></head>\n<body><main>\n"
        + "\n".join(x for x in sections if x)
        + f"\n<footer>formcheck {esc(__version__)} · a self-contained page: it loads nothing from the "
          "network</footer>\n</main></body></html>\n"
    )
