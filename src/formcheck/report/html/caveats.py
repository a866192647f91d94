"""The page's caveats: how far the camera view lets each measure be trusted, how much of the set
each measure was seen in (and why not), and the analysis' warnings."""

from __future__ import annotations

import numpy as np

from formcheck.report.html.markup import esc, num, pct, section
from formcheck.types import REASONS, SIDES, Channel, Report
from formcheck.vocab import measure_label


def trust_note(measure: str, view: str, trust: float) -> str:
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


def view_section(report: Report) -> str:
    v = report.view
    facing = {1: ", facing image right", -1: ", facing image left"}.get(v.facing, "")
    rows = "".join(
        f'<tr><td class="text">{esc(measure_label(k))}<span class="sub">{esc(trust_note(k, v.view, x))}'
        f'</span></td><td><span class="meter"><i style="width:{100 * x:.0f}%"></i></span>{pct(x)}</td></tr>'
        for k, x in v.trust.items()
    )
    body = (
        f"<p>Detected <b>{esc(v.label)} view</b>: hips {num(v.yaw_deg, '{:.0f}')}° from facing the camera "
        f"(0° = square to the camera, 90° = side-on){esc(facing)}.</p>"
        f'<div class="scroll"><table><thead><tr><th class="text">measure: what its trust means</th>'
        f"<th>trust</th></tr></thead><tbody>{rows}</tbody></table></div>"
        '<p class="note">Trust is how far this camera angle supports each measure: 100% means the view '
        "shows it directly, lower means it is foreshortened or partly hidden, 0% means it cannot be seen "
        "from here and is not reported. It says nothing about frames where the lifter was hidden; that "
        "is coverage, below. Side-on is best for knee and hip angles and the low back; the front for "
        "the toes.</p>"
    )
    return section("view", "Camera view and trust", body)


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
        sub = f'<span class="sub">missing: {esc(why)}</span>' if why else ""
        share = float(np.mean(np.isfinite(vals[:, k]))) if n else float("nan")
        rows.append(f'<tr><td class="text">{esc(measure_label(name) + side)}{sub}</td>'
                    f"<td>{pct(share)}</td></tr>")
    return rows


def _damaged(report: Report) -> str:
    """For a damaged video: how many frames could not be decoded, and when."""
    if not len(report.damaged_s):
        return ""
    n = int(report.damaged_frames.sum())
    spans = ", ".join(f"{num(a, '{:.2f}')}–{num(b, '{:.2f}')} s" for a, b in report.damaged_s)
    plural = "s" if n != 1 else ""
    if n == 0:  # frames decoded with errors concealed only (analysis/damage.py)
        return (f"<p>The video is damaged: frames between {esc(spans)} <b>decoded with errors concealed</b>; "
                "the pose found on those glitched frames may be wrong.</p>")
    return (f"<p>The video is damaged: <b>{n} frame{plural}</b> could not "
            f"be decoded, between {esc(spans)}. Angles across those spans are interpolated from the "
            "frames either side.</p>")


def coverage_section(report: Report) -> str:
    rows = [r for name, ch in report.measures.channels().items() for r in _coverage_rows(name, ch)]
    body = (
        f"<p>Lifter found in <b>{pct(report.coverage)}</b> of {report.n_frames} frames.</p>{_damaged(report)}"
        '<div class="scroll"><table><thead><tr><th class="text">measure: why values are missing</th>'
        f'<th>measured</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        '<p class="note">Share of frames with a value. Everything drawn above is drawn only where it was '
        "measured.</p>"
    )
    return section("coverage", "Coverage", body)


def warnings_section(report: Report) -> str:
    items = list(report.warnings)
    if report.truncated:
        items.insert(0, "the video broke off early; the report covers what was decoded")
    body = ('<ul class="warn">' + "".join(f"<li>{esc(w)}</li>" for w in items) + "</ul>"
            if items else '<p class="note">No warnings.</p>')
    return section("warnings", "Warnings", body)
