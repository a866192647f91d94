"""One CSV row per frame: time, every measure with its confidence, zone, rep and phase.

Missing values are empty cells, with the reason in the measure's ``*_missing`` column.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from formcheck.analysis.zones import zone_of
from formcheck.types import BACK_STATE_CODE, REASONS, SIDES, BackFrames, Report
from formcheck.vocab import MEASURES


def _columns(report: Report) -> list[tuple[str, np.ndarray]]:
    m = report.measures
    cols: list[tuple[str, np.ndarray]] = [("t_s", m.t_s)]
    for name, ch in m.channels().items():
        measure = MEASURES[name]
        if ch.values.ndim == 2:
            for k, side in enumerate(SIDES):
                stem = f"{measure.column}_{side}"
                cols.append((f"{stem}_{measure.unit}", ch.values[:, k]))
                cols.append((f"{stem}_conf", ch.conf[:, k]))
                cols.append((f"{stem}_missing", ch.reason[:, k]))
        else:
            cols.append((f"{measure.column}_{measure.unit}", ch.values))
            cols.append((f"{measure.column}_conf", ch.conf))
            cols.append((f"{measure.column}_missing", ch.reason))
    cols += _back_columns(report)
    for k, side in enumerate(SIDES):
        cols.append((f"zone_{side}", zone_of(m.knee_deg.values[:, k], report.zone_defs)))
    cols.append(("rep", report.rep_of_frame))
    cols.append(("phase", report.phase_of_frame))
    return cols


def _back_columns(report: Report) -> list[tuple[str, np.ndarray]]:
    """The low back's stacking per frame (analysis/back.py) and its state where judged."""
    b = report.back.frames if report.back is not None else None
    if b is None:
        b = BackFrames.empty(report.measures.t_s)
    state = np.full(len(b.t_s), "", dtype=object)
    for name, code in BACK_STATE_CODE.items():
        state[b.state == code] = name
    return [
        ("lumbar_extension_deg", b.lumbar_deg), ("pelvis_rib_tilt_deg", b.pelvis_tilt_deg),
        ("rib_offset_pct", b.rib_offset_pct), ("lean_back_deg", b.lean_back_deg), ("back_state", state),
    ]


def _cell(name: str, v: object) -> str:
    if name.endswith("_missing"):
        return REASONS[int(v)]
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(float(v)):
            return ""
        return f"{float(v):.4f}" if name == "t_s" else f"{float(v):.2f}"
    return str(v)


def to_csv(report: Report) -> str:
    cols = _columns(report)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([name for name, _ in cols])
    for i in range(report.n_frames):
        w.writerow([_cell(name, arr[i]) for name, arr in cols])
    return buf.getvalue()
