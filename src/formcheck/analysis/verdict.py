"""The set's verdict in words: which hamstring head the reps loaded and for which legs, the toes,
and the faults.

Honest about what the camera saw (issue 14): a head is named only when its likely range of
seconds (``LegZones.likely``) clears the runner-up's, otherwise the set is said to split between
the two; each leg is judged on its own, a leg seen for too little of the reps or standing still
while the other works never decides, and the verdict says which legs it speaks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.analysis.back import back_sentences
from formcheck.config import ScoreConfig
from formcheck.types import SIDES, LegZones, Report
from formcheck.vocab import family_name, head


@dataclass(frozen=True)
class Ranked:
    """One head's time in one leg: its share of the leg's measured time and its likely seconds."""

    head: str
    share: float
    likely_s: tuple[float, float]


@dataclass(frozen=True)
class LegCall:
    """What one leg's zone times say: a head "named", a "split" between the two leading heads
    (their likely ranges overlap), or "little" time in any head's zone."""

    kind: str
    first: Ranked | None = None
    second: Ranked | None = None

    def heads(self) -> frozenset[str]:
        """The heads the call names: one when named, the pair when split, none otherwise."""
        if self.kind == "named" and self.first:
            return frozenset({self.first.head})
        if self.kind == "split" and self.first and self.second:
            return frozenset({self.first.head, self.second.head})
        return frozenset()

    def agrees(self, other: LegCall) -> bool:
        return self.kind == other.kind and self.heads() == other.heads()


@dataclass(frozen=True)
class Verdict:
    text: str
    legs: tuple[int, ...]  # the legs it speaks for (0 left, 1 right)


def ranked_heads(z: LegZones) -> list[Ranked]:
    """One leg's heads by the time their zone held its knee, most first."""
    if z.measured_s <= 0:
        return []
    ranked = [Ranked(h, z.share(h), z.likely(h)) for h in z.seconds]
    return sorted(ranked, key=lambda r: r.share, reverse=True)


def leg_call(z: LegZones, min_head_share: float) -> LegCall:
    """Name the leading head only when its likely low clears the runner-up's likely high."""
    ranked = ranked_heads(z)
    if not ranked or ranked[0].share < min_head_share:
        return LegCall("little")
    first, second = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    clear = second is None or first.likely_s[0] > second.likely_s[1]
    return LegCall("named" if clear else "split", first, second)


def deciding_legs(zones: tuple[LegZones, LegZones], span_s: float, working_leg: int | None,
                  min_seen_share: float) -> tuple[tuple[int, ...], list[str]]:
    """The legs whose zone times may decide the verdict, and a sentence for each one left out: a
    leg standing still while the other works (a one-leg set), or a knee measured in less than
    ``min_seen_share`` of ``span_s`` (the rep time) or of the other knee's measured time."""
    legs, notes = [], []
    for k, z in enumerate(zones):
        if working_leg is not None and k != working_leg:
            notes.append(f"The {SIDES[k]} leg stood still while the {SIDES[working_leg]} leg worked: "
                         "it does not decide.")
            continue
        ref_s = max(span_s, zones[1 - k].measured_s)
        if z.measured_s < min_seen_share * ref_s:
            notes.append(f"The {SIDES[k]} knee was seen for only {z.measured_s:.1f} s of {ref_s:.1f} s of "
                         "rep time: it does not decide.")
            continue
        legs.append(k)
    return tuple(legs), notes


def _shares(head_key: str, zones: list[LegZones]) -> str:
    """'24%' for one leg, '24% / 31%' for both (left / right)."""
    return " / ".join(f"{z.share(head_key):.0%}" for z in zones)


def _call_words(call: LegCall, zones: list[LegZones]) -> str:
    """One call in words, with the share of each head it names in each leg of ``zones``."""
    both = ", left / right" if len(zones) == 2 else ""
    if call.kind == "little" or call.first is None:
        return ("the knees spent" if len(zones) == 2 else "the knee spent") + \
            " little time in any one hamstring head's zone during the reps."
    first = head(call.first.head).name
    if call.kind == "split" and call.second is not None:
        second = head(call.second.head).name
        return (f"the set split between the {first} ({_shares(call.first.head, zones)} of rep time{both}) "
                f"and the {second} ({_shares(call.second.head, zones)}): too close to name one.")
    runner_up = ""
    if call.second is not None and max(z.share(call.second.head) for z in zones) >= 0.005:
        runner_up = f" (next, {head(call.second.head).name}: {_shares(call.second.head, zones)})"
    return (f"this set mostly loaded the {first}: {_shares(call.first.head, zones)} of rep time in its "
            f"zone{both}{runner_up}.")


def heads_sentences(zones: tuple[LegZones, LegZones], legs: tuple[int, ...], cfg: ScoreConfig) -> list[str]:
    """The deciding legs' calls: "Both legs: ..." when they agree, each leg on its own otherwise."""
    calls = {k: leg_call(zones[k], cfg.verdict_min_head_share) for k in legs}
    if len(legs) == 2 and calls[0].agrees(calls[1]):
        return ["Both legs: " + _call_words(calls[0], list(zones))]
    return [f"{SIDES[k].capitalize()} leg: " + _call_words(calls[k], [zones[k]]) for k in legs]


def _toe_sentence(rep: Report) -> str:
    toe = rep.toe
    if toe.bias == "out":
        return "Toes turned out: biased toward the lateral hamstrings (biceps femoris)."
    if toe.bias == "in":
        return "Toes turned in: biased toward the medial hamstrings (semitendinosus, semimembranosus)."
    if toe.bias == "neutral":
        return "Toes neutral: no medial or lateral bias."
    if toe.reason:
        return toe.reason[:1].upper() + toe.reason[1:] + "."
    if rep.view.trust.get("toe_deg", 0.0) <= 0:
        if rep.view.view == "side":
            return "Toe rotation cannot be judged from a side view."
        if rep.view.rear:
            return "Toe rotation cannot be judged from behind (the toes hide behind the heels); film from the front."
        return (f"Toe rotation cannot be judged this far side-on (hips {rep.view.yaw_deg:.0f} deg from "
                "facing the camera); film from the front for the toes.")
    return "Toe rotation could not be measured: the feet were not seen well enough."


def _fault_sentences(rep: Report) -> list[str]:
    """The squatting fault, then the low back (analysis/back.py: never silent)."""
    parts = []
    kinds = {f.kind for f in rep.faults}
    if "squatting" in kinds:
        k = sum(1 for f in rep.faults if f.kind == "squatting")
        parts.append(f"Knees flexed like a squat in {k} rep(s): not the hip hinge an RDL needs.")
    return parts + back_sentences(rep.back)


def verdict(rep: Report, cfg: ScoreConfig) -> Verdict:
    n = len(rep.reps)
    view = f"{rep.view.label} view"
    if n == 0:
        return Verdict(
            f"No complete reps found ({view}; the lifter was found in {rep.coverage:.0%} of "
            "frames). Film the whole set side-on with the whole body in frame.", ())
    fam = family_name(rep.family, rep.family_alternative)
    parts = [f"{fam.capitalize()}, {n} rep{'s' if n != 1 else ''} ({view})."]
    span_s = sum(s.rep.duration_s for s in rep.reps)
    legs, notes = deciding_legs(rep.zones, span_s, rep.working_leg, cfg.verdict_min_seen_share)
    parts += heads_sentences(rep.zones, legs, cfg) + notes
    if not legs:
        parts.append("No head is named: no knee was seen for enough of the reps to judge.")
    parts.append(_toe_sentence(rep))
    parts += _fault_sentences(rep)
    return Verdict(" ".join(parts), legs)
