"""The pixel warps of the LiteRT pose backend (pose/litert_pose.py): a rotated square region of a
frame to a network's input, and a network's mask back onto the frame. The affine maps come from
pose/blazepose.py (crop pixel -> image pixel).

The warps sample the source at positions rounded to 1/32 px and interpolate with OpenCV's
fixed-point bilinear table (cv2.remap on fixed-point maps), as OpenCV's warpPerspective and
warpAffine did before 5.x and as MediaPipe's ImageToTensor and WarpAffine still do. OpenCV 5.1's
cv2.warpAffine samples at the exact positions instead: on a 360x640 frame ~600 of the detector's
150k input values came out 1-2 grey levels apart, which moved the landmarks a median 0.3-0.5 px
from MediaPipe's on footage; sampled as here, 0.0003-0.006 px.
"""

from __future__ import annotations

import cv2
import numpy as np

SUBPIXEL = 32  # OpenCV's INTER_TAB_SIZE: positions in 1/32 px
ROW = 4096  # pixels per row when a list of pixels is remapped


def _maps(
    to_src: np.ndarray, x0: int, y0: int, width: int, height: int, clamp: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """OpenCV's fixed-point remap tables for output pixels [x0, x0+width) x [y0, y0+height) taking
    source position ``to_src @ (x, y, 1)``: integer positions (int16 pairs) and the 1/32-px
    fractions (their index in OpenCV's interpolation table). Positions are rounded from float64,
    as warpPerspective does (float32 would round a few hundred of a 1080p crop's differently).
    ``clamp`` (the source's width, height): positions are held inside the source, which samples
    as BORDER_REPLICATE does (both neighbours past an edge are the edge pixel; the fixed-point
    weights may round a grey level apart there, rarely) and lets remap take its fast path (OpenCV
    5.1's replicate border made the 256-px crop 5x slower: 3.5 ms)."""
    m = np.asarray(to_src, dtype=np.float64) * SUBPIXEL  # a power of two: exact
    u = np.arange(x0, x0 + width, dtype=np.float64)
    v = np.arange(y0, y0 + height, dtype=np.float64)
    corners = m[:, :2] @ np.array([[x0, x0 + width - 1, x0, x0 + width - 1],
                                   [y0, y0, y0 + height - 1, y0 + height - 1]], dtype=np.float64) + m[:, 2:]
    xy = np.empty((height, width, 2), dtype=np.int16)
    fx = frac = None
    for k in range(2):
        lo, hi = (-30000.0 * SUBPIXEL, 30000.0 * SUBPIXEL) if clamp is None else (0.0, (clamp[k] - 1.0) * SUBPIXEL)
        pos = (m[k, 0] * u)[None, :] + (m[k, 1] * v + m[k, 2])[:, None]
        np.rint(pos, out=pos)
        if corners[k].min() < lo or corners[k].max() > hi:  # the extremes of an affine map are its corners
            np.clip(pos, lo, hi, out=pos)
        ip = pos.astype(np.int32)
        xy[..., k] = ip >> 5
        if fx is None:
            fx = ip & (SUBPIXEL - 1)
        else:
            frac = ((ip & (SUBPIXEL - 1)) << 5) | fx
    return xy, frac.astype(np.uint16)


def _maps_at(to_src: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_maps`` for output pixels at integer ``x``, ``y`` (broadcast together: a grid or a list),
    rounded by OpenCV's convertMaps from float32 positions: for a source of a few hundred px (a
    network's mask), where float32 positions are exact to 1e-5 px. A pixel's table entry is the
    same whichever grid or list it is computed in."""
    m = np.asarray(to_src, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mx = np.ascontiguousarray(m[0, 0] * x + (m[0, 1] * y + m[0, 2]), dtype=np.float32)
    my = np.ascontiguousarray(m[1, 0] * x + (m[1, 1] * y + m[1, 2]), dtype=np.float32)
    return cv2.convertMaps(mx, my, cv2.CV_16SC2)


def crop_region(
    frame_rgb: np.ndarray, crop_to_image: np.ndarray, size: int, lo: float, hi: float,
    replicate: bool = False,
) -> np.ndarray:
    """The ``size`` x ``size`` crop of an RGB uint8 frame that the 2x3 map ``crop_to_image`` sends
    onto the frame, bilinear, as a (1, size, size, 3) float32 tensor scaled from [0, 255] to
    [lo, hi]. Outside the frame: black (MediaPipe's BORDER_ZERO) or, with ``replicate``, the
    nearest edge pixel. The warp is done on the uint8 pixels, as MediaPipe does."""
    h, w = frame_rgb.shape[:2]
    xy, frac = _maps(crop_to_image, 0, 0, size, size, clamp=(w, h) if replicate else None)
    crop = cv2.remap(frame_rgb, xy, frac, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    scale = np.float32((hi - lo) / 255.0)
    return (crop.astype(np.float32) * scale + np.float32(lo))[None]


def mask_to_frame(
    mask: np.ndarray, image_to_crop: np.ndarray, width: int, height: int,
    window: tuple[int, int, int, int] | None = None,
) -> np.ndarray:
    """A crop's (n, n) float mask on the frame (height, width): frame pixel ``p`` takes the mask
    at ``image_to_crop @ p``, bilinear, 0 outside the crop. With ``window`` (x0, y0, x1, y1) only
    those frame pixels are computed (the rest are 0): each is the full warp's value."""
    out = np.zeros((height, width), dtype=np.float32)
    x0, y0, x1, y1 = window if window is not None else (0, 0, width, height)
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, x1), min(height, y1)
    if x1 <= x0 or y1 <= y0:
        return out
    xy, frac = _maps_at(image_to_crop, np.arange(x0, x1)[None, :], np.arange(y0, y1)[:, None])
    out[y0:y1, x0:x1] = _remap_mask(mask, xy, frac)
    return out


def mask_at_pixels(
    mask: np.ndarray, image_to_crop: np.ndarray, width: int, height: int, xs: np.ndarray, ys: np.ndarray,
) -> np.ndarray:
    """``mask_to_frame`` computed at the frame pixels (xs, ys) only (integer arrays, in the
    frame): the same values there, 0 elsewhere."""
    out = np.zeros((height, width), dtype=np.float32)
    n = len(xs)
    if n:
        rows = -(-n // ROW)  # remap takes images under 32767 px a side: the list as rows
        pick = np.minimum(np.arange(rows * ROW), n - 1).reshape(rows, ROW)
        xs, ys = np.asarray(xs), np.asarray(ys)
        xy, frac = _maps_at(image_to_crop, xs[pick], ys[pick])
        out[ys, xs] = _remap_mask(mask, xy, frac).ravel()[:n]
    return out


def _remap_mask(mask: np.ndarray, xy: np.ndarray, frac: np.ndarray) -> np.ndarray:
    return cv2.remap(np.ascontiguousarray(mask, dtype=np.float32), xy, frac, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)
