"""The HTML report: one self-contained page, honest about missing data, and drawn by a real browser.

Reports come from stored pose files (no video, no model) and a synthetic lifter who never does a
rep. The browser tests render the page in headless Chromium (Debian's ``chromium``), read the
screenshot back, and check the console and Chromium's own network log: the page must load with no
error and make no request.
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path

import cv2
import numpy as np
import pytest

from browser import browse
from conftest import POSES
from formcheck.analysis.pipeline import analyze_pose
from formcheck.io.landmarks import load_pose
from formcheck.report.html.page import CSP, flagged_frame_times_s, to_html
from formcheck.report.json_report import to_dict
from formcheck.report.svg import line_path_d
from formcheck.types import Fault, Report, ToeCall
from formcheck.vocab import HEADS
from synthetic import side_view_pose

# every attribute or CSS function that could make a browser fetch something
URL_REFS = re.compile(
    r"""\b(?:src|href|xlink:href|srcset|poster|action|data)\s*=\s*["']?([^"'\s>]*)|url\(\s*["']?([^"')\s]*)""",
    re.IGNORECASE,
)
THUMB_BGR = (40, 200, 60)  # a green no chart uses, to find the thumbnail in the screenshot


@pytest.fixture(scope="module")
def side() -> Report:
    """Side view, 10 kettlebell deadlifts, the far leg hidden 70% of the time, toes not visible."""
    return analyze_pose(load_pose(POSES / "kb_deadlift_side_correct_01.pose.npz"))


@pytest.fixture(scope="module")
def front() -> Report:
    """Front view, 3 deadlifts: toes measured, the low back not visible."""
    return analyze_pose(load_pose(POSES / "deadlift_front_01.pose.npz"))


@pytest.fixture(scope="module")
def still() -> Report:
    """A synthetic lifter standing still for 5 s, lost for 20 frames in the middle: no reps."""
    t = np.arange(150) / 30.0
    pose = side_view_pose(t, np.full(150, 5.0), np.full(150, 5.0))
    pose.xy_px[60:80] = np.nan
    pose.visibility[60:80] = 0.0
    return analyze_pose(pose)


def flagged(report: Report, message: str = "rep 3: low back arched <b>11 deg</b> & more") -> Report:
    """The report with an arched-back flag added on rep 3 (the stored clips have none)."""
    r3 = report.reps[2]
    fault = Fault("lumbar_extension", 3, r3.rep.start_s + 0.3, r3.rep.turn_s, 11.0, message)
    reps = [dataclasses.replace(s, faults=(fault,)) if s.rep.index == 3 else s for s in report.reps]
    return dataclasses.replace(report, reps=reps, faults=[fault])


def jpeg(bgr: tuple[int, int, int] = THUMB_BGR) -> bytes:
    img = np.zeros((180, 320, 3), np.uint8)
    img[:] = bgr
    return cv2.imencode(".jpg", img)[1].tobytes()


def section(page: str, sid: str) -> str:
    """The HTML of one section, by its id."""
    start = page.index(f'<section id="{sid}">')
    return page[start : page.index("</section>", start)]


# ------------------------------------------------------------------ the page as text


@pytest.mark.parametrize("name", ["side", "front", "still"])
def test_page_is_self_contained_with_a_csp_that_forbids_fetching(name: str, request) -> None:
    report = request.getfixturevalue(name)
    thumbs = {t: jpeg() for t in flagged_frame_times_s(flagged(report))} if report.reps else None
    page = to_html(flagged(report) if report.reps else report, thumbs)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page
    assert "default-src 'none'" in CSP and "img-src data:" in CSP
    assert "http:" not in page and "https:" not in page
    refs = [m.group(1) or m.group(2) for m in URL_REFS.finditer(page)]
    assert all(r.startswith(("data:", "#")) for r in refs), [r[:40] for r in refs if not r.startswith("data:")]
    assert not [r for r in refs if r.startswith("//")]
    for tag in ("<script", "<link", "<iframe", "<object", "<embed", "@import"):
        assert tag not in page.lower(), tag


def test_verdict_comes_first(side: Report) -> None:
    page = to_html(side)
    assert escape(side.verdict) in page
    first_section = page.index("<section")
    assert page.index(escape(side.verdict)) < page.index('<section id="knee">')
    assert page[first_section:].startswith('<section id="verdict">')
    order = ["verdict", "knee", "zone-bars", "toe", "lumbar", "reps", "thumbs", "view", "coverage", "warnings"]
    assert [page.index(f'<section id="{s}">') for s in order] == sorted(
        page.index(f'<section id="{s}">') for s in order
    )


@pytest.mark.parametrize("name, n_reps", [("side", 10), ("front", 3), ("still", 0)])
def test_rep_table_has_a_row_per_rep(name: str, n_reps: int, request) -> None:
    report = request.getfixturevalue(name)
    assert len(report.reps) == n_reps
    reps = section(to_html(report), "reps")
    assert reps.count('<tr class="rep"') == n_reps
    for s in report.reps:
        assert f'<tr class="rep" data-rep="{s.rep.index}"><td>{s.rep.index}' in reps
    if n_reps == 0:
        assert "No complete reps found." in reps


def test_zone_bands_are_shaded_in_their_head_colours(side: Report) -> None:
    knee = section(to_html(side), "knee")
    assert len(side.zone_defs) == 4
    for z in side.zone_defs:
        band = re.search(rf'<rect class="band" data-head="{z.head}"[^>]*fill="([^"]+)"', knee)
        assert band, z.head
        assert band.group(1) == HEADS[z.head].colour_hex
    assert knee.count('class="rep-span"') == 10
    assert len({h.colour_hex for h in HEADS.values()}) == 4


def test_all_text_is_escaped(side: Report) -> None:
    evil = dataclasses.replace(
        flagged(side),
        source='<script>alert("src")</script>.mp4',
        warnings=["<img src=x onerror=alert(1)> & co"],
    )
    page = to_html(evil, {side.reps[2].rep.turn_s: jpeg()})
    assert "<script>" not in page and "<img src=x" not in page and "<b>11 deg</b>" not in page
    assert "&lt;script&gt;alert(&quot;src&quot;)&lt;/script&gt;.mp4" in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in page
    assert "low back arched &lt;b&gt;11 deg&lt;/b&gt; &amp; more" in section(page, "thumbs")


def test_missing_values_break_the_line_and_are_never_drawn_as_zero(still: Report) -> None:
    assert line_path_d(np.arange(6.0), np.array([1, 2, np.nan, np.nan, 3, 4.0])) == (
        "M0.0,1.0 1.0,2.0M4.0,3.0 5.0,4.0"
    )
    assert line_path_d(np.arange(3.0), np.array([np.nan, 7.0, np.nan])) == "M1.0,7.0h0"
    assert line_path_d(np.arange(3.0), np.full(3, np.nan)) == ""
    # the synthetic lifter vanished for 20 frames: each knee's line has two pieces, not one
    knee = section(to_html(still), "knee")
    for side in ("left", "right"):
        d = re.search(rf'<path class="line leg-{side}" d="([^"]+)"', knee).group(1)
        assert d.count("M") == 2, side


def test_toes_say_why_from_the_side_and_are_charted_from_the_front(side: Report, front: Report) -> None:
    toe_side = section(to_html(side), "toe")
    assert "<svg" not in toe_side and "not measured from a side view" in toe_side
    toe_front = section(to_html(front), "toe")
    assert 'class="dead-band"' in toe_front
    assert toe_front.count('class="toe"') == 2 * len(front.reps)  # both feet, every rep
    assert "Set bias: <b>out</b>" in toe_front


def test_toes_off_square_show_the_pair_and_why_not_each_foot(front: Report) -> None:
    """The same feet seen from an oblique yaw: one mean per rep (a diamond), no foot on its own,
    and the feet's disagreement said in words."""
    feet = (17.0, -3.0)
    reps = [dataclasses.replace(s, toe_deg=feet, toe_bias="unknown") for s in front.reps]
    reason = "the two feet read differently from this angle (left +17°, right −3°): toe rotation not judged"
    oblique = dataclasses.replace(
        front, reps=reps, view=dataclasses.replace(front.view, view="oblique", yaw_deg=38.0),
        toe=ToeCall("unknown", feet, False, reason), toe_bias="unknown")
    toe = section(to_html(oblique), "toe")
    assert toe.count('class="toe"') == 0 and toe.count('class="toe pair"') == len(reps)
    assert "mean of both feet" in toe and "left foot" not in toe
    assert "rep 1, mean of both feet: +7.0 deg" in toe
    assert escape("The two feet read differently from this angle (left +17°, right −3°)") in toe
    assert "From an oblique view (hips 38°" in toe
    table = section(to_html(oblique), "reps")
    assert "toes pair °" in table and "<td>+7 unknown</td>" in table and "+17 / " not in table
    assert "toes L / R °" in section(to_html(front), "reps")


def unranged(report: Report) -> Report:
    """The report without any likely ranges (as for a view the error model knows nothing of)."""
    def bare(z):
        return dataclasses.replace(z, likely_s={})
    reps = [dataclasses.replace(r, zones=tuple(bare(z) for z in r.zones)) for r in report.reps]
    return dataclasses.replace(report, zones=tuple(bare(z) for z in report.zones),
                               zones_clip=tuple(bare(z) for z in report.zones_clip), reps=reps)


def ranged(report: Report) -> Report:
    """The set's left knee given likely ranges (as the error model fills them); the right none."""
    report = unranged(report)
    left, right = report.zones
    likely = {h: (s - 0.44, s + 0.37) for h, s in left.seconds.items()}
    return dataclasses.replace(report, zones=(dataclasses.replace(left, likely_s=likely), right))


def test_the_verdict_shows_each_legs_seconds_with_its_likely_range(side: Report) -> None:
    report = ranged(side)
    verdict = section(to_html(report), "verdict")
    left, right = report.zones
    for h in left.seconds:
        lo, hi = left.likely_s[h]
        words = f"{left.seconds[h]:.1f} s (likely {np.floor(lo * 10) / 10:.1f}–{np.ceil(hi * 10) / 10:.1f} s)"
        assert f'<tspan font-weight="600">L</tspan> {words}</text>' in verdict, h
        assert f'<tspan font-weight="600">R</tspan> {right.seconds[h]:.1f} s</text>' in verdict, h  # no range
    assert verdict.count('class="whisker"') == len(left.seconds)  # one per ranged bar, none for the right leg
    assert verdict.count('class="secs"') == 2 * len(left.seconds)
    assert "how far the knee angle can be off from this side view" in verdict
    plain = section(to_html(unranged(side)), "verdict")
    assert 'class="whisker"' not in plain and "(likely" not in plain
    assert "No error range is known for this view" in plain
    assert "The verdict speaks for the left leg only." in plain  # the far knee is seen 3.5 s of 15.7


def test_rep_cells_carry_the_likely_range_on_hover(side: Report) -> None:
    side = unranged(side)
    rep1 = side.reps[0]
    z = dataclasses.replace(rep1.zones[0], likely_s={"biceps_femoris_short": (0.5, 1.02)})
    report = dataclasses.replace(side, reps=[dataclasses.replace(rep1, zones=(z, rep1.zones[1]))] + side.reps[1:])
    page = to_html(report)
    assert 'title="left: likely 0.5–1.1 s"' in section(page, "reps")
    assert (f"<title>rep 1 left: biceps femoris short head {z.seconds['biceps_femoris_short']:.2f} s (likely "
            "0.5–1.1 s)</title>") in section(page, "zone-bars")
    assert "hover a cell for the likely range" in section(page, "reps")
    assert "hover a cell" not in section(to_html(side), "reps")


def test_the_view_is_named_by_its_label(side: Report) -> None:
    rear = dataclasses.replace(side, view=dataclasses.replace(side.view, view="oblique", rear=True))
    page = to_html(rear)
    assert "<b>rear-oblique view</b>" in section(page, "view")
    assert "From this rear-oblique view the knee angle" in section(page, "knee")


def test_low_back_section_has_each_reps_state_and_trace_or_says_why_not(side: Report, front: Report) -> None:
    plain = section(to_html(side), "lumbar")
    call = side.back
    assert call.judged and 'class="threshold"' in plain and 'class="line back-' in plain
    assert plain.count("<tr><td>") == len(call.reps)  # one row per rep, with its state
    for r in call.reps:
        assert {"flexed": "rounded"}.get(r.state, r.state) in plain
    assert "Stack over time" in plain and 'class="line pelvis-tilt"' in plain
    no_view = section(to_html(front), "lumbar")
    assert "Low back not judged:" in no_view and "off side-on" in no_view
    assert 'class="line back-' not in no_view  # nothing judged is drawn as judged


def test_thumbnails_are_embedded_with_their_fault_as_caption(side: Report) -> None:
    report = flagged(side, "rep 3: low back arched about 11 deg")
    times = flagged_frame_times_s(report)
    assert len(times) == 1 and report.faults[0].start_s <= times[0] <= report.faults[0].end_s
    thumbs = section(to_html(report, {times[0]: jpeg()}), "thumbs")
    assert thumbs.count("<img ") == 1 and 'src="data:image/jpeg;base64,' in thumbs
    assert "rep 3: low back arched about 11 deg</figcaption>" in thumbs
    for none in (None, {}):
        assert "No thumbnails in this report" in section(to_html(report, none), "thumbs")


def test_view_trust_and_coverage_match_the_json_report(side: Report) -> None:
    page = to_html(side)
    view = section(page, "view")
    assert "<b>side view</b>" in view and f"hips {side.view.yaw_deg:.0f}°" in view
    for measure, trust in side.view.trust.items():
        assert f"{trust:.0%}</td>" in view, measure
    coverage = section(page, "coverage")
    right_knee = to_dict(side)["coverage"]["knee_deg"]["right"]
    (reason, n), = right_knee["missing_because"].items()
    assert f"{reason}: {n} frames" in coverage
    assert f"<b>{side.coverage:.0%}</b> of {side.n_frames} frames" in coverage
    warnings = section(page, "warnings")
    assert all(escape(w) in warnings for w in side.warnings) and side.warnings


def test_a_set_with_no_reps_still_renders_and_says_so(still: Report) -> None:
    page = to_html(still)
    assert still.reps == [] and escape(still.verdict) in page
    assert "No complete reps" in section(page, "zone-bars") and 'class="seg"' not in page
    assert "No complete reps, so no toe rotation per rep." in section(page, "toe")
    assert "Share of the whole clip" in section(page, "verdict")
    assert "<svg" in section(page, "knee")


# ------------------------------------------------------------------ the page in a real browser


@pytest.mark.browser
def test_chromium_draws_the_report_without_errors_or_requests(side: Report, tmp_path: Path) -> None:
    report = flagged(side, "rep 3: low back arched about 11 deg past neutral")
    page = tmp_path / "report.html"
    page.write_text(to_html(report, {t: jpeg() for t in flagged_frame_times_s(report)}), encoding="utf-8")
    b = browse(page, tmp_path)

    assert b.console == [] and b.page_requests == []
    assert escape(report.verdict) in b.dom and b.dom.count('<tr class="rep"') == 10
    assert b.png.shape == (5000, 1200, 3)
    packed = b.png.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], np.uint32)
    assert len(np.unique(packed)) > 500 and b.png.std() > 10  # text, charts and shading, not a blank page
    for head in HEADS.values():  # legend swatches and share bars in each head's colour
        assert np.all(b.png == head.colour_bgr, axis=2).sum() > 300, head.key
    near_thumb = np.all(np.abs(b.png.astype(int) - THUMB_BGR) <= 12, axis=2).sum()
    assert near_thumb > 0.8 * 230 * 130, "the embedded JPEG thumbnail was not drawn"


@pytest.mark.browser
def test_the_browser_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    """The harness itself: a page without the CSP that asks for an image over http shows up in the
    network log, and its script error on the console (so the empty lists above mean something)."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><body><p>leaky</p><img src="http://127.0.0.1:9/x.png">'
                    '<script>throw new Error("boom")</script></body></html>')
    b = browse(page, tmp_path, window=(400, 300))
    assert b.page_requests == ["http://127.0.0.1:9/x.png"]
    assert any("boom" in line for line in b.console) and "leaky" in b.dom
