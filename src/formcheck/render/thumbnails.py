"""Small JPEG stills of chosen moments of a video (the flagged frames of the HTML report)."""

from __future__ import annotations

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


def grab_stills(
    path: str | Path, times_s: list[float], transform: FrameTransform | None = None,
    max_side_px: int = 480,
) -> dict[float, bytes]:
    """{t: JPEG of the first frame at or after t} for each requested time, in one pass that stops
    after the last one. Times past the end of the video are left out."""
    wanted = sorted(set(times_s))
    stills: dict[float, bytes] = {}
    if not wanted:
        return stills
    k = 0
    for t_s, frame in open_video(path, transform):
        while k < len(wanted) and t_s >= wanted[k] - 1e-6:
            stills[wanted[k]] = jpeg_bytes(frame, max_side_px)
            k += 1
        if k == len(wanted):
            break
    return stills
