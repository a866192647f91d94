"""formcheck's words, one definition each: the hamstring heads, the per-frame measures, the
movement families, the faults and the cues. Every table, page, gauge, banner and spoken cue reads
from here, so a head has one name and one colour everywhere, and a zone defined in
``config.ZONES`` but not here (a custom zone) still works end to end with derived words.

Thresholds are numbers, not words: they stay in ``config`` (``ScoreConfig``), and the one
predicate that applies each (``analysis.faults``) serves the recorded analysis and live cues alike.
See docs/DOMAIN.md for what each word means and the evidence behind each threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MEDIAL, LATERAL = "medial", "lateral"


@dataclass(frozen=True)
class Head:
    """A hamstring head: how it is written in each place, its colour, and which side it pulls."""

    key: str  # as in config.Zone.head: "biceps_femoris_long"
    name: str  # in sentences: "biceps femoris long head"
    abbrev: str  # table columns and chart labels: "BFlh"
    gauge: str  # the video's tight gauge labels: "BF long"
    colour_hex: str  # one colour on the page, the video and the live window
    side: str  # MEDIAL (internal rotators, toes in) or LATERAL (external, toes out); "" unknown

    @property
    def colour_bgr(self) -> tuple[int, int, int]:
        """The colour as OpenCV draws it (blue, green, red)."""
        h = self.colour_hex.lstrip("#")
        r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
        return (b, g, r)


# Colours from the Okabe-Ito colour-blind-safe palette: the medial heads (the semis) blues, the
# lateral heads (biceps femoris) oranges, so toe-in and toe-out arrows can reuse them.
HEADS: dict[str, Head] = {
    h.key: h
    for h in (
        Head("semimembranosus", "semimembranosus", "SM", "semimemb.", "#0072B2", MEDIAL),
        Head("biceps_femoris_long", "biceps femoris long head", "BFlh", "BF long", "#E69F00", LATERAL),
        Head("biceps_femoris_short", "biceps femoris short head", "BFsh", "BF short", "#D55E00", LATERAL),
        Head("semitendinosus", "semitendinosus", "ST", "semitend.", "#56B4E9", MEDIAL),
    )
}
# Heads of custom zones (not in HEADS) take these in turn, after the defined heads' colours.
EXTRA_COLOURS_HEX = ("#009E73", "#CC79A7", "#F0E442", "#7F7F7F")
NO_ZONE_COLOUR_HEX = "#d5d8dc"  # measured time outside every head's zone
NO_ZONE_NAME = "no head's zone"


def head(key: str) -> Head:
    """The head ``key`` names; for a custom zone's head, words derived from the key and a colour
    of its own (stable for the key)."""
    if key in HEADS:
        return HEADS[key]
    words = key.replace("_", " ")
    colour = EXTRA_COLOURS_HEX[sum(map(ord, key)) % len(EXTRA_COLOURS_HEX)]
    return Head(key, words, words, words, colour, "")


def heads_on(side: str) -> tuple[str, ...]:
    """The defined heads that pull on ``side`` (MEDIAL or LATERAL)."""
    return tuple(k for k, h in HEADS.items() if h.side == side)


@dataclass(frozen=True)
class MeasureDef:
    """A per-frame measure (types.Measures has a channel of the same key)."""

    key: str  # "knee_deg": the channel's name, unit in the name
    label: str  # "knee flexion"
    unit: str  # "deg"
    column: str  # CSV column stem: "knee" -> knee_left_deg, knee_left_conf, knee_left_missing
    # How far each camera view lets the measure be trusted (0..1), before landmark visibility.
    # Side: image-plane knee and hip angles are accurate and the back's outline is visible; toe
    # rotation is depth. Front: toes visible, flexion foreshortened. Oblique: between.
    trust: dict[str, float] = field(default_factory=dict)


MEASURES: dict[str, MeasureDef] = {
    m.key: m
    for m in (
        MeasureDef("knee_deg", "knee flexion", "deg", "knee",
                   {"side": 1.0, "oblique": 0.6, "front": 0.4, "unknown": 0.3}),
        MeasureDef("hip_deg", "hip flexion (hinge)", "deg", "hip",
                   {"side": 1.0, "oblique": 0.6, "front": 0.4, "unknown": 0.3}),
        MeasureDef("toe_deg", "toe rotation", "deg", "toe",
                   {"side": 0.0, "oblique": 0.6, "front": 0.8, "unknown": 0.0}),
        MeasureDef("trunk_lean_deg", "trunk lean", "deg", "trunk_lean",
                   {"side": 1.0, "oblique": 0.6, "front": 0.5, "unknown": 0.3}),
        MeasureDef("arch_deg", "low-back outline (lumbar)", "deg", "arch",
                   {"side": 0.8, "oblique": 0.5, "front": 0.0, "unknown": 0.0}),
    )
}
VIEWS = ("side", "oblique", "front", "unknown")


def view_trust(view: str) -> dict[str, float]:
    """Measure key -> trust from ``view``, in MEASURES' order."""
    return {k: m.trust.get(view, 0.0) for k, m in MEASURES.items()}


def measure_label(key: str) -> str:
    return MEASURES[key].label if key in MEASURES else key.replace("_", " ")


FAMILIES: dict[str, str] = {  # family key -> what the report calls it
    "hinge": "hip hinge",
    "squat": "squat",
    "knee_flexion": "knee-flexion work",
}
NO_FAMILY = "no clear exercise"


def family_name(family: str | None, alternative: str | None = None) -> str:
    """What the report calls a family; "hip hinge or squat" when the evidence was split."""
    name = FAMILIES.get(family or "", NO_FAMILY)
    return f"{name} or {FAMILIES[alternative]}" if family and alternative in FAMILIES else name


@dataclass(frozen=True)
class CueDef:
    """A spoken cue: its clip (audio/clips/<key>.wav) says ``spoken``, the screen shows ``screen``."""

    key: str
    spoken: str  # the words of the pre-rendered clip (tools/make_speech_clips.py)
    screen: str  # short, read from the floor mid-rep


CUES: dict[str, CueDef] = {
    c.key: c
    for c in (
        CueDef("ribs_down", "Ribs down", "RIBS DOWN"),
        CueDef("squat", "Soft knees. This is a squat", "SOFT KNEES: THIS IS A SQUAT"),
        CueDef("toes_in", "Toes in for the semis", "TOES IN FOR THE SEMIS"),
        CueDef("toes_out", "Toes out for the biceps", "TOES OUT FOR THE BICEPS"),
        CueDef("lost", "Step back into view", "STEP BACK INTO VIEW"),
        CueDef("finish_tall", "Finish tall. Don't lean back", "FINISH TALL: DON'T LEAN BACK"),
        CueDef("flat_back", "Chest proud. Flat back", "CHEST PROUD: FLAT BACK"),
        CueDef("hips_forward", "Hips forward", "HIPS FORWARD: KNEE TO HEAD STRAIGHT"),
        *(CueDef(f"break_{deg}", f"Break at {deg}", f"BREAK POINT: KNEE {deg}°") for deg in range(20, 90, 10)),
    )
}
TOE_CUE = {MEDIAL: "toes_in", LATERAL: "toes_out"}  # a target head's side -> the toe cue for it
LOST_CUE = "lost"  # the lifter out of view
BREAK_CUE_DEG = tuple(range(20, 90, 10))  # the Nordic break points live can say, to the nearest 10 deg


def break_cue(knee_deg: float) -> str:
    """The spoken cue for a Nordic break point at ``knee_deg``: the nearest of BREAK_CUE_DEG."""
    deg = min(BREAK_CUE_DEG, key=lambda d: abs(d - knee_deg))
    return f"break_{deg}"


@dataclass(frozen=True)
class FaultDef:
    """A fault: its banner title, its name in tables, and the cue live sounds for it."""

    kind: str  # types.Fault.kind
    title: str  # the video's and live window's banner: "Low back arched"
    short: str  # a rep table's flag column: "back arched"
    cue: str  # a CUES key


FAULTS: dict[str, FaultDef] = {
    f.kind: f
    for f in (
        FaultDef("lumbar_extension", "Low back arched", "back arched", "ribs_down"),
        FaultDef("lean_back", "Leaning back at lockout", "leaned back", "finish_tall"),
        FaultDef("back_rounded", "Low back rounded", "back rounded", "flat_back"),
        FaultDef("squatting", "Knees bent like a squat", "squatted", "squat"),
        FaultDef("nordic_pike", "Hips piking", "hips piked", "hips_forward"),
    )
}


def fault(kind: str) -> FaultDef:
    """The fault ``kind`` names; an unknown kind gets words derived from it and no cue."""
    if kind in FAULTS:
        return FAULTS[kind]
    words = kind.replace("_", " ")
    return FaultDef(kind, words.capitalize(), words, "")


PHASE_WORDS = {"eccentric": "lowering", "concentric": "lifting", "": "rest"}  # on screen
