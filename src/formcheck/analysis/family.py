"""Which movement family a set belongs to: hip hinge, squat, or knee-flexion work.

Leg curls and Nordics move the knees with the hips nearly still. Hinges and squats both flex the
hips and knees (a kettlebell deadlift from the floor bends the knees past 80 deg); what tells them
apart is the trunk at the deepest point: a hinge tips it well forward, a squat keeps it upright.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.config import RepConfig


@dataclass(frozen=True)
class FamilyGuess:
    family: str | None  # "hinge" | "squat" | "knee_flexion" | None (no clear movement)
    hip_rom_deg: float
    knee_rom_deg: float
    reason: str


KNEE_ONLY_RATIO = 0.45  # hip range below this share of the knee range: knee-flexion work
HINGE_TRUNK_DEG = 45.0  # trunk at least this far from upright at the deepest hip flexion: a hinge


def rom_deg(signal: np.ndarray) -> float:
    y = signal[np.isfinite(signal)]
    if y.size < 3:
        return float("nan")
    lo, hi = np.percentile(y, [3.0, 97.0])
    return float(hi - lo)


def deep_trunk_deg(hip_deg: np.ndarray, trunk_deg: np.ndarray) -> float:
    """Median trunk angle from upright over the frames of deepest hip flexion (top 10%)."""
    ok = np.isfinite(hip_deg) & np.isfinite(trunk_deg)
    if ok.sum() < 3:
        return float("nan")
    deep = hip_deg >= np.percentile(hip_deg[ok], 90.0)
    return float(np.median(np.abs(trunk_deg[ok & deep])))


def classify_family(
    hip_deg: np.ndarray, knee_deg: np.ndarray, trunk_deg: np.ndarray, cfg: RepConfig
) -> FamilyGuess:
    """Per-frame means of both sides (``hip_deg``, ``knee_deg``) and the trunk from upright."""
    hip_rom, knee_rom = rom_deg(hip_deg), rom_deg(knee_deg)
    if not np.isfinite(hip_rom) and not np.isfinite(knee_rom):
        return FamilyGuess(None, hip_rom, knee_rom, "no usable hip or knee angles")
    h = np.nan_to_num(hip_rom)
    k = np.nan_to_num(knee_rom)
    if max(h, k) < cfg.min_range_deg:
        return FamilyGuess(None, hip_rom, knee_rom, "hips and knees barely moved")
    if h < KNEE_ONLY_RATIO * k:
        return FamilyGuess(
            "knee_flexion", hip_rom, knee_rom,
            f"knees moved {k:.0f} deg while hips moved {h:.0f} deg",
        )
    trunk = deep_trunk_deg(hip_deg, trunk_deg)
    if np.isfinite(trunk) and trunk < HINGE_TRUNK_DEG:
        return FamilyGuess(
            "squat", hip_rom, knee_rom,
            f"knees moved {k:.0f} deg and the trunk stayed {trunk:.0f} deg from upright",
        )
    return FamilyGuess(
        "hinge", hip_rom, knee_rom,
        f"hips moved {h:.0f} deg (knees {k:.0f}) and the trunk tipped {trunk:.0f} deg forward",
    )
