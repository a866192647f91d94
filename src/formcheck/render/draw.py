"""Drawing primitives the annotators share: the panel's colours, shading, strokes and text that
scales with the layout unit (and shrinks to fit), angles with a drawn degree sign.

Head colours are not here: each head has one colour, ``vocab.head(key).colour_bgr``, the same on
the HTML page, the video and the live window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.render.layout import Rect

Color = tuple[int, int, int]  # BGR

PANEL_BGR: Color = (20, 20, 20)
PANEL_ALPHA = 0.78  # share of the panel colour over the scene behind it
TEXT_BGR: Color = (245, 245, 245)
BONE_BGR: Color = (230, 230, 230)  # a bone whose two joints were seen
MUTED_BGR: Color = (195, 195, 195)
MISSING_BGR: Color = (135, 135, 135)  # a gauge or arrow with no reading
TRACK_BGR: Color = (90, 90, 90)  # dial and bar tracks
FAULT_BGR: Color = (40, 40, 215)  # red: lumbar over its flag, fault banners
GOOD_BGR: Color = (90, 200, 90)  # green: lumbar under its flag, well-seen joints
FAIR_BGR: Color = (0, 190, 255)  # amber: joints seen but below high confidence
POOR_BGR: Color = (60, 60, 230)  # red: joints the model barely saw
DIM_SHARE = 0.4  # an inactive zone's arc: this share of its colour, the rest panel colour

FONT = cv2.FONT_HERSHEY_SIMPLEX
MISSING_TEXT = "--"  # Hershey fonts have no dash wider than ASCII


INK_LIFT = 0.4  # share of white mixed into a head's colour for text


def dim(color: Color) -> Color:
    """An inactive zone's colour: mostly panel, a little of the head's own colour."""
    return tuple(int(round(DIM_SHARE * c + (1 - DIM_SHARE) * p)) for c, p in zip(color, PANEL_BGR))


def ink(color: Color) -> Color:
    """A head's colour for small text on the dark panel: lifted toward white by INK_LIFT, so the
    dark medial blue reads (3.6:1 on the panel as is) while the hue stays the head's."""
    return tuple(int(round(c + INK_LIFT * (255 - c))) for c in color)


def finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def shade(
    frame: np.ndarray, rect: Rect, color: Color = PANEL_BGR, alpha: float = PANEL_ALPHA
) -> None:
    """Blend ``color`` over the scene inside ``rect`` (clipped to the frame), in place."""
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = max(rect.x, 0), max(rect.y, 0), min(rect.x1, w), min(rect.y1, h)
    if x1 <= x0 or y1 <= y0:
        return
    roi = frame[y0:y1, x0:x1]
    tint = np.empty_like(roi)
    tint[:] = color
    cv2.addWeighted(tint, alpha, roi, 1.0 - alpha, 0.0, dst=roi)


def stroke(u: float, units: float, minimum: int = 1) -> int:
    """A line width of ``units`` layout units, in whole pixels, at least ``minimum``."""
    return max(minimum, round(units * u))


def text_size(text: str, scale: float, thickness: int) -> tuple[int, int]:
    (w, h), _ = cv2.getTextSize(text, FONT, scale, thickness)
    return w, h


@dataclass(frozen=True)
class PanelText:
    """The small text of the toe and low-back cells: padding, scale, stroke and line height (px)."""

    pad_px: float
    scale: float
    thick: int
    line_h_px: int


def panel_text(unit_px: float) -> PanelText:
    scale = 0.4 * unit_px
    return PanelText(6 * unit_px, scale, stroke(unit_px, 1), text_size("X", scale, 1)[1])


def fit_scale(text: str, scale: float, thickness: int, max_w: float) -> float:
    """``scale``, shrunk so ``text`` fits in ``max_w`` pixels."""
    w, _ = text_size(text, scale, thickness)
    return scale if w <= max_w or w == 0 else scale * max_w / w


def put_text(
    frame: np.ndarray,
    text: str,
    x: float,
    baseline_y: float,
    scale: float,
    color: Color,
    thickness: int = 1,
    align: str = "left",
    max_w: float | None = None,
) -> int:
    """Draw ``text`` with its baseline at ``baseline_y``; ``align`` left/center/right about x.
    Shrinks to ``max_w``. Returns the width drawn."""
    if max_w is not None:
        scale = fit_scale(text, scale, thickness, max_w)
    w, _ = text_size(text, scale, thickness)
    x0 = x - w / 2 if align == "center" else x - w if align == "right" else x
    org = (round(x0), round(baseline_y))
    cv2.putText(frame, text, org, FONT, scale, color, thickness, cv2.LINE_AA)
    return w


def put_degrees(
    frame: np.ndarray,
    value_deg: float,
    x: float,
    baseline_y: float,
    scale: float,
    color: Color,
    thickness: int = 1,
    align: str = "center",
    signed: bool = False,
) -> int:
    """An angle as "23°" (the degree ring drawn, Hershey fonts lack it); "--" when NaN.
    Returns the width drawn."""
    if not math.isfinite(value_deg):
        return put_text(frame, MISSING_TEXT, x, baseline_y, scale, color, thickness, align)
    text = f"{value_deg:+.0f}" if signed else f"{value_deg:.0f}"
    w, h = text_size(text, scale, thickness)
    ring_r = max(1.5, 0.17 * h)
    total = w + 2.2 * ring_r + thickness
    x0 = x - total / 2 if align == "center" else x - total if align == "right" else x
    org = (round(x0), round(baseline_y))
    cv2.putText(frame, text, org, FONT, scale, color, thickness, cv2.LINE_AA)
    centre = (round(x0 + w + 1.2 * ring_r + thickness / 2), round(baseline_y - h + ring_r))
    ring_w = thickness - 1 if thickness > 2 else 1
    cv2.circle(frame, centre, round(ring_r), color, ring_w, cv2.LINE_AA)
    return round(total)
