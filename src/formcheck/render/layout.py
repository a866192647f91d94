"""Where the annotators draw: the panel cells of a frame, decided from the frame's size alone.

A portrait frame gets a strip at the top (both knee gauges and the rep counter) and one at the
bottom (toes, low back); a landscape frame gets a column at the left. Sizes scale with the frame's
short side (one "unit" is 1/360 of it), so a 360x640 phone clip and a 1920x1080 one look alike.
Fault banners sit just past the panel, over the scene, only while a fault is active.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

UNIT_SHORT_SIDE_PX = 360.0  # one layout unit is the short side / this


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

    @property
    def scene(self) -> Rect:
        """The part of the frame the panels leave clear."""
        if self.height_px >= self.width_px:  # portrait: between the top and bottom strips
            top = self.knee_gauges[0].y1
            return Rect(0, top, self.width_px, self.toes.y - top)
        x = self.rep.x1
        return Rect(x, 0, self.width_px - x, self.height_px)


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
