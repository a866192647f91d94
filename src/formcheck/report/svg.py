"""SVG plotting primitives for the HTML report: a plot frame mapping data to user units, nice
axis ticks, NaN-aware line paths, decimation, axes and rectangles. Strings out, no styling beyond
what a chart needs, no knowledge of formcheck's reports."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

MAX_LINE_POINTS = 1500  # longer series are averaged into this many buckets before drawing
# plot margins inside a chart (user units): room for the y labels, the right-hand labels, title, x axis
PAD_L, PAD_R, PAD_T, PAD_B = 52.0, 78.0, 26.0, 40.0


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)



@dataclass(frozen=True)
class Frame:
    """Maps data (x, y) onto an SVG plot area: the area's pixel box and the data ranges it shows."""

    width_px: float
    height_px: float
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float

    @property
    def left_px(self) -> float:
        return PAD_L

    @property
    def right_px(self) -> float:
        return self.width_px - PAD_R

    @property
    def top_px(self) -> float:
        return PAD_T

    @property
    def bottom_px(self) -> float:
        return self.height_px - PAD_B

    def x(self, v):  # noqa: ANN001, ANN201 - floats or arrays alike
        """Data x -> SVG x. NaN stays NaN."""
        span = (self.x_hi - self.x_lo) or 1.0
        return self.left_px + (np.asarray(v, float) - self.x_lo) / span * (self.right_px - self.left_px)

    def y(self, v):  # noqa: ANN001, ANN201
        """Data y -> SVG y (up is up), clamped to the plot area. NaN stays NaN."""
        span = (self.y_hi - self.y_lo) or 1.0
        v = np.clip(np.asarray(v, float), self.y_lo, self.y_hi)
        return self.bottom_px - (v - self.y_lo) / span * (self.bottom_px - self.top_px)


def nice_ticks(lo: float, hi: float, target: int = 6) -> np.ndarray:
    """Round tick values (steps of 1, 2, 2.5 or 5 x 10^k) covering [lo, hi], about ``target`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return np.array([lo]) if math.isfinite(lo) else np.zeros(0)
    raw = (hi - lo) / max(target, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * 0.999)
    start = math.ceil(lo / step - 1e-9) * step
    return np.arange(start, hi + step * 1e-6, step)


def nice_ceil(v: float) -> float:
    """The smallest round tick value (as ``nice_ticks`` would place on [0, v]) at or above ``v``."""
    step = float(np.diff(nice_ticks(0.0, v, 5))[0]) if v > 0 else 1.0
    return step * math.ceil(v / step - 1e-9)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs in a bool array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(m))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def line_path_d(x_px: np.ndarray, y_px: np.ndarray) -> str:
    """An SVG path ``d`` through the points, broken wherever x or y is NaN.

    Each unbroken run becomes its own ``M`` subpath, so a gap in the data is a gap in the line
    (never a drop to 0 or a straight bridge across it). A lone point is drawn as a zero-length
    subpath, which a round line cap shows as a dot.
    """
    x_px, y_px = np.asarray(x_px, float), np.asarray(y_px, float)
    parts = []
    for a, b in runs(np.isfinite(x_px) & np.isfinite(y_px)):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(x_px[a:b], y_px[a:b]))
        parts.append(f"M{pts}" if b - a > 1 else f"M{pts}h0")
    return "".join(parts)


def decimate(
    t_s: np.ndarray, y: np.ndarray, max_points: int = MAX_LINE_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """Average a long series into ``max_points`` equal-count buckets so the page stays small.

    A bucket is NaN only when all its samples are, so gaps longer than a bucket (a fraction of a
    pixel at chart width) survive and shorter ones are bridged by their neighbours' mean.
    """
    t_s, y = np.asarray(t_s, float), np.asarray(y, float)
    if len(t_s) <= max_points:
        return t_s, y
    edges = np.linspace(0, len(t_s), max_points + 1).astype(int)
    ok = np.isfinite(y)
    sums = np.add.reduceat(np.where(ok, y, 0.0), edges[:-1])
    counts = np.add.reduceat(ok.astype(float), edges[:-1])
    t_mid = np.add.reduceat(t_s, edges[:-1]) / np.diff(edges)
    with np.errstate(invalid="ignore", divide="ignore"):
        return t_mid, np.where(counts > 0, sums / counts, np.nan)


def svg_open(width_px: float, height_px: float, label: str) -> str:
    return (
        f'<svg viewBox="0 0 {width_px:.0f} {height_px:.0f}" role="img" aria-label="{_e(label)}" '
        f'preserveAspectRatio="xMidYMid meet"><title>{_e(label)}</title>'
    )


def axes(f: Frame, x_ticks: np.ndarray, y_ticks: np.ndarray, x_label: str, y_label: str,
          x_fmt: str = "{:g}", y_fmt: str = "{:g}") -> str:
    """Grid lines, tick labels and axis titles for a plot area."""
    out = []
    for v in y_ticks:
        y = float(f.y(v))
        out.append(f'<line x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#e6e8eb" stroke-width="1"/>')
        out.append(f'<text x="{f.left_px - 7:.1f}" y="{y + 4.5:.1f}" text-anchor="end" font-size="13" '
                   f'fill="#5b6570">{_e(y_fmt.format(v))}</text>')
    for v in x_ticks:
        x = float(f.x(v))
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{f.bottom_px:.1f}" y2="{f.bottom_px + 5:.1f}" '
                   'stroke="#9aa2ab" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{f.bottom_px + 19:.1f}" text-anchor="middle" font-size="13" '
                   f'fill="#5b6570">{_e(x_fmt.format(v))}</text>')
    out.append(f'<line x1="{f.left_px:.1f}" x2="{f.right_px:.1f}" y1="{f.bottom_px:.1f}" '
               f'y2="{f.bottom_px:.1f}" stroke="#9aa2ab" stroke-width="1"/>')
    out.append(f'<text x="{(f.left_px + f.right_px) / 2:.1f}" y="{f.height_px - 6:.1f}" '
               f'text-anchor="middle" font-size="13" fill="#5b6570">{_e(x_label)}</text>')
    cy = (f.top_px + f.bottom_px) / 2
    out.append(f'<text x="14" y="{cy:.1f}" transform="rotate(-90 14 {cy:.1f})" text-anchor="middle" '
               f'font-size="13" fill="#5b6570">{_e(y_label)}</text>')
    return "".join(out)


def rect(f: Frame, x0: float, x1: float, y0: float, y1: float, fill: str, opacity: float,
          cls: str = "", title: str = "", extra: str = "") -> str:
    """A data-space rectangle (x0..x1, y0..y1) clipped to the plot area, with an optional tooltip."""
    xa, xb = sorted((float(f.x(max(x0, f.x_lo))), float(f.x(min(x1, f.x_hi)))))
    ya, yb = sorted((float(f.y(y0)), float(f.y(y1))))
    if xb - xa <= 0 or yb - ya <= 0:
        return ""
    c = f' class="{cls}"' if cls else ""
    tip = f"<title>{_e(title)}</title>" if title else ""
    return (f'<rect{c}{extra} x="{xa:.1f}" y="{ya:.1f}" width="{xb - xa:.1f}" height="{yb - ya:.1f}" '
            f'fill="{fill}" fill-opacity="{opacity}">{tip}</rect>')
