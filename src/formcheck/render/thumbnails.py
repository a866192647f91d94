"""Small JPEG stills of chosen moments of a video (the flagged frames of the HTML report)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from formcheck.io.video import FrameTransform, open_video


def jpeg_bytes(frame_bgr: np.ndarray, max_side_px: int = 480, quality: int = 80) -> bytes:
    """The frame shrunk to at most ``max_side_px`` on its long side, as JPEG bytes."""
    h, w = frame_bgr.shape[:2]
    scale = min(1.0, max_side_px / max(h, w))
    if scale < 1.0:
        frame_bgr = cv2.resize(frame_bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", frame_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes() if ok else b""


class StillTaker:
    """Fed a video's frames in order, keeps into ``stills`` the JPEG of the first frame at or
    after each wanted time."""

    def __init__(
        self, times_s: Iterable[float], stills: dict[float, bytes], max_side_px: int = 480
    ) -> None:
        self._wanted = sorted(set(times_s))
        self.stills = stills
        self.max_side_px = max_side_px

    @property
    def done(self) -> bool:
        return not self._wanted

    def offer(self, t_s: float, frame_bgr: np.ndarray) -> None:
        while self._wanted and t_s >= self._wanted[0] - 1e-6:
            self.stills[self._wanted.pop(0)] = jpeg_bytes(frame_bgr, self.max_side_px)


def grab_stills(
    path: str | Path, times_s: list[float], transform: FrameTransform | None = None,
    max_side_px: int = 480,
) -> dict[float, bytes]:
    """{t: JPEG of the first frame at or after t} for each requested time, in one pass that stops
    after the last one. Times past the end of the video are left out."""
    taker = StillTaker(times_s, {}, max_side_px)
    if taker.done:
        return taker.stills
    for t_s, frame in open_video(path, transform):
        taker.offer(t_s, frame)
        if taker.done:
            break
    return taker.stills
