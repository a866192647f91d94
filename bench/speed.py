"""Speed and memory, measured side by side in one run (the machines are noisy: read the ratios).

    python bench/speed.py                 # analyze vs a bare pose loop, live, start-up (~4 min)
    python bench/speed.py --runs 5        # more runs per measure (medians are printed)
    python bench/speed.py --long 10       # also peak memory on a 10-minute video vs a 1-minute one
    python bench/speed.py --only live     # one section: analyze, live, help or long

Every measure runs in a fresh process, timed from the outside (start-up and model load included)
and its peak RSS read with wait4:

* simple: the simplest loop a user would write (decode, ``detect_for_video`` with num_poses=1 and
  no masks, one thread), the issue-17 yardstick ``analyze`` must not be slower than;
* bare: a bare MediaPipe loop over the same frames, same model and options (VIDEO mode,
  ``detect_for_video``, num_poses, confidences, segmentation masks), decoding with OpenCV: the
  floor ``formcheck analyze`` is measured against;
* plain: formcheck's analysis with a single landmarker posing every frame, as the bare loop does;
* every: ``analyze`` as it was before issue 17, posing every frame (PoseConfig.pose_hz None);
* analyze: ``formcheck analyze CLIP --json FILE -q`` (two landmarkers in two threads, posing at
  PoseConfig.pose_hz);
* live: ``formcheck live --source CLIP --headless --mute`` (the clip at its real pace, frames
  dropped when processing falls behind): processed fps and capture-to-overlay latency;
* help: ``formcheck --help`` start-up, beside ``python -c pass``;
* frame: where the time goes per frame, each step timed alone in one process.

Runs of different measures are interleaved (bare, analyze, bare, analyze, ...) so drift in the
machine's speed hits both. Footage: FORMCHECK_FOOTAGE or ../shared/footage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))
CLIPS = ("kb_deadlift_side_correct_01.mp4", "squat_side_01.mp4")  # 360x640 60 fps; 1080x1920 30 fps
LIVE_CLIPS = ("squat_side_01.mp4", "rdl_front_01.mp4", "kb_deadlift_side_correct_01.mp4")
LONG_SOURCES = ("kb_deadlift_side_correct_01.mp4", "kb_deadlift_side_roundedback_01.mp4",
                "kb_deadlift_side_kneedominant_01.mp4")


# --------------------------------------------------------------------------- one measure, in a child


def _bare(path: str) -> dict:
    """Decode + detect_for_video, nothing else, with formcheck's model and options."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions
    from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

    from formcheck.config import Config
    from formcheck.pose.mediapipe_pose import resolve_model

    pc = Config().pose
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model(pc))),
        running_mode=RunningMode.VIDEO, num_poses=pc.mediapipe.num_poses,
        min_pose_detection_confidence=pc.mediapipe.min_detection_confidence,
        min_pose_presence_confidence=pc.mediapipe.min_presence_confidence,
        min_tracking_confidence=pc.mediapipe.min_tracking_confidence,
        output_segmentation_masks=pc.mediapipe.segmentation,
    )
    cap = cv2.VideoCapture(path)
    frames, last_ms, t_s = 0, -1, 0.0
    with PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            t_s = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            ms = max(int(round(t_s * 1000)), last_ms + 1)
            last_ms = ms
            rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            landmarker.detect_for_video(rgb, ms)
            frames += 1
    return {"frames": frames}


def _simple(path: str) -> dict:
    """The simplest loop a user would write: decode, ``detect_for_video`` with num_poses=1 and no
    masks, one thread, formcheck's bundled model."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions
    from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

    from formcheck.config import Config
    from formcheck.pose.mediapipe_pose import resolve_model

    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model(Config().pose))),
        running_mode=RunningMode.VIDEO, num_poses=1, output_segmentation_masks=False,
    )
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = 0
    with PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            landmarker.detect_for_video(rgb, int(frames * 1000 / fps))
            frames += 1
    return {"frames": frames}


def _frame_costs(path: str) -> dict:
    """Where the time goes per frame, in this process, one thread: each step timed alone over
    the clip's frames (ms per frame); the analysis once over the whole pose (ms per frame)."""
    from formcheck.analysis.pipeline import analyze_pose
    from formcheck.api import pose_video
    from formcheck.config import Config
    from formcheck.io.video import open_video, pose_input
    from formcheck.pose.backend import open_poser

    cfg = Config()
    out: dict[str, float] = {}
    with open_video(path) as video:
        t0 = time.perf_counter()
        frames = [f for _, f in video]
        out["decode and convert (read)"] = (time.perf_counter() - t0) / len(frames)
    with open_video(path) as video:
        t0 = time.perf_counter()
        n = 0
        while video.pass_frame() is not None:
            n += 1
        out["decode only (passed over)"] = (time.perf_counter() - t0) / max(1, n)
    frames = frames[:: max(1, len(frames) // 60)][:60]  # 60 frames across the clip
    t0 = time.perf_counter()
    inputs = [pose_input(f, cfg.pose.max_side_px) for f in frames]
    out["to RGB (pose_input)"] = (time.perf_counter() - t0) / len(frames)
    size = frames[0].shape[1::-1]
    mc = cfg.pose.mediapipe
    for label, pc in (("pose, 2 people looked for, masks (analyze)", cfg.pose),
                      ("pose, 2 people, no masks", replace(cfg.pose, mediapipe=replace(mc, segmentation=False))),
                      ("pose, 1 person (tracked), no masks", replace(cfg.pose, mediapipe=replace(
                          mc, num_poses=1, segmentation=False)))):
        with open_poser(pc) as poser:
            for k in range(3):  # warm up
                poser.detect(k / 100.0, inputs[k], size)
            t0 = time.perf_counter()
            for k, rgb in enumerate(inputs):
                poser.detect(1.0 + k / 10.0, rgb, size)
            out[label] = (time.perf_counter() - t0) / len(inputs)
    del frames, inputs
    pose = pose_video(path, cfg).pose
    t0 = time.perf_counter()
    analyze_pose(pose, cfg)
    out["analysis (whole pose, per frame)"] = (time.perf_counter() - t0) / len(pose)
    return {k: v * 1000.0 for k, v in out.items()}


def _live(path: str) -> dict:
    from formcheck.live import LiveOptions, run_live

    s = run_live(LiveOptions(source=path, headless=True, mute=True))
    st = s.stats
    lat = sorted(st.latency_ms)
    return {
        "frames": st.frames_processed, "read": st.frames_read,
        "fps": st.frames_processed / st.wall_s if st.wall_s else float("nan"),
        "latency_median_ms": statistics.median(lat),
        "latency_p95_ms": lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))],
    }


def _plain(path: str) -> dict:
    """formcheck's analysis with one landmarker (config workers=1): the overhead of everything
    formcheck does around the model, on the bare loop's footing."""
    from formcheck.api import analyze
    from formcheck.config import Config

    cfg = Config()
    report = analyze(path, config=replace(cfg, pose=replace(cfg.pose, workers=1, pose_hz=None)))
    return {"frames": report.n_frames}


def _every(path: str) -> dict:
    """``formcheck analyze --json`` as it was before issue 17: every frame posed (two landmarkers)."""
    from formcheck.api import analyze
    from formcheck.config import Config
    from formcheck.report.json_report import to_json

    cfg = Config()
    report = analyze(path, config=replace(cfg, pose=replace(cfg.pose, pose_hz=None)))
    to_json(report)
    return {"frames": report.n_frames}


def child(kind: str, path: str) -> None:
    out = {"bare": _bare, "plain": _plain, "live": _live, "simple": _simple, "frame": _frame_costs,
           "every": _every}[kind](path)
    print(json.dumps(out))


# --------------------------------------------------------------------------- the parent


def measure(cmd: list[str]) -> dict:
    """Run ``cmd``; wall seconds, peak RSS (MB) and the JSON it printed last (if any)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    got = json.loads(lines[-1]) if lines else {}
    got.update(wall_s=wall, rss_mb=usage.ru_maxrss / 1024.0)
    return got


def video_facts(path: Path) -> tuple[int, float, str]:
    import cv2

    cap = cv2.VideoCapture(str(path))
    n, fps = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), cap.get(cv2.CAP_PROP_FPS)
    size = f"{int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))}x{int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))}"
    cap.release()
    return n, n / fps, size


def med(values: list[float]) -> float:
    return statistics.median(values)


def section_analyze(clips: list[Path], runs: int, tmp: Path) -> None:
    print("\n## analyze vs a bare pose loop (same frames, model, options; start-up included)\n")
    print("simple: the simplest loop a user would write (decode + detect_for_video, num_poses=1, no "
          "masks, one thread); bare: the same loop with formcheck's options (2 people, masks); plain: "
          "formcheck with one landmarker and every frame posed; every frame: analyze as before issue 17 (two "
          "landmarkers, every frame posed); analyze: `formcheck analyze --json`.\n")
    print("| clip | size | video s | simple s | bare s | plain s | every frame s | every frame x real time "
          "| analyze s | analyze/simple | analyze/bare | analyze/every frame | analyze fps "
          "| real-time factor | simple RSS MB | analyze RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for clip in clips:
        n, dur, size = video_facts(clip)
        got: dict[str, list[dict]] = {"simple": [], "bare": [], "plain": [], "every": [], "analyze": []}
        for _ in range(runs):  # interleaved, so drift in the machine's speed hits all four
            got["simple"].append(measure([sys.executable, __file__, "--child", "simple", str(clip)]))
            got["bare"].append(measure([sys.executable, __file__, "--child", "bare", str(clip)]))
            got["plain"].append(measure([sys.executable, __file__, "--child", "plain", str(clip)]))
            got["every"].append(measure([sys.executable, __file__, "--child", "every", str(clip)]))
            got["analyze"].append(measure([sys.executable, "-m", "formcheck", "analyze", str(clip),
                                           "--json", str(tmp / "r.json"), "-q"]))
        wall = {k: [g["wall_s"] for g in v] for k, v in got.items()}
        ratio = {k: med([a / b for a, b in zip(wall["analyze"], wall[k])]) for k in ("simple", "bare", "every")}
        ws, wb, wp, we, wa = (med(wall[k]) for k in ("simple", "bare", "plain", "every", "analyze"))
        print(f"| {clip.name} | {size} | {dur:.1f} | {ws:.2f} | {wb:.2f} | {wp:.2f} | {we:.2f} | {dur / we:.2f} "
              f"| {wa:.2f} | {ratio['simple']:.2f} | {ratio['bare']:.2f} | {ratio['every']:.2f} "
              f"| {n / wa:.1f} | {dur / wa:.2f} "
              f"| {med([g['rss_mb'] for g in got['simple']]):.0f} "
              f"| {med([g['rss_mb'] for g in got['analyze']]):.0f} |", flush=True)


def section_frame(clips: list[Path]) -> None:
    print("\n## where the time goes per frame (ms, one thread, each step alone)\n")
    rows = {clip.name: measure([sys.executable, __file__, "--child", "frame", str(clip)]) for clip in clips}
    steps = [k for k in next(iter(rows.values())) if k not in ("wall_s", "rss_mb")]
    print("| step | " + " | ".join(rows) + " |")
    print("|---|" + "---|" * len(rows))
    for step in steps:
        print(f"| {step} | " + " | ".join(f"{rows[c][step]:.1f}" for c in rows) + " |", flush=True)


def section_live(clips: list[Path], runs: int) -> None:
    print("\n## live --source --headless (the clip at real pace; medians over runs)\n")
    print("| clip | size | source fps | processed fps | dropped | latency median ms | latency p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for clip in clips:
        n, dur, size = video_facts(clip)
        got = [measure([sys.executable, __file__, "--child", "live", str(clip)]) for _ in range(runs)]
        dropped = med([1 - g["frames"] / g["read"] for g in got])
        print(f"| {clip.name} | {size} | {n / dur:.0f} | {med([g['fps'] for g in got]):.1f} "
              f"| {dropped:.0%} | {med([g['latency_median_ms'] for g in got]):.0f} "
              f"| {med([g['latency_p95_ms'] for g in got]):.0f} |", flush=True)


def section_help(runs: int) -> None:
    print("\n## start-up\n")
    n = max(5, 3 * runs)
    bare = [measure([sys.executable, "-c", "pass"])["wall_s"] for _ in range(n)]
    helps = [measure([sys.executable, "-m", "formcheck", "--help"])["wall_s"] for _ in range(n)]
    print(f"`formcheck --help`: median {med(helps) * 1000:.0f} ms over {n} runs "
          f"(`python -c pass`: {med(bare) * 1000:.0f} ms)", flush=True)


def make_long(minutes: float, out: Path) -> Path:
    """Kettlebell sets one after another, at 360x640 and 30 fps, to ``minutes`` long."""
    import cv2

    if out.exists():
        return out
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (360, 640))
    want = int(minutes * 60 * 30)
    written = 0
    while written < want:
        for name in LONG_SOURCES:
            cap = cv2.VideoCapture(str(FOOTAGE / name))
            keep = 0.0
            while written < want:
                ok, frame = cap.read()
                if not ok:
                    break
                keep += 30.0 / 60.0  # 60 fps sources, every other frame
                if keep >= 1.0:
                    keep -= 1.0
                    writer.write(cv2.resize(frame, (360, 640)))
                    written += 1
            cap.release()
    writer.release()
    return out


def section_long(minutes: float, tmp: Path) -> None:
    print(f"\n## peak memory: a {minutes:g}-minute video vs a 1-minute one (formcheck analyze)\n")
    cache = Path(tempfile.gettempdir()) / "formcheck-bench"
    cache.mkdir(exist_ok=True)
    short = make_long(1, cache / "long_1min.mp4")
    long = make_long(minutes, cache / f"long_{minutes:g}min.mp4")
    rows = []
    for path in (short, long):
        got = measure([sys.executable, "-m", "formcheck", "analyze", str(path), "--json",
                       str(tmp / "r.json"), "-q"])
        rows.append(got)
        n, dur, size = video_facts(path)
        print(f"- {path.name} ({dur / 60:.1f} min, {n} frames, {size}): peak RSS "
              f"{got['rss_mb']:.0f} MB, wall {got['wall_s']:.0f} s", flush=True)
    print(f"\nlong / short peak RSS: {rows[1]['rss_mb'] / rows[0]['rss_mb']:.2f}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--long", type=float, default=0, metavar="MINUTES",
                    help="also compare peak memory on a video this long with a 1-minute one")
    ap.add_argument("--only", choices=("analyze", "frame", "live", "help", "long"))
    ap.add_argument("--clips", nargs="*", help="clip names in the footage folder")
    args = ap.parse_args()
    if not (FOOTAGE / "expect.json").is_file():
        sys.exit(f"footage not found at {FOOTAGE} (set FORMCHECK_FOOTAGE)")
    import mediapipe

    print(f"# formcheck speed, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
          f"Python {platform.python_version()}, mediapipe {mediapipe.__version__}; {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "analyze"):
            section_analyze([FOOTAGE / c for c in (args.clips or CLIPS)], args.runs, Path(tmp))
        if args.only in (None, "frame"):
            section_frame([FOOTAGE / c for c in (args.clips or CLIPS)])
        if args.only in (None, "live"):
            section_live([FOOTAGE / c for c in (args.clips or LIVE_CLIPS)], args.runs)
        if args.only in (None, "help"):
            section_help(args.runs)
        if args.long and args.only in (None, "long"):
            section_long(args.long, Path(tmp))


if __name__ == "__main__":
    main()
