"""Detection files: every person the pose model found in every frame, before tracking picks the
lifter. Tracking and lifter choice can then be re-run and tested without the model, the way pose
files let the analysis run without it. Written by ``tests/make_candidates.py``; small footage
clips are stored in tests/data/candidates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.errors import InputNotFound, NotAVideo
from formcheck.skeleton import KeypointLayout
from formcheck.types import DamagedSpan, PoseCandidate

FORMAT = "formcheck.candidates/1"
SUFFIX = ".cands.npz"


@dataclass
class StoredDetections:
    """Per-frame candidates of a video with its times and frame size (what tracking reads)."""

    t_s: np.ndarray  # (n,) float64 seconds
    candidates: list[list[PoseCandidate]]
    width_px: int
    height_px: int
    layout: KeypointLayout
    source: str = ""
    damaged: list[DamagedSpan] = field(default_factory=list)


def save_candidates(
    path: str | Path, t_s: np.ndarray, candidates, width_px: int, height_px: int,  # noqa: ANN001
    layout: KeypointLayout, source: str = "", damaged: list[DamagedSpan] | None = None,
) -> Path:
    path = Path(path)
    counts = np.array([len(c) for c in candidates], np.int16)
    flat = [c for frame in candidates for c in frame]
    p = layout.n
    levels = flat[0].back_offset_px.shape[0] if flat else 0
    meta = {
        "format": FORMAT, "width_px": width_px, "height_px": height_px, "source": source,
        "layout": layout.to_dict(), "levels": levels,
        "damaged": [[d.start_s, d.end_s, d.frames, d.i_next] for d in damaged or []],
    }

    def stack(attr: str, shape: tuple[int, ...]) -> np.ndarray:
        return np.stack([getattr(c, attr) for c in flat]) if flat else np.zeros((0, *shape), np.float32)

    with open(path, "wb") as fh:
        np.savez_compressed(
            fh, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
            t_s=np.asarray(t_s, np.float64), counts=counts,
            xy_px=stack("xy_px", (p, 2)).astype(np.float32), z_px=stack("z_px", (p,)).astype(np.float16),
            visibility=stack("visibility", (p,)).astype(np.float16),
            world_m=stack("world_m", (p, 3)).astype(np.float32),
            back_offset_px=stack("back_offset_px", (levels, 2)).astype(np.float16),
        )
    return path


def load_candidates(path: str | Path) -> StoredDetections:
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(f"no such detection file: {path}")
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        if meta.get("format") != FORMAT:
            raise NotAVideo(f"{path}: unknown detection file format {meta.get('format')!r}")
        arrays = {k: z[k].astype(np.float32) for k in ("xy_px", "z_px", "visibility", "world_m", "back_offset_px")}
        counts, t_s = z["counts"], z["t_s"].astype(np.float64)
    frames, row = [], 0
    for n in counts:
        frames.append([
            PoseCandidate(*(arrays[k][r] for k in ("xy_px", "z_px", "visibility", "world_m", "back_offset_px")))
            for r in range(row, row + int(n))
        ])
        row += int(n)
    return StoredDetections(
        t_s, frames, int(meta["width_px"]), int(meta["height_px"]),
        KeypointLayout.from_dict(meta["layout"]), meta.get("source", ""),
        [DamagedSpan(float(a), float(b), int(c), int(d)) for a, b, c, d in meta.get("damaged", [])],
    )
