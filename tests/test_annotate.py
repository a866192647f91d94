"""The annotated video: it keeps the source's frames and time base, and what it draws on a frame is
what the analysis says about that frame.

One pose run on a committed render (an arched back flagged in all 3 reps, side view, so the far
knee is never measured) feeds every video test; the annotators are also checked on blank frames
with hand-made views, where colours are exact (the video is lossy, so there a pixel is classified
as the nearest of the palette's colours).
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck import vocab
from formcheck.analysis.frame_view import BackGauge, FrameView, frame_view
from formcheck.config import ZONES, BackConfig
from formcheck.io.video import open_video
from formcheck.io.video_writer import CODEC_WARNING, FALLBACK_FOURCC, AnnotatedVideo, choose_codec, output_fps
from formcheck.render import annotators as A
from formcheck.render import draw, gauge
from formcheck.render.annotated_video import annotate_video
from formcheck.render.layout import frame_layout
from formcheck.types import Fault, PoseSequence, Report

CLIP = Path(__file__).parent / "data" / "renders" / "rdl_y90_p0_b5_arched_soft_neutral.mp4"
HEADS = [z.head for z in ZONES]


@pytest.fixture(scope="module")
def analysed() -> tuple[Report, PoseSequence]:
    from formcheck.api import analyze_with_pose

    return analyze_with_pose(CLIP)


ARCHED = Path(__file__).parent / "data" / "renders15" / "rdl_arched15_b34_y75_p5"  # 2 reps, flagged arched


@pytest.fixture(scope="module")
def arched() -> tuple[Report, PoseSequence, Path]:
    """A rendered RDL whose back arches 15 deg in the hinge (flagged in both reps), its stored pose
    and the video drawn from it."""
    from formcheck.analysis.pipeline import analyze_pose
    from formcheck.io.landmarks import load_pose

    pose = load_pose(f"{ARCHED}.pose.npz")
    return analyze_pose(pose), pose, Path(f"{ARCHED}.mp4")


@pytest.fixture(scope="module")
def arched_video(arched, tmp_path_factory) -> Path:
    report, pose, clip = arched
    out = tmp_path_factory.mktemp("arched") / "arched.mp4"
    return annotate_video(clip, pose, report, out).path


@pytest.fixture(scope="module")
def annotated(analysed, tmp_path_factory) -> Path:
    report, pose = analysed
    out = tmp_path_factory.mktemp("annot") / "annotated.mp4"
    path, codec = annotate_video(CLIP, pose, report, out)
    # the test extra installs imageio-ffmpeg, so this is the H.264 a browser plays
    assert path == out and codec == "libx264"
    return out


def test_the_annotated_video_is_h264(annotated: Path) -> None:
    cap = cv2.VideoCapture(str(annotated))
    try:
        fourcc = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode(errors="replace")
    finally:
        cap.release()
    assert fourcc.lower() in ("avc1", "h264")


def test_a_browser_plays_the_annotated_video(annotated: Path, tmp_path: Path) -> None:
    """Headless Chromium loads it to the end (readyState 4) at the input's size and duration."""
    from browser import chromium

    shutil.copyfile(annotated, tmp_path / "v.mp4")
    (tmp_path / "t.html").write_text(
        '<div id="r">pending</div><video id="v" src="v.mp4" muted preload="auto"></video><script>'
        'setTimeout(function(){var v=document.getElementById("v");document.getElementById("r")'
        '.textContent=[v.readyState,v.error?v.error.code:0,v.videoWidth,v.videoHeight,v.duration]'
        '.join(",")},3000)</script>'
    )
    out = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=8000", "--dump-dom", (tmp_path / "t.html").as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    state, error, w, h, duration = out.split('<div id="r">')[1].split("<")[0].split(",")
    assert (state, error, w, h) == ("4", "0", "360", "640")
    assert float(duration) == pytest.approx(11.7, abs=0.05)


def test_without_ffmpeg_opencv_writes_with_a_warning(analysed, tmp_path: Path) -> None:
    report, pose = analysed
    result = annotate_video(CLIP, pose, report, tmp_path / "plain.mp4", use_ffmpeg=False)
    assert result.codec in ("avc1", "H264", FALLBACK_FOURCC)
    assert (result.warning is None) == (result.codec != FALLBACK_FOURCC)
    cap = cv2.VideoCapture(str(result.path))
    try:
        assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == len(pose)
    finally:
        cap.release()


def _frames(path: Path, wanted: set[int]) -> dict[int, np.ndarray]:
    """The decoded frames at the wanted indices."""
    got = {}
    with open_video(path) as video:
        for i, (_, frame) in enumerate(video):
            if i in wanted:
                got[i] = frame
            if i >= max(wanted):
                break
    return got


def _palette() -> dict[str, tuple[int, int, int]]:
    """Every colour a gauge arc can take, by name."""
    colors = {f"lit {h}": vocab.head(h).colour_bgr for h in HEADS}
    colors.update({f"dim {h}": draw.dim(vocab.head(h).colour_bgr) for h in HEADS})
    colors.update(missing=draw.MISSING_BGR, track=draw.TRACK_BGR, panel=draw.PANEL_BGR, text=draw.TEXT_BGR)
    return colors


def _nearest(pixel: np.ndarray, colors: dict[str, tuple[int, int, int]]) -> str:
    return min(colors, key=lambda k: float(np.sum((pixel.astype(float) - colors[k]) ** 2)))


def _patch(frame: np.ndarray, xy: tuple[int, int]) -> np.ndarray:
    """Median colour of the 3x3 patch at xy (smooths codec noise)."""
    x, y = xy
    return np.median(frame[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3), axis=0)


def _zone(head: str):
    return next(z for z in ZONES if z.head == head)


def _arc_sample_deg(head: str, needle_deg: float) -> float:
    """A knee angle on ``head``'s arc clear of the needle: its middle, or the middle of the
    third farthest from the needle when the needle is near the middle."""
    z = _zone(head)
    lo, hi = max(z.lo_deg, gauge.DIAL_MIN_DEG), min(z.hi_deg, gauge.DIAL_MAX_DEG)
    mid = (lo + hi) / 2
    if not math.isfinite(needle_deg) or abs(needle_deg - mid) > (hi - lo) / 2 + 8.0:
        return mid
    near_lo, near_hi = lo + (hi - lo) / 6, hi - (hi - lo) / 6
    return near_lo if abs(near_lo - needle_deg) > abs(near_hi - needle_deg) else near_hi


def _gauge(frame: np.ndarray, side: int) -> gauge.GaugeGeometry:
    lay = frame_layout(frame)
    return gauge.gauge_geometry(lay.knee_gauges[side], lay.unit_px)


# ---------------------------------------------------------------- the video


def test_annotated_video_keeps_frames_size_and_time(annotated) -> None:
    with open_video(CLIP) as src:
        t_in = np.array([t for t, _ in src])
        info_in = src.info
    with open_video(annotated) as out:
        t_out = np.array([t for t, _ in out])
        info_out = out.info
    size_out = (info_out.width_px, info_out.height_px)
    assert size_out == (info_in.width_px, info_in.height_px) == (360, 640)
    assert len(t_out) == len(t_in) == 351
    frame_s = 1.0 / info_in.fps_nominal
    assert abs((t_out[-1] - t_out[0]) - (t_in[-1] - t_in[0])) < 0.5 * frame_s
    np.testing.assert_allclose(t_out, t_in, atol=0.5 * frame_s)


def test_gauge_lights_the_zone_the_report_gives(analysed, annotated) -> None:
    """Left knee (the near leg) in the semimembranosus zone: that arc lit, the others dim."""
    report, pose = analysed
    heads = [frame_view(report, pose, i).knee_head[0] for i in range(len(pose))]
    i = heads.index("semimembranosus")
    knee_deg = report.measures.knee_deg.values[i, 0]
    frame = _frames(annotated, {i})[i]
    g = _gauge(frame, 0)
    palette = _palette()
    lit = _patch(frame, g.point(_arc_sample_deg("semimembranosus", knee_deg)))
    assert _nearest(lit, palette) == "lit semimembranosus"
    for other in ("semitendinosus", "biceps_femoris_short"):
        got = _nearest(_patch(frame, g.point(_arc_sample_deg(other, knee_deg))), palette)
        assert got == f"dim {other}"


def test_gauge_lights_nothing_between_zones(analysed, tmp_path) -> None:
    """A knee between zones lights no arc. This RDL's knees stay in the semimembranosus zone
    (under 15 deg), so its left knee is read 20 deg deeper: at the bottom of rep 1 it is then
    between that zone and the long head's (45): every arc dim."""
    report, pose = analysed
    knee = report.measures.knee_deg
    deeper = dataclasses.replace(knee, values=knee.values + np.array([20.0, 0.0]))
    report = dataclasses.replace(report, measures=dataclasses.replace(report.measures, knee_deg=deeper))
    i = report.reps[0].rep.i_turn
    view = frame_view(report, pose, i)
    assert view.knee_head[0] == "" and 15.0 < view.knee_deg[0] < 45.0
    out, _ = annotate_video(CLIP, pose, report, tmp_path / "deeper.mp4")
    frame = _frames(out, {i})[i]
    g = _gauge(frame, 0)
    for head in HEADS:
        got = _nearest(_patch(frame, g.point(_arc_sample_deg(head, view.knee_deg[0]))), _palette())
        assert got == f"dim {head}"


def test_far_knee_never_measured_draws_a_grey_gauge(analysed, annotated) -> None:
    report, pose = analysed
    i = 40
    assert np.isnan(report.measures.knee_deg.values[i, 1])
    frame = _frames(annotated, {i})[i]
    g = _gauge(frame, 1)
    for head in HEADS:
        got = _nearest(_patch(frame, g.point(_arc_sample_deg(head, math.nan))), _palette())
        assert got == "missing"


def test_fault_banner_shows_only_while_the_fault_is_active(arched, arched_video) -> None:
    report, pose, _clip = arched
    lumbar = [f for f in report.faults if f.kind == "lumbar_extension"]
    assert len(lumbar) == 2
    f = lumbar[0]
    inside = int(np.argmin(np.abs(pose.t_s - (f.start_s + f.end_s) / 2)))
    outside = 0
    assert not any(x.start_s <= pose.t_s[outside] <= x.end_s for x in report.faults)
    frames = _frames(arched_video, {inside, outside})
    lay = frame_layout(frames[inside])
    b = lay.banner_at(0)
    spot = (b.x + round(4 * lay.unit_px), b.cy)  # inside the banner, left of its centred text
    red = np.array(draw.FAULT_BGR, float)
    assert np.linalg.norm(_patch(frames[inside], spot) - red) < 40
    assert np.linalg.norm(_patch(frames[outside], spot) - red) > 100
    # and the low-back bar is red there too: the report's extension is over the flag
    assert report.back.frames.value_deg[inside] > BackConfig().extended_deg
    bar = A.BackAnnotator.bar_rect(lay)
    fill_x = A.BackAnnotator().bar_x(bar, BackConfig().extended_deg / 2)
    assert np.linalg.norm(_patch(frames[inside], (fill_x, bar.cy)) - red) < 40
    # outside reps the bar is grey, never green
    assert report.rep_of_frame[outside] == 0
    grey_x = A.BackAnnotator().bar_x(bar, -1.0)
    assert np.linalg.norm(_patch(frames[outside], (grey_x, bar.cy)) - np.array(draw.TRACK_BGR, float)) < 40


@pytest.mark.parametrize(("back", "colour"), [
    (BackGauge("neutral", "arch", -6.0, 8.3, 15.0, ""), "GOOD_BGR"),
    (BackGauge("flexed", "arch", -22.0, 8.3, 15.0, ""), "FAULT_BGR"),
    (BackGauge("extended", "lean", 18.0, 10.0, math.nan, ""), "FAULT_BGR"),
])
def test_the_back_bar_is_coloured_by_its_state(back, colour) -> None:
    frame = A.BackAnnotator().annotate(np.zeros((640, 360, 3), np.uint8), _view(back=back))
    bar = A.BackAnnotator.bar_rect(frame_layout(frame))
    x = A.BackAnnotator().bar_x(bar, back.value_deg / 2)
    assert tuple(frame[bar.cy, x]) == getattr(draw, colour)
    assert A.BackAnnotator.words(back) in ("neutral", "rounded", "leaning back")


def test_a_back_not_judged_is_grey_never_green() -> None:
    frame = A.BackAnnotator().annotate(np.zeros((640, 360, 3), np.uint8), _view(back=BackGauge(note="not judged")))
    bar = A.BackAnnotator.bar_rect(frame_layout(frame))
    for v in (-20.0, -5.0, 5.0, 20.0):
        assert tuple(frame[bar.cy, A.BackAnnotator().bar_x(bar, v)]) == draw.TRACK_BGR
    green = np.all(frame == np.array(draw.GOOD_BGR, np.uint8), axis=2)
    assert not green.any()


def test_a_pose_shorter_than_the_video_draws_what_exists(analysed, tmp_path) -> None:
    """Frames past the pose are written undrawn; the frame count still matches the source."""
    report, pose = analysed
    k = 100
    short = PoseSequence(
        t_s=pose.t_s[:k], xy_px=pose.xy_px[:k], z_px=pose.z_px[:k], visibility=pose.visibility[:k],
        world_m=pose.world_m[:k], back_offset_px=pose.back_offset_px[:k],
        n_people=pose.n_people[:k],
        width_px=pose.width_px, height_px=pose.height_px, source=pose.source,
    )
    result = annotate_video(CLIP, short, report, tmp_path / "short.mp4")
    with open_video(result.path) as out:
        assert sum(1 for _ in out) == 351
    frames = _frames(result.path, {k + 50})
    raw = _frames(CLIP, {k + 50})
    # no panel drawn past the pose: the top strip is the source's (light background) as decoded
    top = frames[k + 50][:40].astype(float)
    assert abs(top.mean() - raw[k + 50][:40].astype(float).mean()) < 5


# ---------------------------------------------------------------- codec and time base


def test_codec_choice_and_warning() -> None:
    assert choose_codec((64, 48), 30.0, candidates=("XXXX",)) == FALLBACK_FOURCC
    codec = choose_codec((360, 640), 30.0)
    assert codec in ("avc1", "H264", FALLBACK_FOURCC)
    assert AnnotatedVideo(Path("x.mp4"), "mp4v").warning == CODEC_WARNING
    assert AnnotatedVideo(Path("x.mp4"), "avc1").warning is None


def test_output_fps_keeps_the_duration() -> None:
    t = np.arange(301) / 30.0
    assert output_fps(t, 30.0) == 30.0
    assert output_fps(t * 1.001, 30000 / 1001) == 30000 / 1001
    # a container rate that disagrees with the timestamps loses to them
    assert output_fps(t, 25.0) == pytest.approx(30.0)
    assert output_fps(np.zeros(1), math.nan) == 30.0


# ---------------------------------------------------------------- drawing alone


def _view(**changes) -> FrameView:
    xy = np.full((33, 2), np.nan, np.float32)
    base = FrameView(
        index=0, t_s=1.0, xy_px=xy, visibility=np.zeros(33, np.float32), detected=False,
        knee_deg=(5.0, math.nan), knee_head=("semimembranosus", ""), zones=ZONES,
        toe_deg=(12.0, -8.0), back=BackGauge("extended", "arch", 12.0, 8.3, 15.0, ""),
        rep=2, phase="eccentric", reps_done=1,
        faults=(Fault("lumbar_extension", 2, 0.5, 1.5, 12.0, "rep 2: low back arched"),),
        view="side",
    )
    return replace(base, **changes)


@pytest.mark.parametrize("size_wh", [(360, 640), (1920, 1080), (640, 360), (1080, 1920)])
def test_annotators_draw_on_a_blank_frame(size_wh) -> None:
    """No video needed: every annotator draws from a FrameView alone, at any frame size."""
    w, h = size_wh
    view = _view()
    frame = np.zeros((h, w, 3), np.uint8)
    for annotator in A.DEFAULT_ANNOTATORS:
        assert annotator.annotate(frame, view) is frame
    assert frame.shape == (h, w, 3) and frame.dtype == np.uint8
    # lit arc of the active head on the left gauge, exact colour away from the needle
    g = _gauge(frame, 0)
    assert tuple(frame[g.point(-7.0)[::-1]]) == vocab.head("semimembranosus").colour_bgr
    assert tuple(frame[g.point(95.0)[::-1]]) == draw.dim(vocab.head("semitendinosus").colour_bgr)
    # NaN knee: the right gauge is grey all round
    g = _gauge(frame, 1)
    for head in HEADS:
        assert tuple(frame[g.point(_arc_sample_deg(head, math.nan))[::-1]]) == draw.MISSING_BGR
    lay = frame_layout(frame)
    b = lay.banner_at(0)
    assert tuple(frame[b.cy, b.x + 2]) == draw.FAULT_BGR
    # every element stays inside the frame's panel cells, and the layout tiles them apart
    cells = [*lay.knee_gauges, lay.rep, lay.toes, lay.lumbar]
    for c in cells:
        assert c.x >= 0 and c.x1 <= w and c.y >= 0 and c.y1 <= h and c.w > 0 and c.h > 0
    for a_i, a in enumerate(cells):
        for c in cells[a_i + 1 :]:
            assert a.x1 <= c.x or c.x1 <= a.x or a.y1 <= c.y or c.y1 <= a.y, (a, c)


def test_no_fault_no_banner_and_missing_values_drawn_as_missing() -> None:
    view = _view(faults=(), knee_deg=(math.nan, math.nan), knee_head=("", ""),
                 back=BackGauge(note="between reps"), toe_deg=(math.nan, math.nan), rep=0, phase="")
    frame = A.annotate_frame(np.zeros((640, 360, 3), np.uint8), view)
    lay = frame_layout(frame)
    b = lay.banner_at(0)
    assert not np.any(frame[b.y : b.y1, b.x : b.x1])  # nothing drawn where a banner would go
    g = _gauge(frame, 0)
    assert tuple(frame[g.point(-7.0)[::-1]]) == draw.MISSING_BGR


def test_skeleton_draws_joints_by_visibility() -> None:
    xy = np.full((33, 2), np.nan, np.float32)
    xy[23], xy[25], xy[27] = (100, 300), (110, 420), (105, 540)  # left hip, knee, ankle
    vis = np.zeros(33, np.float32)
    vis[[23, 25, 27]] = (0.95, 0.6, 0.2)
    view = _view(xy_px=xy, visibility=vis, detected=True, knee_head=("", ""))
    frame = A.SkeletonAnnotator().annotate(np.zeros((640, 360, 3), np.uint8), view)
    assert tuple(frame[300, 100]) == draw.GOOD_BGR
    assert tuple(frame[420, 110]) == draw.FAIR_BGR
    assert tuple(frame[540, 105]) == draw.POOR_BGR


def test_frame_view_follows_the_report(arched) -> None:
    report, pose, _clip = arched
    f = report.faults[0]
    i = int(np.argmin(np.abs(pose.t_s - (f.start_s + f.end_s) / 2)))
    v = frame_view(report, pose, i)
    assert v.rep == report.rep_of_frame[i] == f.rep
    assert v.phase == report.phase_of_frame[i]
    assert [x.kind for x in v.faults] == ["lumbar_extension"]
    assert v.back.state == "extended" and v.back.what == "arch"
    assert v.back.value_deg == report.back.frames.value_deg[i] > v.back.ext_flag_deg
    assert v.reps_done == 0 and v.view == "side"
    last = frame_view(report, pose, len(pose) - 1)
    assert last.reps_done == len(report.reps) and last.faults == ()
    with pytest.raises(IndexError):
        frame_view(report, pose, len(pose))


def test_frame_view_imports_no_video_or_model_stack() -> None:
    code = (
        "import sys, formcheck.analysis.frame_view; "
        "assert 'cv2' not in sys.modules and 'mediapipe' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
