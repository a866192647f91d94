"""The page's flagged frames: the stills the caller grabbed, embedded as data: URIs and captioned
with the faults at their moment."""

from __future__ import annotations

import base64

import numpy as np

from formcheck.report.html.markup import esc, section
from formcheck.types import Fault, Report


def _faults_at(report: Report, t_s: float) -> list[Fault]:
    """The faults whose span holds ``t_s`` (a small tolerance for frame timing)."""
    return [x for x in report.faults if x.start_s - 0.05 <= t_s <= x.end_s + 0.05]


def _rep_at(report: Report, t_s: float) -> int:
    """The 1-based rep whose frames include the one nearest ``t_s``; 0 outside every rep."""
    t = report.measures.t_s
    return int(report.rep_of_frame[np.argmin(np.abs(t - t_s))]) if len(t) else 0


def _image_mime(data: bytes) -> str:
    return "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"


def thumbs_section(report: Report, thumbnails: dict[float, bytes] | None) -> str:
    title = "Flagged frames"
    if not thumbnails:
        n = len(report.faults)
        what = (f"{n} flag{'s' if n != 1 else ''} in the set; a report made from the video shows their frames"
                if n else "no flags, so no frames to show")
        return section("thumbs", title, f'<p class="note">No thumbnails in this report ({what}).</p>')
    figs = []
    for t_s in sorted(thumbnails):
        data = thumbnails[t_s]
        faults = _faults_at(report, t_s)
        rep = _rep_at(report, t_s)
        where = f"{t_s:.1f} s" + (f", rep {rep}" if rep else "")
        caption = "; ".join(x.message for x in faults) or "no flag at this moment"
        uri = f"data:{_image_mime(data)};base64,{base64.b64encode(data).decode('ascii')}"
        figs.append(f'<figure><img src="{uri}" alt="{esc(where)}: {esc(caption)}" loading="lazy">'
                    f"<figcaption><b>{esc(where)}</b>: {esc(caption)}</figcaption></figure>")
    return section("thumbs", title, f'<div class="thumbs">{"".join(figs)}</div>')
