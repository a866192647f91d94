"""Annotators: each draws one element of a ``FrameView`` onto a BGR uint8 frame, in place.

They only draw what the analysis produced (no measuring, no smoothing, no thresholds of their
own beyond colour choices), configured once and called per frame as
``annotator.annotate(frame, view) -> frame``, like roboflow/supervision's annotators. The same
annotators serve the annotated video and a live window.

Where each one draws comes from ``render.layout`` (panel cells from the frame size alone); the
primitives they draw with (colours, shading, text) from ``render.draw``; the knee dial from
``render.gauge``. Fault banners sit just past the panel, over the scene, only while a fault is
active.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import cv2
import numpy as np

from formcheck import vocab
from formcheck.analysis.frame_view import BackGauge, FrameView
from formcheck.config import ScoreConfig
from formcheck.render.draw import (
    BONE_BGR,
    FAIR_BGR,
    FAULT_BGR,
    GOOD_BGR,
    MISSING_BGR,
    MISSING_TEXT,
    MUTED_BGR,
    POOR_BGR,
    TEXT_BGR,
    TRACK_BGR,
    Color,
    finite,
    fit_scale,
    ink,
    panel_text,
    put_degrees,
    put_text,
    shade,
    stroke,
    text_size,
)
from formcheck.render.gauge import draw_knee_gauge
from formcheck.render.layout import Layout, Rect, frame_layout
from formcheck.skeleton import EDGES, KNEE


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
        bone_w = stroke(u, 2.0)
        for a, b in EDGES:
            if not (ok[a] and ok[b]):
                continue
            seen = min(vis[a], vis[b]) >= self.min_visibility
            color = BONE_BGR if seen else MISSING_BGR
            width = bone_w if seen else max(1, bone_w // 2)
            cv2.line(frame, tuple(pts[a]), tuple(pts[b]), color, width, cv2.LINE_AA)
        joint_r = stroke(u, 3.2, 2)
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
        _, big_h = text_size("Rep", big, stroke(u, 1.6))
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
        max_w, thin = cell.w - 8 * u, stroke(u, 1)
        put_text(frame, title, cell.cx, y, big, TEXT_BGR, stroke(u, 1.6), "center", max_w=max_w)
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
        self.out_bgr = _side_colour(vocab.LATERAL)  # toes out bias the lateral heads
        self.in_bgr = _side_colour(vocab.MEDIAL)  # toes in the medial ones

    def _color(self, toe_deg: float) -> Color:
        if not finite(toe_deg):
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
            tilt_deg = min(max(toe, -self.max_tilt_deg), self.max_tilt_deg) if finite(toe) else 0.0
            tilt = math.radians(tilt_deg)
            tip = (base_x + sign * length * math.sin(tilt), base_y - length * math.cos(tilt))
            cv2.line(
                frame, (round(base_x), round(base_y)), (round(base_x), round(base_y - length)),
                TRACK_BGR, thick, cv2.LINE_AA,
            )
            cv2.arrowedLine(
                frame, (round(base_x), round(base_y)), (round(tip[0]), round(tip[1])),
                self._color(toe), stroke(u, 2.2, 2), cv2.LINE_AA, tipLength=0.3,
            )
        text_x = cell.x + 2 * pad + 2 * icon
        text_w = cell.x1 - pad - text_x
        row_h = (cell.h - 2 * pad) / 2
        for side, label in enumerate(("L", "R")):
            toe = view.toe_deg[side]
            y = cell.y + pad + row_h * (side + 0.5) + small_h / 2
            if finite(toe):
                text = f"{label} {abs(toe):.0f}" + (" out" if toe > 0 else " in")
            else:
                text = f"{label} {MISSING_TEXT}"
            scale = fit_scale(text + "  ", small, thick, text_w)  # room for the degree ring
            x = text_x + put_text(frame, f"{label} ", text_x, y, scale, MUTED_BGR, thick)
            if not finite(toe):
                put_text(frame, MISSING_TEXT, x, y, scale, MISSING_BGR, thick)
                continue
            color = ink(self._color(toe))
            x += put_degrees(frame, abs(toe), x, y, scale, color, thick, align="left")
            put_text(frame, " out" if toe > 0 else " in", x, y, scale, color, thick)
        return frame


def _side_colour(side: str) -> Color:
    """The colour of the first head that pulls on ``side`` (vocab.MEDIAL or vocab.LATERAL)."""
    return vocab.head(vocab.heads_on(side)[0]).colour_bgr


class BackAnnotator:
    """The low back (analysis/back.py) as a bar centred on neutral: + extension (arched in the
    hinge, or leaning back at the top) to the right, - flexion (rounded) to the left, with the
    flags as white ticks. Green only where a frame was judged neutral, red where it was judged
    extended or flexed, grey everywhere else: a set whose back cannot be judged ("not judged"),
    the walk-in and rests ("between reps"), never green."""

    STATE_WORDS = {"extended": {"arch": "arched", "lean": "leaning back"}, "neutral": "neutral",
                   "flexed": "rounded"}

    def __init__(self, bar_min_deg: float = -30.0, bar_max_deg: float = 30.0) -> None:
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
        """The bar's box: under the title row, centred in the rest of the low-back cell."""
        u, cell = lay.unit_px, lay.lumbar
        pt = panel_text(u)
        pad, small_h = pt.pad_px, pt.line_h_px
        bar_h = max(3, round(8 * u))
        room_top = cell.y + 2 * pad + small_h
        top = room_top + max(0.0, (cell.y1 - pad - room_top - bar_h) / 2)
        return Rect(round(cell.x + pad), round(top), round(cell.w - 2 * pad), bar_h)

    @classmethod
    def words(cls, back: BackGauge) -> str:
        """The state as the gauge names it, or the grey note."""
        if not back.state:
            return back.note
        w = cls.STATE_WORDS[back.state]
        return w[back.what] if isinstance(w, dict) else w

    def annotate(self, frame: np.ndarray, view: FrameView) -> np.ndarray:
        lay = frame_layout(frame)
        u, cell = lay.unit_px, lay.lumbar
        shade(frame, cell)
        pt = panel_text(u)
        pad, small, thick, small_h = pt.pad_px, pt.scale, pt.thick, pt.line_h_px
        back = view.back
        judged = bool(back.state) and finite(back.value_deg)
        if not judged:
            color = MISSING_BGR
        else:
            color = GOOD_BGR if back.state == "neutral" else FAULT_BGR
        title_y = cell.y + pad + small_h
        title = "Low back" if back.what != "lean" else "Lockout"
        x = cell.x + pad + put_text(frame, title + " ", cell.x + pad, title_y, small, MUTED_BGR, thick)
        right = cell.x1 - pad
        words = self.words(back)
        if judged:
            value_w = put_degrees(frame, back.value_deg, right, title_y, small, color, thick, "right",
                                  signed=True)
            room = max(1, right - value_w - x - pad)
            put_text(frame, words, x, title_y, fit_scale(words, small, thick, room), color, thick)
        else:
            put_text(frame, words, right, title_y, small, MISSING_BGR, thick, "right")
        bar = self.bar_rect(lay)
        cv2.rectangle(frame, (bar.x, bar.y), (bar.x1, bar.y1), TRACK_BGR, -1)
        if judged:
            x0, x1 = sorted((self.bar_x(bar, 0.0), self.bar_x(bar, back.value_deg)))
            cv2.rectangle(frame, (x0, bar.y), (max(x1, x0 + 1), bar.y1), color, -1)
        zero_x = self.bar_x(bar, 0.0)
        tick = round(2 * u)
        cv2.line(frame, (zero_x, bar.y - tick), (zero_x, bar.y1 + tick), MUTED_BGR, thick)
        if judged:
            flag_w = stroke(u, 1.5)
            for flag in (back.ext_flag_deg, -back.flex_flag_deg):
                if finite(flag):
                    fx = self.bar_x(bar, flag)
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
            _, th = text_size("Ag", scale, stroke(u, 1.5))
            put_text(
                frame, vocab.fault(kind).title, r.cx, r.cy + th / 2, scale, TEXT_BGR, stroke(u, 1.5),
                "center", max_w=r.w - 16 * u,
            )
        return frame


DEFAULT_ANNOTATORS: tuple[Annotator, ...] = (
    SkeletonAnnotator(),
    KneeGaugeAnnotator(),
    RepAnnotator(),
    ToeAnnotator(),
    BackAnnotator(),
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
