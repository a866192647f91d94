"""Warnings for the spans of a video that could not be decoded (io/video.py records them).

No frame was delivered inside a damaged span, so the angles there are interpolated across it (the
zone seconds integrate linearly between the frames either side, analysis/zones.py) and a rep it
falls inside may have lost its turn or its end. A span with no frame lost held frames that
decoded with errors concealed (io/decode_errors.py): delivered, but glitched up to the next
keyframe, so the pose found there may be wrong. Every damaged span is named, with the reps it
falls inside, so a rep count a damaged file changed never comes without a word on it.
"""

from __future__ import annotations

import numpy as np

from formcheck.types import Rep

MAX_LISTED = 4  # damaged spans named one by one; more are summed up in one warning


def reps_within(start_s: float, end_s: float, reps: list[Rep]) -> list[int]:
    """1-based indices of the reps the open span (start_s, end_s) overlaps."""
    return [r.index for r in reps if start_s < r.end_s and end_s > r.start_s]


def _where(rep_ids: list[int], lost: bool = True) -> str:
    if not rep_ids:
        return "outside the reps"
    what = "interpolated across the gap" if lost else "measured on glitched frames and may be wrong"
    if len(rep_ids) == 1:
        return f"inside rep {rep_ids[0]}: its angles there are {what}"
    listed = ", ".join(str(i) for i in rep_ids[:-1]) + f" and {rep_ids[-1]}"
    return f"inside reps {listed}: their angles there are {what}"


def _what(lost: int) -> str:
    if lost == 0:
        return "decoded with errors concealed, the picture glitched"
    return f"{lost} frame{'s' if lost != 1 else ''} could not be decoded"


def damage_warnings(damaged_s: np.ndarray, damaged_frames: np.ndarray, reps: list[Rep]) -> list[str]:
    """One warning per damaged span (all in one past MAX_LISTED), each saying "damaged"."""
    spans = [(float(a), float(b), int(k)) for (a, b), k in zip(damaged_s, damaged_frames)]
    if not spans:
        return []
    if len(spans) > MAX_LISTED:
        hit = sorted({i for a, b, _ in spans for i in reps_within(a, b, reps)})
        total = sum(k for _, _, k in spans)
        how = "could not be decoded" if all(k for _, _, k in spans) else "could not be decoded or were glitched"
        return [f"{total} frames in {len(spans)} spans between {spans[0][0]:.2f} and {spans[-1][1]:.2f} s "
                f"were damaged and {how}, {_where(hit, total > 0)}"]
    return [f"frames {a:.2f}–{b:.2f} s were damaged ({_what(k)}), {_where(reps_within(a, b, reps), k > 0)}"
            for a, b, k in spans]
