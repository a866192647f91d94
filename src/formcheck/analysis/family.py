"""Which movement family a set belongs to (hip hinge, squat, knee-flexion work), decided per rep
from how the joints move together, then for the set.

- The body's posture (analysis/posture.py): kneeling, seated and prone sets are knee-flexion work
  (Nordics, glute-ham raises, leg curls); a supine set whose hips move more than its knees is a
  hinge (bridges).
- Standing: a set whose hips barely move while the knees bend, or where one leg works and the
  other stands still, is knee-flexion work (standing curls).
- Standing with hips and knees both moving, hinge or squat is weighed at each rep's deepest point
  from four pieces of evidence (``HingeSquatModel``): how far the trunk tips forward, how much
  more the hips flex than the knees, how far the shins tip forward from where they stood, and how
  deep the knees bend. A rep whose evidence nearly balances is called "hinge or squat" rather than
  guessed; so is a set whose reps disagree.

``classify_family`` is the whole-series form that live feedback uses before any rep is complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from formcheck.config import HingeSquatModel, RepConfig

KNEE_ONLY_RATIO = 0.45  # hip range below this share of the knee range: knee-flexion work
HINGE_TRUNK_DEG = 45.0  # live's whole-series rule: trunk this far from upright at the deepest hip flexion
SPLIT_SHARE = 1 / 3  # a set whose minority family holds this share of its reps is split


@dataclass(frozen=True)
class FamilyGuess:
    family: str | None  # "hinge" | "squat" | "knee_flexion" | None (no clear movement)
    hip_rom_deg: float
    knee_rom_deg: float
    reason: str
    alternative: str | None = None  # the other family when the evidence is split
    posture: str | None = None


@dataclass(frozen=True)
class RepEvidence:
    """How the joints moved over one rep, read at its deepest point (the turn, +-3 frames)."""

    hip_rom_deg: float
    knee_rom_deg: float
    hip_deg: float  # at the deepest point
    knee_deg: float
    trunk_deg: float  # from upright
    shin_tilt_deg: float  # shins tipped forward past where they stood at rest
    knee_lead: float  # -1..1: how far the knees straighten ahead of the hips on the way up


@dataclass(frozen=True)
class RepFamily:
    family: str | None
    alternative: str | None
    hinge_score: float  # > 0 hinge, < 0 squat, NaN where not weighed
    reason: str
    evidence: RepEvidence | None = None


def rom_deg(signal: np.ndarray) -> float:
    y = signal[np.isfinite(signal)]
    if y.size < 3:
        return float("nan")
    lo, hi = np.percentile(y, [3.0, 97.0])
    return float(hi - lo)


def _med(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(np.median(a)) if a.size else float("nan")


def rep_evidence(
    i_start: int, i_turn: int, i_end: int, hip_deg: np.ndarray, knee_deg: np.ndarray,
    trunk_deg: np.ndarray, shin_deg: np.ndarray, shin_rest_deg: float,
) -> RepEvidence:
    """Per-frame series (both-sides hip and knee flexion, trunk and shin from vertical) over one rep."""
    deep = slice(max(i_start, i_turn - 3), min(i_end, i_turn + 3) + 1)
    rep = slice(i_start, i_end + 1)
    up = slice(i_turn, i_end + 1)
    lead = float("nan")
    h, k = hip_deg[up], knee_deg[up]
    ok = np.isfinite(h) & np.isfinite(k)
    if ok.sum() >= 4:
        h, k = h[ok], k[ok]
        dh, dk = h[0] - h.min(), k[0] - k.min()
        if dh > 10 and dk > 10:
            lead = float(np.mean((k[0] - k) / dk - (h[0] - h) / dh))
    return RepEvidence(
        rom_deg(hip_deg[rep]), rom_deg(knee_deg[rep]), _med(hip_deg[deep]), _med(knee_deg[deep]),
        _med(np.abs(trunk_deg[deep])), _med(shin_deg[deep]) - shin_rest_deg, lead,
    )


def hinge_inputs(ev: RepEvidence) -> tuple[float, float, float, float]:
    """What the hinge/squat score weighs (config.HingeSquatModel): trunk from upright, log(hip /
    knee flexion), shin tilt and knee flexion at the deepest point."""
    ok = np.isfinite(ev.hip_deg + ev.knee_deg)
    ratio = float(np.log(max(ev.hip_deg, 1.0) / max(ev.knee_deg, 1.0))) if ok else float("nan")
    return ev.trunk_deg, ratio, ev.shin_tilt_deg, ev.knee_deg


def hinge_score(ev: RepEvidence, model: HingeSquatModel) -> float:
    """> 0 hinge, < 0 squat: the model's weighted evidence (NaN pieces weigh nothing)."""
    parts = [w * (x - m) for x, m, w in zip(hinge_inputs(ev), model.mids, model.weights)]
    got = [float(np.clip(p, -model.clip, model.clip)) for p in parts if np.isfinite(p)]
    return float(sum(got) + model.bias) if got else float("nan")


def rep_family(ev: RepEvidence, posture: str | None, one_leg: bool, model: HingeSquatModel) -> RepFamily:
    """The family of one rep (see the module's notes); ``one_leg``: the legs work one at a time."""
    h, k = np.nan_to_num(ev.hip_rom_deg), np.nan_to_num(ev.knee_rom_deg)
    if posture in ("kneeling", "seated", "prone"):
        return RepFamily("knee_flexion", None, np.nan, f"{posture}, knees moved {k:.0f} deg")
    if posture == "supine":  # before one_leg: a single-leg bridge holds its other leg still
        fam = "hinge" if h >= k else "knee_flexion"
        return RepFamily(fam, None, np.nan, f"lying on the back, hips moved {h:.0f} deg and knees {k:.0f}")
    if one_leg and k > h:  # a single-leg bridge holds one leg still too, but its hips do the moving
        return RepFamily("knee_flexion", None, np.nan, f"one leg at a time: its knee moved {k:.0f} deg")
    if h < KNEE_ONLY_RATIO * k:
        return RepFamily("knee_flexion", None, np.nan, f"knees moved {k:.0f} deg while hips moved {h:.0f} deg")
    score = hinge_score(ev, model)
    facts = _facts(ev)
    if not np.isfinite(score):
        return RepFamily(None, None, score, "hips and knees moved but the trunk and shins were not seen", ev)
    if abs(score) < model.margin:
        return RepFamily("hinge" if score >= 0 else "squat", "squat" if score >= 0 else "hinge", score,
                         f"{SPLIT_PREFIX}{facts}", ev)
    return RepFamily("hinge" if score > 0 else "squat", None, score, facts, ev)


def _facts(ev: RepEvidence) -> str:
    bits = [f"at the deepest point the hips flexed {ev.hip_deg:.0f} deg and the knees {ev.knee_deg:.0f}"]
    if np.isfinite(ev.trunk_deg):
        bits.append(f"the trunk tipped {ev.trunk_deg:.0f} deg from upright")
    if np.isfinite(ev.shin_tilt_deg):
        bits.append(f"the shins {max(ev.shin_tilt_deg, 0.0):.0f} deg forward")
    if np.isfinite(ev.knee_lead) and ev.knee_lead > 0.2:
        bits.append("the hips rose first")
    return ", ".join(bits)


def set_family(reps: list[RepFamily], hip_rom_deg: float, knee_rom_deg: float, posture: str | None) -> FamilyGuess:
    """The set's family from its reps': the family most reps show; split when the runner-up
    holds SPLIT_SHARE of the reps or the typical rep's own evidence was split."""
    named = [r for r in reps if r.family is not None]
    if not named:
        return FamilyGuess(None, hip_rom_deg, knee_rom_deg, "no rep showed a clear movement", posture=posture)
    votes = Counter(r.family for r in named)
    (first, n1), *rest = votes.most_common() + [(None, 0)]
    second, n2 = rest[0]
    typical = sorted(named, key=lambda r: r.hinge_score if np.isfinite(r.hinge_score) else 0.0)[len(named) // 2]
    mine = [r for r in named if r.family == first]
    typical = typical if typical.family == first else mine[len(mine) // 2]
    if second is not None and n2 >= SPLIT_SHARE * len(named):
        reason = _set_reason(mine, typical, split=True)
        return FamilyGuess(first, hip_rom_deg, knee_rom_deg,
                           f"{first} in {n1} reps, {second} in {n2}: {reason}", second, posture)
    reason = _set_reason(mine, typical)
    split = sum(r.alternative is not None for r in mine) > len(mine) / 2
    alt = Counter(r.alternative for r in mine if r.alternative).most_common(1)[0][0] if split else None
    return FamilyGuess(first, hip_rom_deg, knee_rom_deg, reason, alt, posture)


SPLIT_PREFIX = "hinge or squat: "


def _set_reason(mine: list[RepFamily], typical: RepFamily, split: bool = False) -> str:
    """The typical rep's evidence for the set; ``split``: the set is already said to be split, so
    the rep's own "hinge or squat: " is not repeated."""
    reason = typical.reason.removeprefix(SPLIT_PREFIX) if split else typical.reason
    n = len(mine)
    return f"{reason} (typical of {n} rep{'s' if n != 1 else ''})" if n > 1 else reason


def classify_family(
    hip_deg: np.ndarray, knee_deg: np.ndarray, trunk_deg: np.ndarray, cfg: RepConfig
) -> FamilyGuess:
    """Whole-series guess from per-frame means of both sides and the trunk from upright (live
    feedback, before reps are known; also the provisional family that picks the signal reps are
    segmented on)."""
    hip_rom, knee_rom = rom_deg(hip_deg), rom_deg(knee_deg)
    if not np.isfinite(hip_rom) and not np.isfinite(knee_rom):
        return FamilyGuess(None, hip_rom, knee_rom, "no usable hip or knee angles")
    h = np.nan_to_num(hip_rom)
    k = np.nan_to_num(knee_rom)
    if max(h, k) < cfg.min_range_deg:
        return FamilyGuess(None, hip_rom, knee_rom, "hips and knees barely moved")
    if h < KNEE_ONLY_RATIO * k:
        return FamilyGuess(
            "knee_flexion", hip_rom, knee_rom, f"knees moved {k:.0f} deg while hips moved {h:.0f} deg",
        )
    trunk = deep_trunk_deg(hip_deg, trunk_deg)
    if np.isfinite(trunk) and trunk < HINGE_TRUNK_DEG:
        return FamilyGuess(
            "squat", hip_rom, knee_rom, f"knees moved {k:.0f} deg and the trunk stayed {trunk:.0f} deg from upright",
        )
    return FamilyGuess(
        "hinge", hip_rom, knee_rom,
        f"hips moved {h:.0f} deg (knees {k:.0f}) and the trunk tipped {trunk:.0f} deg forward",
    )


def deep_trunk_deg(hip_deg: np.ndarray, trunk_deg: np.ndarray) -> float:
    """Median trunk angle from upright over the frames of deepest hip flexion (top 10%)."""
    ok = np.isfinite(hip_deg) & np.isfinite(trunk_deg)
    if ok.sum() < 3:
        return float("nan")
    deep = hip_deg >= np.percentile(hip_deg[ok], 90.0)
    return float(np.median(np.abs(trunk_deg[ok & deep])))
