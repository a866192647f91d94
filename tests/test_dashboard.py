"""The coach's dashboard: per lifter and session, the sets over time, each head's pooled share, the
faults; every set linked to its page; a session with no measured rep time drawn as missing; the
same bytes for the same sets in any order; escaped; and drawn by a real browser without a request.

The sets are written by hand (no video, no batch): two named lifters over three dated sessions and
one undated, a set without a lifter, and a video that could not be analysed.
"""

from __future__ import annotations

import dataclasses
import random
import re
from html import escape, unescape
from pathlib import Path

import numpy as np
import pytest

from browser import browse
from formcheck.report.html.dashboard import to_dashboard
from formcheck.report.html.page import CSP
from formcheck.types import SetFailure, SetSummary
from formcheck.vocab import FAULTS, HEADS, NO_ZONE_COLOUR_HEX

# every attribute or CSS function that could make a browser fetch something (as in test_html_report)
URL_REFS = re.compile(
    r"""\b(?:src|href|xlink:href|srcset|poster|action|data)\s*=\s*["']?([^"'\s>]*)|url\(\s*["']?([^"')\s]*)""",
    re.IGNORECASE,
)
SHARE_PLOT_PX = 300.0 - 26.0 - 40.0  # the share chart's height less svg.PAD_T and PAD_B
SM, BFL, BFS, ST = HEADS


def a_set(name: str, lifter: str, date: str, zone_s: dict[str, float], measured_s: float,
          faults: dict[str, int] | None = None, family: str | None = "hinge", n_reps: int = 6) -> SetSummary:
    return SetSummary(
        key=f"k-{lifter}-{date}-{name}", name=name, lifter=lifter, date=date, family=family, n_reps=n_reps,
        duration_s=30.0, zone_s=zone_s, measured_s=measured_s, faults=faults or {}, toe_bias="neutral",
        back="neutral", verdict=f"{name}: mostly the semis.", page=f"sets/{lifter or 'anon'}-{date}-{name}.html",
    )


SETS = [
    # Ana: three dated sessions (one of them with no measured rep time) and one with no date
    a_set("rdl1.mp4", "Ana", "2024-03-01", {SM: 6.0, BFL: 2.0}, 10.0),
    a_set("rdl2.mp4", "Ana", "2024-03-01", {SM: 3.0, ST: 3.0}, 10.0, {"lumbar_extension": 2}),
    a_set("nordic.mp4", "Ana", "2024-03-08", {BFS: 4.0, ST: 4.0}, 8.0, family="knee_flexion"),
    a_set("squat.mp4", "Ana", "2024-03-08", {BFL: 1.0}, 4.0, {"squatting": 3, "lean_back": 1}, family="squat"),
    a_set("dark.mp4", "Ana", "2024-04-02", {}, 0.0, family=None, n_reps=0),
    a_set("old.mp4", "Ana", "", {SM: 2.0}, 4.0),
    # Ben: three dated sessions
    a_set("a.mp4", "Ben", "2024-03-02", {SM: 1.0, BFL: 1.0, BFS: 1.0, ST: 1.0}, 8.0),
    a_set("b.mp4", "Ben", "2024-03-05", {BFL: 5.0}, 5.0, {"back_rounded": 1}),
    a_set("c.mp4", "Ben", "2024-03-05", {SM: 5.0}, 10.0, {"lumbar_extension": 1, "back_rounded": 2}),
    a_set("d.mp4", "Ben", "2024-03-20", {ST: 7.5}, 10.0),
    # no lifter given
    a_set("who.mp4", "", "2024-03-03", {SM: 2.0}, 2.0),
]
FAILURES = [SetFailure("k-bad", "broken.mp4", "Ben", "2024-03-05", 3, "could not decode broken.mp4")]
SESSIONS = {"Ana": ["2024-03-01", "2024-03-08", "2024-04-02", "date unknown"],
            "Ben": ["2024-03-02", "2024-03-05", "2024-03-20"], "": ["2024-03-03"]}


@pytest.fixture(scope="module")
def page() -> str:
    return to_dashboard(SETS, FAILURES)


def lifter_section(page: str, lifter: str) -> str:
    """The HTML of one lifter's section, found by its heading."""
    h2 = page.index(f"<h2>{escape(lifter or 'Lifter not given')}</h2>")
    return page[page.rindex("<section", 0, h2) : page.index("</section>", h2)]


def elements(html: str, cls: str) -> list[dict[str, str]]:
    """The attributes of every element of class ``cls``, unescaped."""
    tags = re.findall(rf'<\w+[^>]* class="{cls}"[^>]*>', html)
    return [{k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', t)} for t in tags]


def pooled(lifter: str, date: str, head: str) -> float:
    sets = [s for s in SETS if s.lifter == lifter and s.date == date]
    return sum(s.zone_s.get(head, 0.0) for s in sets) / sum(s.measured_s for s in sets)


# ------------------------------------------------------------------ the page as text


def test_each_lifter_has_a_section_in_name_order_and_the_header_counts(page: str) -> None:
    h2s = re.findall(r'<section id="lifter-\d+"><h2>([^<]*)</h2>', page)
    assert h2s == ["Ana", "Ben", "Lifter not given"]
    assert "3 lifters · 8 sessions · 11 sets · 1 failure" in page
    for lifter, dates in SESSIONS.items():
        sec = lifter_section(page, lifter)
        assert [e["data-session"] for e in elements(sec, "fault-total")] == dates  # undated last
        assert sec.count("<svg") == 3 and 'class="set"' in sec


def test_share_bars_are_the_pooled_shares_of_each_session(page: str) -> None:
    for lifter, dates in SESSIONS.items():
        bars = elements(lifter_section(page, lifter), "share")
        for date in dates:
            if date in ("2024-04-02", "date unknown"):
                continue
            mine = [b for b in bars if b["data-session"] == date]
            heads = {b["data-head"]: b for b in mine}
            assert mine and len(heads) == len(mine)
            for head in HEADS:
                share = pooled(lifter, date, head)
                assert (head in heads) == (share > 0), (lifter, date, head)
                if share > 0:
                    assert float(heads[head]["data-share"]) == pytest.approx(share, abs=1e-5)
                    assert float(heads[head]["height"]) == pytest.approx(share * SHARE_PLOT_PX, abs=0.11)
            rest = 1.0 - sum(pooled(lifter, date, h) for h in HEADS)
            if rest > 0:
                assert float(heads["none"]["height"]) == pytest.approx(rest * SHARE_PLOT_PX, abs=0.11)
            else:
                assert "none" not in heads
            assert sum(float(b["height"]) for b in mine) == pytest.approx(SHARE_PLOT_PX, abs=0.3)
            assert {b["fill"] for b in mine} <= {HEADS[h].colour_hex for h in HEADS} | {NO_ZONE_COLOUR_HEX}
    # Ana's 8 March pools 4 s of 12 measured, not the mean of each set's share (0.5 and 0: 0.25)
    ana = elements(lifter_section(page, "Ana"), "share")
    st = [b for b in ana if b["data-session"] == "2024-03-08" and b["data-head"] == ST]
    assert float(st[0]["data-share"]) == pytest.approx(4 / 12, abs=1e-5)


def test_a_session_with_no_measured_rep_time_is_drawn_missing_never_as_zero(page: str) -> None:
    ana = lifter_section(page, "Ana")
    missing = elements(ana, "share-missing")
    assert [m["data-session"] for m in missing] == ["2024-04-02"]
    assert float(missing[0]["height"]) == pytest.approx(SHARE_PLOT_PX, abs=0.11)  # the whole scale, hatched
    assert missing[0]["fill"].startswith("url(#") and missing[0]["stroke-dasharray"]
    assert "not measured</text>" in ana
    assert not [b for b in elements(ana, "share") if b["data-session"] == "2024-04-02"]
    assert not re.search(r'data-share="0\.0+"', page) and not re.search(r"\bnan\b", page, re.I)
    # the undated session was measured: it has its bars
    assert [b for b in elements(ana, "share") if b["data-session"] == "date unknown"]


def test_faults_per_session_are_counted_by_kind_and_zero_is_visible(page: str) -> None:
    for lifter, dates in SESSIONS.items():
        sec = lifter_section(page, lifter)
        bars, totals = elements(sec, "fault"), elements(sec, "fault-total")
        zeros = {z["data-session"] for z in elements(sec, "fault-zero")}
        for date, total in zip(dates, totals):
            want: dict[str, int] = {}
            for s in SETS:
                if s.lifter == lifter and (s.date or "date unknown") == date:
                    for k, n in s.faults.items():
                        want[k] = want.get(k, 0) + n
            got = {b["data-kind"]: int(b["data-count"]) for b in bars if b["data-session"] == date}
            assert got == want, (lifter, date)
            assert int(total["data-total"]) == sum(want.values())
            assert (date in zeros) == (not want)
        kinds = {b["data-kind"] for b in bars}
        assert all(FAULTS[k].short in sec for k in kinds)  # the legend names each kind as the set page does
    ben = {(b["data-session"], b["data-kind"]): int(b["data-count"])
           for b in elements(lifter_section(page, "Ben"), "fault")}
    assert ben == {("2024-03-05", "back_rounded"): 3, ("2024-03-05", "lumbar_extension"): 1}


def test_sets_over_time_are_spaced_by_the_calendar(page: str) -> None:
    marks = elements(lifter_section(page, "Ana"), "set-mark")
    assert len(marks) == 6
    x = {}
    for m in marks:
        cx, _ = map(float, re.fullmatch(r"translate\(([\d.]+) ([\d.]+)\)", m["transform"]).groups())
        x.setdefault(m["data-session"], set()).add(cx)
    assert all(len(v) == 1 for v in x.values())  # one column per day, stacked
    x1, x8, xa, xu = (x[d].pop() for d in SESSIONS["Ana"])
    assert (x8 - x1) / (xa - x1) == pytest.approx(7 / 32, abs=0.01)
    assert xu > xa  # the unknown date after the dated ones
    assert {m["data-family"] for m in marks} == {"hinge", "knee_flexion", "squat", "none"}


def test_every_set_is_linked_by_its_page_and_failures_are_listed(page: str) -> None:
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    for s in SETS:
        assert hrefs.count(s.page) == 2, s.page  # its mark and its row in the list
    assert {h for h in hrefs if not h.startswith("#")} == {s.page for s in SETS}
    fails = page[page.index('<section id="failures">') :]
    assert "<h2>Could not analyse</h2>" in fails
    row = re.search(r'<tr class="failure">(.*?)</tr>', fails).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["broken.mp4", "Ben", "2024-03-05", "3",
                                                         "could not decode broken.mp4"]
    assert 'id="failures"' not in to_dashboard(SETS, [])


def test_the_page_is_self_contained(page: str) -> None:
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in page
    assert "http:" not in page and "https:" not in page
    refs = [m.group(1) or m.group(2) for m in URL_REFS.finditer(page)]
    assert refs and not [r for r in refs if r.startswith("//") or re.match(r"[a-z][a-z0-9+.-]*:", r, re.I)]
    for tag in ("<script", "<link", "<iframe", "<object", "<embed", "@import", "<img"):
        assert tag not in page.lower(), tag
    assert '<svg viewBox="0 0 760 ' in page  # scales to the screen


def test_the_same_sets_in_any_order_give_the_same_bytes(page: str) -> None:
    rng = random.Random(7)
    for _ in range(5):
        sets, fails = SETS[:], FAILURES + [dataclasses.replace(FAILURES[0], key="k2", name="a.mov")]
        rng.shuffle(sets)
        rng.shuffle(fails)
        again = to_dashboard(sets, fails)
        assert again == to_dashboard(sorted(SETS, key=lambda s: s.key), sorted(fails, key=lambda x: x.key))
    assert to_dashboard(list(reversed(SETS)), FAILURES) == page


def test_everything_user_supplied_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    s = dataclasses.replace(SETS[0], lifter=evil, name='x"><b>n.mp4', verdict="<b>bold</b> & more",
                            page='sets/a "b" #1.html', faults={"<i>odd</i>": 1})
    bad = dataclasses.replace(s, page="javascript:alert(1)", name="j.mp4", key="k-j")
    fail = SetFailure("k", "<img src=x>.mp4", evil, "<d>", 2, "<svg onload=alert(1)>")
    page = to_dashboard([s, bad], [fail], title="<title>")
    assert "<script" not in page.lower() and "<b>" not in page and "<img" not in page.lower()
    assert "<svg onload" not in page and "<i>odd" not in page and "<d>" not in page
    assert f"<h2>{escape(evil)}</h2>" in page and escape("<b>bold</b> & more") in page
    assert "&lt;title&gt;" in page and escape("<i>odd</i>".replace("_", " ")) in page
    hrefs = re.findall(r'href="([^"#][^"]*)"', page)
    assert set(hrefs) == {"sets/a%20%22b%22%20%231.html", "javascript%3Aalert%281%29"}  # paths, never a scheme


def test_an_empty_batch_still_renders() -> None:
    page = to_dashboard([], [])
    assert "0 lifters · 0 sessions · 0 sets · 0 failures" in page and "<svg" not in page
    assert "Could not analyse" in to_dashboard([], FAILURES)


# ------------------------------------------------------------------ the page in a real browser


@pytest.mark.browser
def test_chromium_draws_the_dashboard_without_errors_or_requests(page: str, tmp_path: Path) -> None:
    path = tmp_path / "dashboard.html"
    path.write_text(page, encoding="utf-8")
    b = browse(path, tmp_path, window=(1200, 3600))

    assert b.console == [] and b.page_requests == []
    assert b.dom.count('class="set-mark"') == len(SETS) and b.dom.count('<tr class="failure"') == 1
    assert b.png.shape == (3600, 1200, 3)
    packed = b.png.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], np.uint32)
    assert len(np.unique(packed)) > 300 and b.png.std() > 10  # text, charts and shading, not a blank page
    for head in HEADS.values():  # legend swatches and share bars in each head's colour
        assert np.all(b.png == head.colour_bgr, axis=2).sum() > 300, head.key
