"""The LiteRT pose backend against MediaPipe Tasks, frame by frame, in one process.

    python bench/litert.py                       # footage squat_side_01 and rdl_front_01, 120 frames
    python bench/litert.py CLIP.mp4 ... --frames 300 --every 0 0.25 0.5 1

For each clip, the same decoded frames are posed by ``MediaPipePose`` (num_poses 2, our
confidences) and by ``LiteRTPose`` at each ``--every`` (``LiteRTConfig.detect_every_s``; 0 runs the
detector on every frame, as MediaPipe does while one person is in view). Printed per setting:
ms per frame (landmark-only frames and detector frames apart), frames with a person, and the
differences from MediaPipe's first person: image landmarks (px), world landmarks (mm),
visibility, back outline (px), median and p95. One thread each (LiteRT ``num_threads`` 1;
MediaPipe's CPU inference measured at ~1 core); the machine's noise hits both alike when the
two are timed frame by frame in turn, as here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from formcheck.config import LiteRTConfig, PoseConfig  # noqa: E402
from formcheck.io.video import open_video, pose_input  # noqa: E402
from formcheck.pose.litert_pose import LiteRTPose  # noqa: E402
from formcheck.pose.mediapipe_pose import MediaPipePose  # noqa: E402

FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))
CLIPS = (FOOTAGE / "squat_side_01.mp4", FOOTAGE / "rdl_front_01.mp4")


def frames(path: Path, n: int) -> list[tuple[float, np.ndarray]]:
    out = []
    with open_video(path) as video:
        for t_s, frame in video:
            if len(out) >= n:
                break
            out.append((t_s, pose_input(frame, None)))
    return out


def spread(values: list[np.ndarray]) -> str:
    v = np.concatenate([np.ravel(x) for x in values]) if values else np.array([np.nan])
    v = v[np.isfinite(v)]
    return f"{np.median(v):.3g}/{np.percentile(v, 95):.3g}" if v.size else "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clips", nargs="*", type=Path, default=list(CLIPS))
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--every", type=float, nargs="+", default=[0.0, 0.5])
    args = ap.parse_args()
    base = PoseConfig()
    for clip in args.clips:
        seq = frames(clip, args.frames)
        h, w = seq[0][1].shape[:2]
        posers = {"mediapipe": MediaPipePose(base)}
        for every in args.every:
            posers[every] = LiteRTPose(replace(base, backend="litert", litert=LiteRTConfig(detect_every_s=every)))
        found = {k: [] for k in posers}
        ms = {k: {True: [], False: []} for k in posers}
        try:
            for t_s, rgb in seq:  # each frame through every poser in turn
                for k, poser in posers.items():
                    t0 = time.perf_counter()
                    found[k].append(poser.detect(t_s, rgb))
                    dt = 1000 * (time.perf_counter() - t0)
                    ms[k][bool(getattr(poser, "_detected", True))].append(dt)
        finally:
            for poser in posers.values():
                poser.close()
        ref = found["mediapipe"]
        mp_ms = ms["mediapipe"][True]
        print(f"{clip.name} {w}x{h}, {len(seq)} frames: mediapipe {np.median(mp_ms):.1f} ms/frame "
              f"(mean {np.mean(mp_ms):.1f}), a person in {np.mean([len(x) > 0 for x in ref]):.0%}")
        for every in args.every:
            got = found[every]
            xy, world, vis, back = [], [], [], []
            for a, b in zip(got, ref):
                if a and b:
                    xy.append(np.hypot(*(a[0].xy_px - b[0].xy_px).T))
                    world.append(1000 * np.linalg.norm(a[0].world_m - b[0].world_m, axis=1))
                    vis.append(np.abs(a[0].visibility - b[0].visibility))
                    back.append(np.abs(a[0].back_offset_px - b[0].back_offset_px))
            lm, det = ms[every][False], ms[every][True]
            mean = np.mean(lm + det)
            print(f"  litert every {every:g} s: landmark frames {len(lm)} at {np.median(lm) if lm else np.nan:.1f} ms, "
                  f"detector frames {len(det)} at {np.median(det):.1f} ms, mean {mean:.1f} ms "
                  f"({np.mean(mp_ms) / mean:.2f}x mediapipe), a person in {np.mean([len(x) > 0 for x in got]):.0%}")
            print(f"    vs mediapipe, median/p95: landmarks {spread(xy)} px, world {spread(world)} mm, "
                  f"visibility {spread(vis)}, outline {spread(back)} px")


if __name__ == "__main__":
    main()
