"""Accuracy against ground truth: formcheck on rendered clips whose joint angles are known.

    python bench/accuracy.py DIR [DIR ...]          # NAME.mp4 + NAME.truth.npz + NAME.json
    python bench/accuracy.py DIR --holdout 3,4      # fit corrections on the other body seeds,
                                                    # score raw and corrected on seeds 3 and 4

The first run saves NAME.pose.npz beside each clip; later runs reuse it (``--fresh`` to redo).
Prints per measure and view: frames, MAE, bias (formcheck minus truth) and worst case; then per
clip: reps found vs rendered, zone-seconds error, lumbar flags. Clips come from
tools/synth/render_set.py. Corrections are fitted only on bodies that are not scored.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.zones import zone_seconds
from formcheck.api import estimate_pose
from formcheck.config import ZONES, Config, LinearCorrection
from formcheck.io.landmarks import load_pose, save_pose
from formcheck.types import Report

FAMILY = {"rdl": "hinge", "squat": "squat", "nordic": "knee_flexion", "leg_curl_prone": "knee_flexion"}
MEASURES = ("knee_deg", "hip_deg", "toe_deg")


def square_yaw(yaw_deg: float) -> int:
    """Camera azimuth folded to 0 (square to the camera) .. 90 (side-on), in 15-deg bins."""
    yaw = abs(((yaw_deg + 180.0) % 360.0) - 180.0)
    yaw = min(yaw, 180.0 - yaw)
    return int(round(yaw / 15.0) * 15)


def load_clip(mp4: Path, fresh: bool) -> tuple[dict, dict, object]:
    side_car = json.loads(mp4.with_suffix(".json").read_text())
    meta = dict(side_car.get("args", side_car))  # render_set.py keeps its CLI arguments in "args"
    truth = dict(np.load(mp4.with_suffix(".truth.npz")))
    pose_path = mp4.with_suffix(".pose.npz")
    if fresh or not pose_path.is_file():
        pose, _ = estimate_pose(mp4)
        save_pose(pose, pose_path)
    return meta, truth, load_pose(pose_path)


def analyse(pose, meta: dict, corrections: dict) -> Report:  # noqa: ANN001
    cfg = Config()
    cfg = replace(cfg, measure=replace(cfg.measure, corrections=corrections))
    return analyze_pose(pose, cfg, exercise=FAMILY.get(meta.get("exercise", "")))


# Truth the views can see: hinge and knee angles in the sagittal plane (0 when standing tall), as
# DOMAIN.md defines them; render_set.py also stores the raw 3-D angles.
TRUTH_KEY = {"knee_deg": "knee_sag_deg", "hip_deg": "hip_sag_deg", "toe_deg": "toe_heel_deg"}


def truth_of(truth: dict, name: str) -> np.ndarray | None:
    return truth.get(TRUTH_KEY[name], truth.get(name))


def pairs(report: Report, truth: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    got = getattr(report.measures, name).values
    want = truth_of(truth, name)
    if want is None:
        return np.zeros(0), np.zeros(0)
    n = min(len(got), len(want))
    g, w = got[:n].ravel(), np.asarray(want[:n], dtype=float).ravel()
    ok = np.isfinite(g) & np.isfinite(w)
    return g[ok], w[ok]


def fit(raw: np.ndarray, truth: np.ndarray) -> LinearCorrection:
    slope, offset = np.polyfit(raw, truth, 1)
    return LinearCorrection(offset_deg=float(offset), slope=float(slope))


def table(title: str, errs: dict) -> None:
    print(f"\n{title}\n")
    print("| measure | view (yaw) | frames | MAE deg | bias deg | worst deg |")
    print("|---|---|---|---|---|---|")
    for (name, yaw), e in sorted(errs.items()):
        e = np.concatenate(e) if e else np.zeros(0)
        if e.size:
            print(f"| {name} | {yaw} | {e.size} | {np.mean(np.abs(e)):.1f} | {np.mean(e):+.1f} | "
                  f"{np.max(np.abs(e)):.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--holdout", default="", help="body seeds to score (others are for fitting)")
    ap.add_argument("--fresh", action="store_true", help="re-run the pose model")
    args = ap.parse_args()
    held = {int(s) for s in args.holdout.split(",") if s.strip()}
    clips = [load_clip(p, args.fresh) + (p.name,) for d in args.dirs for p in sorted(d.glob("*.mp4"))]

    # 1. raw measures (no corrections) on every clip; fit on the bodies not held out
    train = defaultdict(lambda: ([], []))
    raw_reports = []
    for meta, truth, pose, name in clips:
        r = analyse(pose, meta, {})
        raw_reports.append(r)
        seed = int(meta.get("body_seed", 0))
        if held and seed in held:
            continue
        for m in MEASURES:
            g, w = pairs(r, truth, m)
            view = r.view.view
            train[(m, view)][0].append(g)
            train[(m, view)][1].append(w)
    corrections = {}
    for key, (g, w) in train.items():
        g, w = np.concatenate(g), np.concatenate(w)
        if g.size > 30 and np.ptp(g) > 10:
            corrections[key] = fit(g, w)
    if held:
        print("fitted on body seeds other than", sorted(held))
        for (m, view), c in sorted(corrections.items()):
            print(f"    ({m!r}, {view!r}): LinearCorrection(offset_deg={c.offset_deg:.2f}, "
                  f"slope={c.slope:.4f}),")

    # 2. score held-out clips (or all, without --holdout), raw and corrected
    raw_err, cor_err = defaultdict(list), defaultdict(list)
    rows = []
    for (meta, truth, pose, name), raw in zip(clips, raw_reports):
        seed = int(meta.get("body_seed", 0))
        if held and seed not in held:
            continue
        yaw = square_yaw(float(meta.get("yaw", 90.0)))
        cor = analyse(pose, meta, corrections) if held else raw
        for m in MEASURES:
            g, w = pairs(raw, truth, m)
            raw_err[(m, yaw)].append(g - w)
            g, w = pairs(cor, truth, m)
            cor_err[(m, yaw)].append(g - w)
        zerr = []
        n = min(len(cor.measures.t_s), len(truth["t_s"]))
        knee_truth = truth_of(truth, "knee_deg")[:n]
        for k in range(2):
            got_knee = cor.measures.knee_deg.values[:n, k]
            if np.mean(np.isfinite(got_knee)) < 0.5:
                continue  # a leg the view hides: its zone time is missing, not wrong
            # score the frames formcheck measured, against the truth on those same frames
            masked = np.where(np.isfinite(got_knee), knee_truth[:, k], np.nan)
            want, _ = zone_seconds(truth["t_s"][:n], masked, ZONES)
            got, _ = zone_seconds(truth["t_s"][:n], got_knee, ZONES)
            zerr += [abs(got[h] - want[h]) / want[h] for h in want if want[h] > 0.3]
        n_reps = len(truth.get("rep_start_s", []))
        flagged = {f.rep for f in cor.faults if f.kind == "lumbar_extension"}
        rows.append((name, seed, yaw, len(cor.reps), n_reps, meta.get("back", "-"), len(flagged), zerr))

    table("Raw (no corrections)", raw_err)
    if held:
        table(f"Corrected, held-out bodies {sorted(held)}", cor_err)
    print("\n| clip | body | yaw | reps found / rendered | back | reps flagged (lumbar) | "
          "zone-seconds error (median, worst) |")
    print("|---|---|---|---|---|---|---|")
    for name, seed, yaw, found, want, back, flagged, zerr in rows:
        zs = f"{np.median(zerr):.0%}, {np.max(zerr):.0%}" if zerr else "-"
        print(f"| {name} | {seed} | {yaw} | {found} / {want} | {back} | {flagged} | {zs} |")


if __name__ == "__main__":
    main()
