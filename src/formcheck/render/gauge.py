"""The knee gauge: a semicircular dial with one arc per hamstring head's zone, the active zone's arc
lit in its head's colour (``vocab.head(key).colour_bgr``), a needle at the knee angle, the angle
and the zone's name under it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck import vocab
from formcheck.config import Zone
from formcheck.render.draw import (
    MISSING_BGR,
    MUTED_BGR,
    PANEL_BGR,
    TEXT_BGR,
    TRACK_BGR,
    Color,
    dim,
    finite,
    ink,
    put_degrees,
    put_text,
    shade,
    stroke,
    text_size,
)
from formcheck.render.layout import Rect

# The knee dial's range: the left end of the semicircle is DIAL_MIN_DEG, the right DIAL_MAX_DEG.
DIAL_MIN_DEG = -10.0
DIAL_MAX_DEG = 150.0  # deep squats, leg curls and Nordics reach 130-145
ZONE_GAP_DEG = 0.8  # a sliver between neighbouring zones' arcs so their ends stay visible


@dataclass(frozen=True)
class GaugeGeometry:
    """A semicircular dial, arc over the top: the left end is DIAL_MIN_DEG of knee flexion (a
    straight leg), the right end DIAL_MAX_DEG."""

    centre_px: tuple[int, int]
    radius_px: int
    arc_px: int  # zone arcs' stroke width
    text_scale: float
    label_scale: float

    def screen_angle_deg(self, knee_deg: float) -> float:
        """cv2's ellipse angle (clockwise from +x, y down) of a knee angle on this dial."""
        k = min(max(knee_deg, DIAL_MIN_DEG), DIAL_MAX_DEG)
        return 180.0 + 180.0 * (k - DIAL_MIN_DEG) / (DIAL_MAX_DEG - DIAL_MIN_DEG)

    def point(self, knee_deg: float, radius_px: float | None = None) -> tuple[int, int]:
        """The pixel at ``knee_deg`` on the dial, on the arc's centre line unless told."""
        r = self.radius_px if radius_px is None else radius_px
        a = math.radians(self.screen_angle_deg(knee_deg))
        cx, cy = self.centre_px
        return round(cx + r * math.cos(a)), round(cy + r * math.sin(a))


def gauge_geometry(cell: Rect, unit_px: float) -> GaugeGeometry:
    """Fit the dial into its cell: the arc on top, the angle and the zone's name below it."""
    u = unit_px
    top, gap = 6 * u, 6 * u
    text_scale, label_scale = 0.62 * u, 0.4 * u
    _, num_h = text_size("88", text_scale, stroke(u, 1.5))
    _, lab_h = text_size("BF", label_scale, 1)
    below = gap + num_h + gap + lab_h + gap
    r = max(4.0, min(0.40 * cell.w, (cell.h - top - below) / 1.1))
    arc = max(2, round(0.2 * r))
    cx = cell.x + cell.w / 2
    cy = cell.y + top + arc / 2 + r
    return GaugeGeometry((round(cx), round(cy)), round(r), arc, text_scale, label_scale)


def draw_arc(
    frame: np.ndarray, g: GaugeGeometry, lo_deg: float, hi_deg: float, color: Color, width: int
) -> None:
    """The dial's arc from ``lo_deg`` to ``hi_deg`` of knee flexion."""
    a0, a1 = g.screen_angle_deg(lo_deg), g.screen_angle_deg(hi_deg)
    if a1 - a0 < 0.5:
        return
    axes = (g.radius_px, g.radius_px)
    cv2.ellipse(frame, g.centre_px, axes, 0.0, a0, a1, color, width, cv2.LINE_AA)


def _zone_arcs(
    frame: np.ndarray, g: GaugeGeometry, zones: Sequence[Zone], head: str, measured: bool
) -> None:
    """The track, then each zone's arc: lit for ``head``'s zone, dim for the others, grey all
    round when the knee is not measured."""
    draw_arc(frame, g, DIAL_MIN_DEG, DIAL_MAX_DEG, TRACK_BGR, max(1, round(0.3 * g.arc_px)))
    for z in zones:
        lo, hi = max(z.lo_deg, DIAL_MIN_DEG), min(z.hi_deg, DIAL_MAX_DEG)
        if not measured:
            color = MISSING_BGR
        elif z.head == head:
            color = vocab.head(z.head).colour_bgr
        else:
            color = dim(vocab.head(z.head).colour_bgr)
        draw_arc(frame, g, lo + ZONE_GAP_DEG, hi - ZONE_GAP_DEG, color, g.arc_px)


def _zone_name(head: str, measured: bool) -> tuple[str, Color]:
    """The words under the angle, and their colour."""
    if not measured:
        return "not seen", MISSING_BGR
    if head:
        return vocab.head(head).gauge, ink(vocab.head(head).colour_bgr)
    return "no zone", MUTED_BGR


def draw_knee_gauge(
    frame: np.ndarray,
    cell: Rect,
    unit_px: float,
    knee_deg: float,
    head: str,
    zones: Sequence[Zone],
    side_label: str,
) -> GaugeGeometry:
    """One leg's dial: the zones' arcs (the active one lit in its head's colour, the others dim),
    a needle at ``knee_deg``, the angle and the zone's name. NaN: all grey, no needle, "--"."""
    u = unit_px
    shade(frame, cell)
    g = gauge_geometry(cell, u)
    measured = finite(knee_deg)
    _zone_arcs(frame, g, zones, head, measured)

    cx, cy = g.centre_px
    if measured:
        tip = g.point(knee_deg, g.radius_px + g.arc_px / 2)
        needle_w = stroke(u, 2.2, 2)
        cv2.line(frame, (cx, cy), tip, PANEL_BGR, needle_w + stroke(u, 2), cv2.LINE_AA)
        cv2.line(frame, (cx, cy), tip, TEXT_BGR, needle_w, cv2.LINE_AA)
    ink = TEXT_BGR if measured else MISSING_BGR
    cv2.circle(frame, (cx, cy), stroke(u, 3.5, 2), ink, -1, cv2.LINE_AA)

    thick = stroke(u, 1.5)
    _, num_h = text_size("88", g.text_scale, thick)
    num_y = cy + 6 * u + num_h
    put_degrees(frame, knee_deg, cx, num_y, g.text_scale, ink, thick)
    put_text(
        frame, side_label, cx - g.radius_px - g.arc_px / 2, num_y, g.label_scale * 1.1, MUTED_BGR,
        stroke(u, 1),
    )
    _, lab_h = text_size("BF", g.label_scale, 1)
    name, color = _zone_name(head, measured)
    put_text(
        frame, name, cx, num_y + 4 * u + lab_h, g.label_scale, color, stroke(u, 1),
        "center", max_w=cell.w - 8 * u,
    )
    return g
