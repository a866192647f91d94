"""Annotators: each draws one element of a ``FrameView`` onto a BGR uint8 frame, in place.

They only draw what the analysis produced (no measuring, no smoothing, no thresholds of their
own beyond colour choices), configured once and called per frame as
``annotator.annotate(frame, view) -> frame``, like roboflow/supervision's annotators. The same
annotators serve the annotated video and a live window.

Where things go is decided by :func:`layout_for` from the frame size alone: a portrait frame gets a
strip at the top (both knee gauges and the rep counter) and one at the bottom (toes, low back); a
landscape frame gets a column at the left. Sizes scale with the frame's short side (one "unit" is
1/360 of it), so a 360x640 phone clip and a 1920x1080 one look alike. Fault banners sit just past
the panel, over the scene, only while a fault is active.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import cv2
import numpy as np

from formcheck import vocab
from formcheck.analysis.frame_view import FrameView
from formcheck.config import ScoreConfig, Zone
from formcheck.skeleton import EDGES, KNEE

Color = tuple[int, int, int]  # BGR

PANEL_BGR: Color = (20, 20, 20)
PANEL_ALPHA = 0.78  # share of the panel colour over the scene behind it
TEXT_BGR: Color = (245, 245, 245)
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
UNIT_SHORT_SIDE_PX = 360.0  # one layout unit is the short side / this

# The knee dial's range: the left end of the semicircle is DIAL_MIN_DEG, the right DIAL_MAX_DEG.
DIAL_MIN_DEG = -10.0
DIAL_MAX_DEG = 150.0  # deep squats, leg curls and Nordics reach 130-145


def dim(color: Color) -> Color:
    """An inactive zone's colour: mostly panel, a little of the head's own colour."""
    return tuple(int(round(DIM_SHARE * c + (1 - DIM_SHARE) * p)) for c, p in zip(color, PANEL_BGR))


def side_colour(side: str) -> Color:
    """The colour of the first head that pulls on ``side`` (vocab.MEDIAL or vocab.LATERAL)."""
    return vocab.head(vocab.heads_on(side)[0]).colour_bgr


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in pixels: top-left (x, y), width w, height h."""

    x: int
    y: int
    w: int
    h: int

    @property
    def x1(self) -> int:
        return self.x + self.w

    @property
    def y1(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


@dataclass(frozen=True)
class Layout:
    """Where each element goes on a frame of this size; ``unit_px`` scales strokes and text."""

    width_px: int
    height_px: int
    unit_px: float
    knee_gauges: tuple[Rect, Rect]  # left leg, right leg
    rep: Rect
    toes: Rect
    lumbar: Rect
    banner: Rect  # the first fault banner; further ones stack below it
    banner_gap_px: int

    def banner_at(self, k: int) -> Rect:
        """The k-th (0-based) banner's box."""
        b = self.banner
        return Rect(b.x, b.y + k * (b.h + self.banner_gap_px), b.w, b.h)


def _rows(x: int, y: int, w: int, heights_u: Sequence[float], u: float) -> list[Rect]:
    """Boxes stacked top to bottom, heights in units; the last ends on a whole pixel."""
    out, top = [], float(y)
    for h_u in heights_u:
        bottom = top + h_u * u
        out.append(Rect(x, round(top), w, round(bottom) - round(top)))
        top = bottom
    return out


@lru_cache(maxsize=16)
def layout_for(width_px: int, height_px: int) -> Layout:
    """The panel layout for a frame size: top and bottom strips when portrait, a left column when
    landscape, so the lifter (usually mid-frame) stays clear."""
    u = min(width_px, height_px) / UNIT_SHORT_SIDE_PX
    margin = max(2, round(6 * u))
    banner_h = round(26 * u)
    if height_px >= width_px:
        top_h, bottom_h = round(118 * u), round(62 * u)
        gauge_w, rep_w = round(0.36 * width_px), width_px - 2 * round(0.36 * width_px)
        left = Rect(0, 0, gauge_w, top_h)
        rep = Rect(gauge_w, 0, rep_w, top_h)
        right = Rect(gauge_w + rep_w, 0, width_px - gauge_w - rep_w, top_h)
        half = width_px // 2
        toes = Rect(0, height_px - bottom_h, half, bottom_h)
        lumbar = Rect(half, height_px - bottom_h, width_px - half, bottom_h)
        banner = Rect(margin, top_h + margin, width_px - 2 * margin, banner_h)
    else:
        side_w = min(round(140 * u), width_px // 3)
        rep, left, right, toes, lumbar = _rows(0, 0, side_w, (70, 96, 96, 56, 42), u)
        lumbar = Rect(lumbar.x, lumbar.y, lumbar.w, height_px - lumbar.y)
        banner = Rect(side_w + margin, margin, width_px - side_w - 2 * margin, banner_h)
    return Layout(
        width_px, height_px, u, (left, right), rep, toes, lumbar, banner, max(1, round(4 * u))
    )


def frame_layout(frame: np.ndarray) -> Layout:
    h, w = frame.shape[:2]
    return layout_for(int(w), int(h))


# ---------------------------------------------------------------- drawing helpers


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


def _stroke(u: float, units: float, minimum: int = 1) -> int:
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
    return PanelText(6 * unit_px, scale, _stroke(unit_px, 1), text_size("X", scale, 1)[1])


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


def _finite(x: float) -> bool:
    return x is not None and math.isfinite(x)


# ---------------------------------------------------------------- the knee gauge


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
    _, num_h = text_size("88", text_scale, _stroke(u, 1.5))
    _, lab_h = text_size("BF", label_scale, 1)
    below = gap + num_h + gap + lab_h + gap
    r = max(4.0, min(0.40 * cell.w, (cell.h - top - below) / 1.1))
    arc = max(2, round(0.2 * r))
    cx = cell.x + cell.w / 2
    cy = cell.y + top + arc / 2 + r
    return GaugeGeometry((round(cx), round(cy)), round(r), arc, text_scale, label_scale)


def _arc(
    frame: np.ndarray, g: GaugeGeometry, lo_deg: float, hi_deg: float, color: Color, width: int
) -> None:
    """The dial's arc from ``lo_deg`` to ``hi_deg`` of knee flexion."""
    a0, a1 = g.screen_angle_deg(lo_deg), g.screen_angle_deg(hi_deg)
    if a1 - a0 < 0.5:
        return
    axes = (g.radius_px, g.radius_px)
    cv2.ellipse(frame, g.centre_px, axes, 0.0, a0, a1, color, width, cv2.LINE_AA)


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
    measured = _finite(knee_deg)
    track_w = max(1, round(0.3 * g.arc_px))
    _arc(frame, g, DIAL_MIN_DEG, DIAL_MAX_DEG, TRACK_BGR, track_w)
    gap_deg = 0.8  # a sliver between neighbouring zones so their ends stay visible
    for z in zones:
        lo, hi = max(z.lo_deg, DIAL_MIN_DEG), min(z.hi_deg, DIAL_MAX_DEG)
        if not measured:
            color = MISSING_BGR
        elif z.head == head:
            color = vocab.head(z.head).colour_bgr
        else:
            color = dim(vocab.head(z.head).colour_bgr)
        _arc(frame, g, lo + gap_deg, hi - gap_deg, color, g.arc_px)

    cx, cy = g.centre_px
    if measured:
        tip = g.point(knee_deg, g.radius_px + g.arc_px / 2)
        needle_w = _stroke(u, 2.2, 2)
        cv2.line(frame, (cx, cy), tip, PANEL_BGR, needle_w + _stroke(u, 2), cv2.LINE_AA)
        cv2.line(frame, (cx, cy), tip, TEXT_BGR, needle_w, cv2.LINE_AA)
    ink = TEXT_BGR if measured else MISSING_BGR
    cv2.circle(frame, (cx, cy), _stroke(u, 3.5, 2), ink, -1, cv2.LINE_AA)

    thick = _stroke(u, 1.5)
    _, num_h = text_size("88", g.text_scale, thick)
    num_y = cy + 6 * u + num_h
    put_degrees(frame, knee_deg, cx, num_y, g.text_scale, ink, thick)
    put_text(
        frame, side_label, cx - g.radius_px - g.arc_px / 2, num_y, g.label_scale * 1.1, MUTED_BGR,
        _stroke(u, 1),
    )
    _, lab_h = text_size("BF", g.label_scale, 1)
    if not measured:
        name, color = "not seen", MISSING_BGR
    elif head:
        name, color = vocab.head(head).gauge, vocab.head(head).colour_bgr
    else:
        name, color = "no zone", MUTED_BGR
    put_text(
        frame, name, cx, num_y + 4 * u + lab_h, g.label_scale, color, _stroke(u, 1),
        "center", max_w=cell.w - 8 * u,
    )
    return g


# ---------------------------------------------------------------- annotators


class Annotator(Protocol):
    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray: ...


class SkeletonAnnotator:
    """The lifter's bones, joints coloured by the model's visibility (green sure, amber fair, red
    barely seen), each knee ringed in the colour of the head whose zone it is in."""

    def __init__(
        self, min_visibility: float = 0.5, sure_visibility: float = 0.8, knee_rings: bool = True
    ) -> None:
        if not 0.0 <= min_visibility <= sure_visibility <= 1.0:
            raise ValueError(
                "need 0 <= min_visibility <= sure_visibility <= 1, got "
                f"{min_visibility} and {sure_visibility}"
            )
        self.min_visibility = min_visibility
        self.sure_visibility = sure_visibility
        self.knee_rings = knee_rings
        self._joints = sorted({j for e in EDGES for j in e})

    def _joint_color(self, vis: float) -> Color:
        if vis >= self.sure_visibility:
            return GOOD_BGR
        return FAIR_BGR if vis >= self.min_visibility else POOR_BGR

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        if not view.detected:
            return frame
        u = frame_layout(frame).unit_px
        xy, vis = view.xy_px, view.visibility
        ok = np.all(np.isfinite(xy), axis=1)
        pts = np.where(ok[:, None], xy, 0).round().astype(int)
        bone_w = _stroke(u, 2.0)
        for a, b in EDGES:
            if not (ok[a] and ok[b]):
                continue
            seen = min(vis[a], vis[b]) >= self.min_visibility
            color = (230, 230, 230) if seen else MISSING_BGR
            width = bone_w if seen else max(1, bone_w // 2)
            cv2.line(frame, tuple(pts[a]), tuple(pts[b]), color, width, cv2.LINE_AA)
        joint_r = _stroke(u, 3.2, 2)
        for j in self._joints:
            if ok[j]:
                color = self._joint_color(float(vis[j]))
                cv2.circle(frame, tuple(pts[j]), joint_r, color, -1, cv2.LINE_AA)
        if self.knee_rings:
            for side, j in enumerate(KNEE):
                head = view.knee_head[side]
                if ok[j] and head:
                    ring_r = joint_r * 2 + bone_w
                    cv2.circle(frame, tuple(pts[j]), ring_r, vocab.head(head).colour_bgr, bone_w, cv2.LINE_AA)
        return frame


class KneeGaugeAnnotator:
    """Both knees' dials (left leg's in the left cell): which head's zone each knee is in."""

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        for side, label in enumerate(("L", "R")):
            draw_knee_gauge(
                frame, lay.knee_gauges[side], lay.unit_px, view.knee_deg[side],
                view.knee_head[side], view.zones, label,
            )
        return frame


class RepAnnotator:
    """The rep under way and its phase ("Rep 2", "lowering"), reps done, and the camera view."""

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        u, cell = lay.unit_px, lay.rep
        shade(frame, cell)
        big, small = 0.66 * u, 0.4 * u
        _, big_h = text_size("Rep", big, _stroke(u, 1.6))
        _, small_h = text_size("Rep", small, 1)
        line = small_h + 5 * u
        title = f"Rep {view.rep}" if view.rep > 0 else "Rest"
        lines = [
            (view.phase_word if view.rep > 0 else "", TEXT_BGR),
            (f"{view.reps_done} done", MUTED_BGR),
            (f"{view.view} view", MUTED_BGR),
        ]
        block_h = big_h + 4 * u + line * len(lines)
        y = cell.y + max(4 * u, (cell.h - block_h) / 2) + big_h
        max_w, thin = cell.w - 8 * u, _stroke(u, 1)
        put_text(frame, title, cell.cx, y, big, TEXT_BGR, _stroke(u, 1.6), "center", max_w=max_w)
        y += 4 * u
        for text, color in lines:
            y += line
            if text:
                put_text(frame, text, cell.cx, y, small, color, thin, "center", max_w=max_w)
        return frame


class ToeAnnotator:
    """Each foot seen from above: an arrow turned out or in by its toe rotation, in the colour of
    the heads that rotation biases (out: a lateral head's, in: a medial head's; white within the
    dead band), and the angle; "--" unmeasured."""

    def __init__(self, dead_band_deg: float | None = None, max_tilt_deg: float = 60.0) -> None:
        if dead_band_deg is None:
            dead_band_deg = ScoreConfig().toe_dead_band_deg
        self.dead_band_deg = dead_band_deg
        self.max_tilt_deg = max_tilt_deg  # arrows tilt at most this far (the number says the rest)
        self.out_bgr = side_colour(vocab.LATERAL)  # toes out bias the lateral heads
        self.in_bgr = side_colour(vocab.MEDIAL)  # toes in the medial ones

    def _color(self, toe_deg: float) -> Color:
        if not _finite(toe_deg):
            return MISSING_BGR
        if abs(toe_deg) <= self.dead_band_deg:
            return TEXT_BGR
        return self.out_bgr if toe_deg > 0 else self.in_bgr

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        u, cell = lay.unit_px, lay.toes
        shade(frame, cell)
        pt = panel_text(u)
        pad, small, thick, small_h = pt.pad_px, pt.scale, pt.thick, pt.line_h_px
        put_text(frame, "Toes", cell.x + pad, cell.y + pad + small_h, small, MUTED_BGR, thick)
        # two arrows under the title, the left foot's on the left as the lifter stands, each in a
        # square box with its base at the box's bottom centre so a turned arrow stays in its box
        icon_top = cell.y + 2 * pad + small_h
        icon = max(4.0, cell.y1 - pad - icon_top)
        length = 0.9 * icon
        base_y = icon_top + icon
        for side, sign in enumerate((-1.0, 1.0)):
            toe = view.toe_deg[side]
            base_x = cell.x + pad + icon * (0.5 + side)
            tilt_deg = min(max(toe, -self.max_tilt_deg), self.max_tilt_deg) if _finite(toe) else 0.0
            tilt = math.radians(tilt_deg)
            tip = (base_x + sign * length * math.sin(tilt), base_y - length * math.cos(tilt))
            cv2.line(
                frame, (round(base_x), round(base_y)), (round(base_x), round(base_y - length)),
                TRACK_BGR, thick, cv2.LINE_AA,
            )
            cv2.arrowedLine(
                frame, (round(base_x), round(base_y)), (round(tip[0]), round(tip[1])),
                self._color(toe), _stroke(u, 2.2, 2), cv2.LINE_AA, tipLength=0.3,
            )
        text_x = cell.x + 2 * pad + 2 * icon
        text_w = cell.x1 - pad - text_x
        row_h = (cell.h - 2 * pad) / 2
        for side, label in enumerate(("L", "R")):
            toe = view.toe_deg[side]
            y = cell.y + pad + row_h * (side + 0.5) + small_h / 2
            if _finite(toe):
                text = f"{label} {abs(toe):.0f}" + (" out" if toe > 0 else " in")
            else:
                text = f"{label} {MISSING_TEXT}"
            scale = fit_scale(text + "  ", small, thick, text_w)  # room for the degree ring
            x = text_x + put_text(frame, f"{label} ", text_x, y, scale, MUTED_BGR, thick)
            if not _finite(toe):
                put_text(frame, MISSING_TEXT, x, y, scale, MISSING_BGR, thick)
                continue
            color = self._color(toe)
            x += put_degrees(frame, abs(toe), x, y, scale, color, thick, align="left")
            put_text(frame, " out" if toe > 0 else " in", x, y, scale, color, thick)
        return frame


class LumbarAnnotator:
    """The low back's extension past the lifter's neutral as a bar against the flag threshold
    (the white tick): green under it, red over it; "not seen" where the view cannot show the back
    and grey "not judged" where the analysis does not judge it (sets that are not hinges)."""

    def __init__(self, bar_min_deg: float = -10.0, bar_max_deg: float = 25.0) -> None:
        if not bar_min_deg < 0.0 < bar_max_deg:
            raise ValueError(
                f"need bar_min_deg < 0 < bar_max_deg, got {bar_min_deg} and {bar_max_deg}"
            )
        self.bar_min_deg = bar_min_deg
        self.bar_max_deg = bar_max_deg

    def bar_x(self, bar: Rect, value_deg: float) -> int:
        """The x pixel of ``value_deg`` on the bar (clamped to its ends)."""
        v = min(max(value_deg, self.bar_min_deg), self.bar_max_deg)
        return round(bar.x + bar.w * (v - self.bar_min_deg) / (self.bar_max_deg - self.bar_min_deg))

    @staticmethod
    def bar_rect(lay: Layout) -> Rect:
        """The bar's box: under the title row, centred in the rest of the lumbar cell."""
        u, cell = lay.unit_px, lay.lumbar
        pt = panel_text(u)
        pad, small_h = pt.pad_px, pt.line_h_px
        bar_h = max(3, round(8 * u))
        room_top = cell.y + 2 * pad + small_h
        top = room_top + max(0.0, (cell.y1 - pad - room_top - bar_h) / 2)
        return Rect(round(cell.x + pad), round(top), round(cell.w - 2 * pad), bar_h)

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        u, cell = lay.unit_px, lay.lumbar
        shade(frame, cell)
        pt = panel_text(u)
        pad, small, thick, small_h = pt.pad_px, pt.scale, pt.thick, pt.line_h_px
        value, flag = view.lumbar_ext_deg, view.lumbar_flag_deg
        measured = _finite(value)
        over = measured and view.lumbar_judged and value > flag
        if not measured:
            color = MISSING_BGR
        elif not view.lumbar_judged:
            color = MUTED_BGR
        else:
            color = FAULT_BGR if over else GOOD_BGR
        title_y = cell.y + pad + small_h
        put_text(frame, "Low back", cell.x + pad, title_y, small, MUTED_BGR, thick)
        right = cell.x1 - pad
        if not measured:
            put_text(frame, "not seen", right, title_y, small, MISSING_BGR, thick, "right")
        elif not view.lumbar_judged:
            put_text(frame, "not judged", right, title_y, small, MUTED_BGR, thick, "right")
        else:
            put_degrees(
                frame, value, right, title_y, small * 1.2, color, _stroke(u, 1.6, 2), "right",
                signed=True,
            )
        bar = self.bar_rect(lay)
        cv2.rectangle(frame, (bar.x, bar.y), (bar.x1, bar.y1), TRACK_BGR, -1)
        if measured:
            x0, x1 = sorted((self.bar_x(bar, 0.0), self.bar_x(bar, value)))
            fill = color if view.lumbar_judged else MISSING_BGR
            cv2.rectangle(frame, (x0, bar.y), (max(x1, x0 + 1), bar.y1), fill, -1)
        zero_x = self.bar_x(bar, 0.0)
        tick = round(2 * u)
        cv2.line(frame, (zero_x, bar.y - tick), (zero_x, bar.y1 + tick), MUTED_BGR, thick)
        if _finite(flag) and view.lumbar_judged:
            fx = self.bar_x(bar, flag)
            flag_w = _stroke(u, 1.5)
            cv2.line(frame, (fx, bar.y - 2 * tick), (fx, bar.y1 + 2 * tick), TEXT_BGR, flag_w)
        return frame


class FaultBannerAnnotator:
    """A red banner per fault active at this frame ("Low back arched"), stacked past the panel."""

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        u = lay.unit_px
        kinds = list(dict.fromkeys(f.kind for f in view.faults))  # one banner per kind
        for k, kind in enumerate(kinds):
            r = lay.banner_at(k)
            cv2.rectangle(frame, (r.x, r.y), (r.x1 - 1, r.y1 - 1), FAULT_BGR, -1)
            scale = 0.55 * u
            _, th = text_size("Ag", scale, _stroke(u, 1.5))
            put_text(
                frame, vocab.fault(kind).title, r.cx, r.cy + th / 2, scale, TEXT_BGR, _stroke(u, 1.5),
                "center", max_w=r.w - 16 * u,
            )
        return frame


DEFAULT_ANNOTATORS: tuple[Annotator, ...] = (
    SkeletonAnnotator(),
    KneeGaugeAnnotator(),
    RepAnnotator(),
    ToeAnnotator(),
    LumbarAnnotator(),
    FaultBannerAnnotator(),
)


def annotate_frame(
    frame: np.ndarray, view: FrameView, annotators: Sequence[Annotator] = DEFAULT_ANNOTATORS
) -> np.ndarray:
    """Run each annotator over ``frame`` (BGR uint8, drawn in place) and return it."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(
            f"frame: expected a BGR uint8 image (h, w, 3), got {frame.dtype} {frame.shape}"
        )
    for a in annotators:
        a.annotate(frame, view)
    return frame
