"""The one vocabulary covers everything the pipeline produces, and nothing refers past it."""

from __future__ import annotations

from pathlib import Path

from formcheck import vocab
from formcheck.analysis.pipeline import analyze_pose
from formcheck.config import ZONES
from formcheck.io.landmarks import load_pose

CLIPS = Path(vocab.__file__).parent / "audio" / "clips"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kb_deadlift_side.pose.npz"


def test_every_measure_the_pipeline_makes_is_defined_in_order() -> None:
    report = analyze_pose(load_pose(SAMPLE))
    assert list(report.measures.channels()) == list(vocab.MEASURES)
    assert list(report.view.trust) == list(vocab.MEASURES)


def test_every_default_zone_names_a_defined_head_with_its_own_colour() -> None:
    assert [z.head for z in ZONES] and all(z.head in vocab.HEADS for z in ZONES)
    colours = [vocab.head(z.head).colour_hex for z in ZONES]
    assert len(set(colours)) == len(colours)
    assert set(vocab.heads_on(vocab.MEDIAL)) | set(vocab.heads_on(vocab.LATERAL)) == set(vocab.HEADS)


def test_a_custom_head_gets_words_and_a_colour_of_its_own() -> None:
    h = vocab.head("adductor_magnus")
    assert h.name == "adductor magnus" and h.side == ""
    assert h.colour_hex not in {x.colour_hex for x in vocab.HEADS.values()}
    assert vocab.head("adductor_magnus") == h  # stable


def test_colour_bgr_is_the_hex_reversed() -> None:
    assert vocab.Head("x", "x", "x", "x", "#0A141E", "").colour_bgr == (30, 20, 10)


def test_every_cue_has_a_clip_and_every_fault_a_cue() -> None:
    assert {p.stem for p in CLIPS.glob("*.wav")} == set(vocab.CUES)
    assert all(f.cue in vocab.CUES for f in vocab.FAULTS.values())
    assert set(vocab.TOE_CUE.values()) | {vocab.LOST_CUE} <= set(vocab.CUES)
