"""The pixel warps of the LiteRT pose backend (pose/litert_pose.py): a rotated square region of a
frame to a network's input, and a network's mask back onto the frame. The affine maps come from
pose/blazepose.py (crop pixel -> image pixel)."""

from __future__ import annotations

import cv2
import numpy as np


def crop_region(
    frame_rgb: np.ndarray, crop_to_image: np.ndarray, size: int, lo: float, hi: float,
    replicate: bool = False,
) -> np.ndarray:
    """The ``size`` x ``size`` crop of an RGB uint8 frame that the 2x3 map ``crop_to_image`` sends
    onto the frame, bilinear, as a (1, size, size, 3) float32 tensor scaled from [0, 255] to
    [lo, hi]. Outside the frame: black (MediaPipe's BORDER_ZERO) or, with ``replicate``, the
    nearest edge pixel. The warp is done on the uint8 pixels, as MediaPipe does."""
    border = cv2.BORDER_REPLICATE if replicate else cv2.BORDER_CONSTANT
    crop = cv2.warpAffine(
        frame_rgb, crop_to_image.astype(np.float64), (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=border, borderValue=0,
    )
    scale = np.float32((hi - lo) / 255.0)
    return (crop.astype(np.float32) * scale + np.float32(lo))[None]


def mask_to_frame(
    mask: np.ndarray, image_to_crop: np.ndarray, width: int, height: int,
    window: tuple[int, int, int, int] | None = None,
) -> np.ndarray:
    """A crop's (n, n) float mask on the frame (height, width): frame pixel ``p`` takes the mask
    at ``image_to_crop @ p``, bilinear, 0 outside the crop. With ``window`` (x0, y0, x1, y1) only
    those frame pixels are computed (the rest are 0), for speed; they equal the full warp's."""
    out = np.zeros((height, width), dtype=np.float32)
    x0, y0, x1, y1 = window if window is not None else (0, 0, width, height)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x1), min(height, y1)
    if x1 <= x0 or y1 <= y0:
        return out
    m = image_to_crop.astype(np.float64).copy()
    m[:, 2] += m[:, :2] @ np.array([x0, y0], dtype=np.float64)  # window pixel (0, 0) is frame (x0, y0)
    out[y0:y1, x0:x1] = cv2.warpAffine(
        np.ascontiguousarray(mask, dtype=np.float32), m, (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT, borderValue=0,
    )
    return out
