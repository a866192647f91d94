"""A custom zone set goes through every report: one default zone given to another head, and an
extra head's zone. Each report must name the custom heads, show their seconds, and draw them in
colours of their own; none may fall back on a default head's words or colour."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest

from conftest import POSES
from formcheck import vocab
from formcheck.analysis.pipeline import analyze_pose
from formcheck.config import ZONES, Config, Zone
from formcheck.io.landmarks import load_pose
from formcheck.report.abbreviations import spelled_out
from formcheck.report.csv_report import to_csv
from formcheck.report.html.page import to_html
from formcheck.report.json_report import to_json
from formcheck.report.text_report import to_text
from formcheck.types import Report

RENAMED = Zone("adductor_magnus", 45.0, 65.0, "adductor magnus (45-65 deg)")  # biceps femoris long's window
EXTRA = Zone("gracilis", 20.0, 40.0, "gracilis (20-40 deg)")  # between semimembranosus and RENAMED
CUSTOM_ZONES = (ZONES[0], RENAMED, ZONES[2], ZONES[3], EXTRA)
CUSTOM_HEADS = (RENAMED.head, EXTRA.head)
DEFAULT_COLOURS = {h.colour_hex for h in vocab.HEADS.values()}
KEY = "SM semimembranosus, adductor magnus, BFsh biceps femoris short head, ST semitendinosus, gracilis"


@pytest.fixture(scope="module")
def report() -> Report:
    """Side view, 10 kettlebell deadlifts whose near knee passes through both custom zones."""
    cfg = dataclasses.replace(Config(), zones=CUSTOM_ZONES)
    return analyze_pose(load_pose(POSES / "kb_deadlift_side_correct_01.pose.npz"), cfg)


def test_the_custom_heads_are_scored(report: Report) -> None:
    assert report.zone_defs == CUSTOM_ZONES
    left = report.zones[0]
    assert list(left.seconds) == [z.head for z in CUSTOM_ZONES]
    for head in CUSTOM_HEADS:  # the left (near) knee spends time in both, so there is something to show
        assert left.seconds[head] > 0.5, head


def test_text_names_the_custom_heads_with_their_seconds(report: Report) -> None:
    text = to_text(report)
    left, right = report.zones
    for head in CUSTOM_HEADS:
        words = vocab.head(head).name
        likely = r"(, likely [\d.]+–[\d.]+ s)?"  # the range the view's knee error allows, where known
        row = (rf"\n  {re.escape(f'{words:<26}')} {left.seconds[head]:5.1f} s \({left.share(head):.0%}{likely}\) +/ +"
               rf"{right.seconds[head]:.1f} s")
        assert re.search(row, text), head
    assert f"    zone seconds left/right: {KEY}\n" in text
    header = next(line for line in text.splitlines() if line.startswith("rep "))
    assert re.search(r"\bSM +adductor magnus +BFsh +ST +gracilis +toes", header), header
    rep1 = next(line for line in text.splitlines() if line.startswith("  1 ")).split()
    zone_cells = rep1[6 : 6 + len(CUSTOM_ZONES)]  # after rep, start, ecc, con, ROM and knee max
    left_1, right_1 = (z.seconds["gracilis"] for z in report.reps[0].zones)
    assert zone_cells[-1] == f"{left_1:.1f}/{right_1:.1f}", rep1
    assert "BFlh" not in text and "biceps femoris long" not in text


def test_html_names_and_colours_the_custom_heads(report: Report) -> None:
    page = to_html(report)
    band_colours = dict(re.findall(r'<rect class="band" data-head="([^"]+)"[^>]*fill="([^"]+)"', page))
    assert list(band_colours) == [z.head for z in CUSTOM_ZONES]
    for head in CUSTOM_HEADS:
        colour = band_colours[head]
        assert colour == vocab.head(head).colour_hex and colour not in DEFAULT_COLOURS, head
        words = vocab.head(head).name
        assert f'<i class="sw" style="background:{colour}"></i>{words}</span>' in page  # legend
        assert f'fill="{colour}">{words}</text>' in page  # the band's label on the knee chart
        assert page.count(f'<rect class="seg" data-head="{head}"') > 0  # stacked per-rep bars
    assert len(set(band_colours.values())) == len(CUSTOM_ZONES)  # no two heads share a colour
    assert f"best leverage ({KEY})" in page
    assert "BFlh" not in page and "biceps femoris long" not in page


def test_html_share_bar_and_rep_table_give_the_custom_seconds(report: Report) -> None:
    page = to_html(report)
    left, right = report.zones
    gracilis = vocab.head("gracilis")
    share = left.seconds["gracilis"] / left.measured_s
    assert (f'background:{gracilis.colour_hex}" title="gracilis: {left.seconds["gracilis"]:.1f} s '
            f'({share:.0%})"') in page
    assert f'<th title="{EXTRA.label}">' in page
    assert re.search(rf"<td( title=\"[^\"]*\")?>{left.seconds['gracilis']:.1f} / {right.seconds['gracilis']:.1f}</td>",
                     page)  # totals row


def test_json_keys_the_seconds_by_the_custom_heads(report: Report) -> None:
    data = json.loads(to_json(report))
    for span, zones in (("in_reps", report.zones), ("whole_clip", report.zones_clip)):
        seconds = data["zones"][span]["left"]["seconds"]
        assert list(seconds) == [z.head for z in CUSTOM_ZONES], span
        for head in CUSTOM_HEADS:
            assert seconds[head] == round(zones[0].seconds[head], 3), (span, head)
    rep1 = data["reps"][0]["zones"]["left"]["seconds"]
    assert rep1["gracilis"] == round(report.reps[0].zones[0].seconds["gracilis"], 3)
    assert "biceps_femoris_long" not in to_json(report)


def test_csv_labels_each_frame_with_the_custom_zone_it_is_in(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    in_gracilis = [float(r["knee_left_deg"]) for r in rows if r["zone_left"] == "gracilis"]
    assert len(in_gracilis) > 30 and all(19.99 <= k <= 40.01 for k in in_gracilis)
    assert any(r["zone_left"] == "adductor_magnus" for r in rows)
    in_window = [r for r in rows if r["knee_left_deg"] and 20.01 <= float(r["knee_left_deg"]) <= 39.99]
    assert in_window and all(r["zone_left"] == "gracilis" for r in in_window)
    assert not any(r["zone_left"] == "biceps_femoris_long" for r in rows)


def test_the_abbreviation_key_for_the_default_zones() -> None:
    """The defaults' key, as the page and the text summary have always spelled it out."""
    heads = [vocab.head(z.head) for z in ZONES]
    assert spelled_out(heads) == (
        "SM semimembranosus, BFlh/BFsh biceps femoris long/short head, ST semitendinosus"
    )
    assert spelled_out(heads, " / ") == (
        "SM semimembranosus, BFlh / BFsh biceps femoris long / short head, ST semitendinosus"
    )
