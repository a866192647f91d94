"""A batch's throughput, measured side by side in one run (the machines are noisy: read the ratios).

    python bench/batch.py                 # 8 clips: sequential analyze, pool (default, 2 workers), Ray (~12 min)
    python bench/batch.py --clips 10      # more clips (the shortest first)
    python bench/batch.py --no-ray        # without the Ray engine

Every measure is a fresh command timed from the outside, start-up included, writing the same
outputs (each set's JSON report and HTML page):

* sequential: ``formcheck analyze CLIP --json F --report F.html -q`` on each clip in turn, as a
  coach would without the batch;
* pool: ``formcheck batch CLIPS --out DIR`` (the default size) and ``--workers 2``, each into a
  new folder (each worker poses with
  the two landmarker threads a single analyze uses);
* ray: ``formcheck batch CLIPS --out DIR --engine ray``, a local Ray started by the batch (its
  start-up included) with one task per CPU.

Memory per worker: the peak RSS each worker had after each of its sets (the database's
``peak_rss_mb``): flat when the last set's peak is the first's. Footage: FORMCHECK_FOOTAGE or
../shared/footage.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formcheck.batching.engines import pool_size

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))
FORMCHECK = str(Path(sys.executable).with_name("formcheck"))


def clip_seconds(path: Path) -> float:
    from formcheck.io.mp4_header import video_duration_s

    return video_duration_s(str(path)) or float("nan")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if run.returncode not in (0, 7):
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({run.returncode}): {run.stderr[-800:]}")
    return time.perf_counter() - t0


def sequential(clips: list[Path], tmp: Path) -> float:
    total = 0.0
    for k, clip in enumerate(clips):
        total += timed([FORMCHECK, "analyze", str(clip), "--json", str(tmp / f"{k}.json"),
                        "--report", str(tmp / f"{k}.html"), "-q"])
    return total


def batch(clips: list[Path], out: Path, *extra: str) -> float:
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    return timed([FORMCHECK, "batch", *map(str, clips), "--out", str(out), "-q", *extra], env)


def memory(out: Path) -> list[tuple[str, list[float]]]:
    con = sqlite3.connect(out / "formcheck.db")
    per: dict[str, list[float]] = {}
    for worker, rss in con.execute("select worker, peak_rss_mb from sets order by recorded_at, rowid"):
        per.setdefault(worker, []).append(rss)
    return sorted(per.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    clips = sorted(FOOTAGE.glob("*.mp4"), key=clip_seconds)[: args.clips]
    if len(clips) < args.clips:
        raise SystemExit(f"need {args.clips} clips in {FOOTAGE}, found {len(clips)}")
    video_s = sum(clip_seconds(c) for c in clips)
    print(f"# formcheck batch bench: {len(clips)} clips, {video_s:.0f} s of video, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for c in clips:
        print(f"#   {c.name} ({clip_seconds(c):.1f} s)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "seq").mkdir()
        default = f"pool, default size ({pool_size()} worker(s))"
        plan = [("sequential analyze", lambda: sequential(clips, tmp / "seq")),
                (default, lambda: batch(clips, tmp / "pool1")),
                ("pool, 2 workers", lambda: batch(clips, tmp / "pool2", "--workers", "2"))]
        if not args.no_ray:
            plan.append(("ray (local, start-up included)", lambda: batch(clips, tmp / "ray", "--engine", "ray")))
        runs: dict[str, float] = {}
        print("\n| engine | wall s | sets/min | x sequential | x default pool |")
        print("|---|---|---|---|---|", flush=True)
        for name, run in plan:
            runs[name] = s = run()
            base, pool = runs["sequential analyze"], runs.get(default, float("nan"))
            print(f"| {name} | {s:.1f} | {60 * len(clips) / s:.2f} | {base / s:.2f} | {pool / s:.2f} |", flush=True)
        print("\nPeak RSS per worker after each of its sets, MB (flat = no growth set to set):")
        for folder in ("pool1", "pool2", "ray") if not args.no_ray else ("pool1", "pool2"):
            if not (tmp / folder / "formcheck.db").is_file():
                continue
            for worker, rss in memory(tmp / folder):
                print(f"  {folder} {worker}: {' '.join(f'{x:.0f}' for x in rss)}")


if __name__ == "__main__":
    main()
