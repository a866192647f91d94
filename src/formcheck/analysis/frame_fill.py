"""The lifter's pose on every decoded frame from the frames the model posed.

A recorded set is posed at ``PoseConfig.pose_hz`` (pose/runner.py): at 30 fps every other frame,
at 60 fps every fourth. Between two posed frames the landmarks move little (a lift's joints turn
well under 10 deg in a fifteenth of a second), so each frame in between gets them by linear
interpolation in time from the two posed frames either side. A frame between a posed frame that
found the lifter and one that did not is not found either: nothing is extrapolated.

Pure numpy: the analysis imports neither cv2 nor mediapipe.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.types import PoseSequence


def fill_frames(posed: PoseSequence, t_s: np.ndarray) -> PoseSequence:
    """``posed`` (its rows at a subset of the times ``t_s``) on every time in ``t_s``.

    Rows of ``posed`` are kept exactly; each other time between two posed rows that both found
    the lifter is interpolated (positions, depth, world points, back outline; visibility is the
    lower of the two, so a landmark is never more trusted than its neighbours). Raises ValueError
    when a posed time is not in ``t_s``."""
    t_all = np.asarray(t_s, dtype=np.float64)
    if len(t_all) == len(posed) and np.array_equal(t_all, posed.t_s):
        return posed
    at = np.searchsorted(t_all, posed.t_s)
    if np.any(at >= len(t_all)) or not np.array_equal(t_all[np.minimum(at, len(t_all) - 1)], posed.t_s):
        raise ValueError("every posed frame's time must be one of the frame times")
    n, m = len(t_all), len(posed)
    # for each frame: the posed row at or before it (a) and the one after it (b)
    a = np.clip(np.searchsorted(posed.t_s, t_all, side="right") - 1, 0, m - 1)
    b = np.minimum(a + 1, m - 1)
    exact = posed.t_s[a] == t_all
    span = posed.t_s[b] - posed.t_s[a]
    w = np.where(span > 0, (t_all - posed.t_s[a]) / np.where(span > 0, span, 1.0), 0.0)
    w = np.where(exact, 0.0, w).astype(np.float32)
    inside = exact | ((t_all > posed.t_s[a]) & (t_all < posed.t_s[b]))
    found = posed.detected
    ok = exact | (inside & found[a] & found[b])

    def lerp(x: np.ndarray) -> np.ndarray:
        ww = w.reshape((n,) + (1,) * (x.ndim - 1))
        out = (1.0 - ww) * x[a] + ww * x[b]
        out[exact] = x[a[exact]]
        out[~ok] = np.nan
        return out.astype(x.dtype)

    vis = np.where(exact[:, None], posed.visibility[a], np.minimum(posed.visibility[a], posed.visibility[b]))
    vis[~ok] = 0.0
    return replace(
        posed, t_s=t_all, xy_px=lerp(posed.xy_px), z_px=lerp(posed.z_px), visibility=vis.astype(np.float32),
        world_m=lerp(posed.world_m), back_offset_px=lerp(posed.back_offset_px),
        n_people=np.where(exact, posed.n_people[a], np.maximum(posed.n_people[a], posed.n_people[b])).astype(np.int16),
        notes=list(posed.notes),
    )


def rows_of(pose: PoseSequence, rows: np.ndarray) -> PoseSequence:
    """``pose`` at the frame indices ``rows`` only (increasing)."""
    return replace(
        pose, t_s=pose.t_s[rows], xy_px=pose.xy_px[rows], z_px=pose.z_px[rows],
        visibility=pose.visibility[rows], world_m=pose.world_m[rows],
        back_offset_px=pose.back_offset_px[rows], n_people=pose.n_people[rows], notes=list(pose.notes),
    )


def posed_rows(n_frames: int, stride: int) -> np.ndarray:
    """The frame indices posed at ``stride``: every stride-th from the first, and the last."""
    rows = np.arange(0, n_frames, max(1, stride))
    if n_frames and rows[-1] != n_frames - 1:
        rows = np.append(rows, n_frames - 1)
    return rows
