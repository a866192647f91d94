"""The lifter's frames so far, for live analysis: picked frame by frame (live has no hindsight)
and kept in arrays that grow, so each frame's measures can view the recent ones without copying.
"""

from __future__ import annotations

import numpy as np

from formcheck.analysis.tracking import centre_scale
from formcheck.skeleton import KeypointLayout
from formcheck.types import PoseCandidate, PoseSequence


class Growing:
    """An array that grows along its first axis by doubling; ``view()`` is the filled part."""

    def __init__(self, shape: tuple[int, ...], dtype: type, fill: float = np.nan) -> None:
        self._a = np.full((64, *shape), fill, dtype=dtype)
        self._fill = fill
        self.n = 0

    def append(self, row: np.ndarray | float) -> None:
        if self.n == len(self._a):
            grown = np.full((2 * len(self._a), *self._a.shape[1:]), self._fill, self._a.dtype)
            grown[: self.n] = self._a
            self._a = grown
        self._a[self.n] = row
        self.n += 1

    def view(self, i0: int = 0) -> np.ndarray:
        return self._a[i0 : self.n]

    def __len__(self) -> int:
        return self.n


class LiftersPose:
    """The lifter's frames so far (as picked live), as arrays a PoseSequence can view."""

    def __init__(self, width_px: int, height_px: int, levels: int, source: str, layout: KeypointLayout) -> None:
        self.width_px, self.height_px, self.levels, self.source = width_px, height_px, levels, source
        self.layout = layout
        p = layout.n
        self.t_s = Growing((), np.float64)
        self.xy_px = Growing((p, 2), np.float32)
        self.z_px = Growing((p,), np.float32)
        self.visibility = Growing((p,), np.float32, 0.0)
        self.world_m = Growing((p, 3), np.float32)
        self.back_offset_px = Growing((levels, 2), np.float32)
        self.n_people = Growing((), np.int16, 0)

    def append(self, t_s: float, c: PoseCandidate | None, n_people: int) -> None:
        self.t_s.append(t_s)
        self.n_people.append(n_people)
        if c is None:
            for g in (self.xy_px, self.z_px, self.world_m, self.back_offset_px):
                g.append(np.nan)
            self.visibility.append(0.0)
            return
        self.xy_px.append(c.xy_px)
        self.z_px.append(c.z_px)
        self.visibility.append(c.visibility)
        self.world_m.append(c.world_m)
        self.back_offset_px.append(c.back_offset_px if c.back_offset_px.shape == (self.levels, 2) else np.nan)

    def __len__(self) -> int:
        return len(self.t_s)

    def sequence(self, i0: int = 0) -> PoseSequence:
        """Frames ``i0`` to now, without copying."""
        return PoseSequence(
            t_s=self.t_s.view(i0), xy_px=self.xy_px.view(i0), z_px=self.z_px.view(i0),
            visibility=self.visibility.view(i0), world_m=self.world_m.view(i0),
            back_offset_px=self.back_offset_px.view(i0), n_people=self.n_people.view(i0),
            width_px=self.width_px, height_px=self.height_px, source=self.source, layout=self.layout,
        )

    def index_at(self, t_s: float) -> int:
        """The first frame at or after ``t_s``."""
        return int(np.searchsorted(self.t_s.view(), t_s, side="left"))


class LifterPicker:
    """Which of this frame's people is the lifter: the one nearest where the lifter just was;
    after losing them for longer than ``max_gap_s``, the tallest person in view. (The recorded
    analysis picks with hindsight, tracking.select_lifter; live cannot.)"""

    def __init__(self, max_jump_body: float, max_gap_s: float) -> None:
        self.max_jump_body = max_jump_body
        self.max_gap_s = max_gap_s
        self._centre: np.ndarray | None = None
        self._scale = 1.0
        self._t_s = -np.inf

    def pick(self, t_s: float, cands: list[PoseCandidate]) -> int | None:
        if not cands:
            return None
        cs = [centre_scale(c) for c in cands]
        if self._centre is not None and t_s - self._t_s <= self.max_gap_s:
            d = [np.hypot(*(c - self._centre)) / self._scale for c, _ in cs]
            k = int(np.nanargmin(d)) if np.isfinite(d).any() else -1
            if k < 0 or d[k] > self.max_jump_body:
                return None  # someone else; the lifter is out of sight for now
        else:
            heights = [np.nanmax(c.xy_px[:, 1]) - np.nanmin(c.xy_px[:, 1]) for c in cands]
            k = int(np.nanargmax(heights)) if np.isfinite(heights).any() else -1
            if k < 0:
                return None
        centre, scale = cs[k]
        if not np.all(np.isfinite(centre)):
            return None
        self._centre, self._scale, self._t_s = centre, scale, t_s
        return k
