"""Per-frame pose candidates kept compactly while a long video is posed.

A PoseCandidate holds five small arrays: over a 10-minute video their Python and numpy headers
cost as much as the numbers. ``PackedCandidates`` copies each candidate into one float32 row of
a chunk (chunks never move, so nothing is copied as it grows) and rebuilds PoseCandidate records
when a frame is looked at. It is a sequence of frames, each a list of candidates, which is what
tracking reads.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

from formcheck.types import PoseCandidate

CHUNK_ROWS = 1024


class _Frames(Sequence):
    """A sequence of frames (each a list of PoseCandidate): indexing, negative indices and
    slices on top of ``len`` and ``_frame(f)`` for 0 <= f < len."""

    def _frame(self, f: int) -> list[PoseCandidate]:
        raise NotImplementedError

    def __getitem__(self, f):  # noqa: ANN001, ANN204 - int -> list[PoseCandidate]; slice -> list
        if isinstance(f, slice):
            return [self._frame(i) for i in range(*f.indices(len(self)))]
        if f < 0:
            f += len(self)
        if not 0 <= f < len(self):
            raise IndexError(f)
        return self._frame(f)


class PackedCandidates(_Frames):
    """Frames of candidates, appended in order; ``levels`` is the back outline's row count. A row
    holds xy (P x 2), z (P), visibility (P), world (P x 3) and the back outline (levels x 2), P
    being the keypoint count of the first candidate appended (the backend's layout)."""

    def __init__(self, levels: int) -> None:
        self.levels = levels
        self.points = 0  # keypoints per candidate, set by the first one
        self._cuts: tuple[int, ...] = ()  # where xy, z, visibility, world and back start in a row
        self._chunks: list[np.ndarray] = []
        self._rows = 0  # rows filled over all chunks
        self._start = array("i")  # first row of each frame
        self._count = array("h")  # candidates in each frame

    def append(self, found: list[PoseCandidate]) -> None:
        self._start.append(self._rows)
        self._count.append(len(found))
        for c in found:
            if not self.points:
                p = self.points = len(c.xy_px)
                self._cuts = tuple(np.cumsum([0, 2 * p, p, p, 3 * p, 2 * self.levels]).tolist())
            if self._rows == len(self._chunks) * CHUNK_ROWS:
                self._chunks.append(np.empty((CHUNK_ROWS, self._cuts[-1]), np.float32))
            row = self._chunks[-1][self._rows % CHUNK_ROWS]
            xy, z, vis, world, back, _ = self._cuts
            row[xy:z] = c.xy_px.reshape(-1)
            row[z:vis] = c.z_px
            row[vis:world] = c.visibility
            row[world:back] = c.world_m.reshape(-1)
            outline = c.back_offset_px
            row[back:] = outline.reshape(-1) if outline.shape == (self.levels, 2) else np.nan
            self._rows += 1

    def extend(self, frames: Sequence[list[PoseCandidate]]) -> None:
        for found in frames:
            self.append(found)

    def __len__(self) -> int:
        return len(self._start)

    def _frame(self, f: int) -> list[PoseCandidate]:
        out = []
        xy, z, vis, world, back, _ = self._cuts or (0,) * 6
        for r in range(self._start[f], self._start[f] + self._count[f]):
            row = self._chunks[r // CHUNK_ROWS][r % CHUNK_ROWS]
            out.append(PoseCandidate(
                row[xy:z].reshape(self.points, 2), row[z:vis], row[vis:world],
                row[world:back].reshape(self.points, 3), row[back:].reshape(self.levels, 2),
            ))
        return out


class Joined(_Frames):
    """Frames ``a[:n_a]`` then ``b[b_from:]``, without copying either."""

    def __init__(self, a: Sequence, n_a: int, b: Sequence, b_from: int) -> None:
        self.a, self.n_a, self.b, self.b_from = a, n_a, b, b_from

    def __len__(self) -> int:
        return self.n_a + len(self.b) - self.b_from

    def _frame(self, f: int) -> list[PoseCandidate]:
        return self.a[f] if f < self.n_a else self.b[f - self.n_a + self.b_from]
