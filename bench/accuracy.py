"""Accuracy against ground truth: formcheck on rendered clips whose joint angles are known.

    python bench/accuracy.py DIR [DIR ...]          # NAME.mp4 + NAME.truth.npz + NAME.json
    python bench/accuracy.py DIR --holdout 3,4      # fit the lumbar parameters on the other body
                                                    # seeds, score on seeds 3 and 4
    python bench/accuracy.py DIR --holdout each     # leave one body out for the lumbar flag
    python bench/accuracy.py DIR --print-fit        # the lumbar parameters fitted on every body
    python bench/accuracy.py DIR --footage          # plus the real-footage table

The first run saves NAME.pose.npz beside each clip; later runs reuse it (``--fresh`` to redo).
Prints: knee flexion from image pixels vs world landmarks by camera yaw (raw landmarks); per
measure and yaw, frames, MAE, bias (formcheck minus truth) and worst case with the shipped angle
model (``toe_feet_deg`` is the mean of both feet, which the toe bias is called from); per clip,
reps found vs rendered, lumbar flags and the error of each head's zone seconds over the rendered
reps; lumbar-flag recall and false flags. Clips come from tools/synth/render_set.py. The angle
model is fitted and scored held out by body in bench/angles.py (score it there: the shipped model
saw every body); the lumbar parameters here are fitted only on bodies that are not scored.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import footage_table  # bench/, beside this script
import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import flexion_deg
from formcheck.analysis.faults import lumbar_level_deg
from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.smoothing import mean_present
from formcheck.analysis.zones import zone_seconds
from formcheck.api import estimate_pose
from formcheck.config import ZONES, Config
from formcheck.io.landmarks import load_pose, save_pose
from formcheck.types import Report

FAMILY = {"rdl": "hinge", "squat": "squat", "nordic": "knee_flexion", "leg_curl_prone": "knee_flexion"}
MEASURES = ("knee_deg", "hip_deg", "toe_deg", "toe_feet_deg")


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


def analyse(pose, meta: dict, lumbar: dict | None = None) -> Report:
    """formcheck's analysis with the given lumbar-extension parameters (else the shipped ones)."""
    cfg = Config()
    if lumbar:
        cfg = replace(cfg, score=replace(cfg.score, **lumbar))
    return analyze_pose(pose, cfg, exercise=FAMILY.get(meta.get("exercise", "")))


def is_lumbar_clip(meta: dict) -> bool:
    """Side-view soft-knee RDLs from a level camera: the sets the lumbar-extension flag is
    calibrated and scored on (a camera looking down on the back sees a different outline)."""
    return (meta.get("exercise") == "rdl" and meta.get("knees", "soft") == "soft"
            and square_yaw(float(meta.get("yaw", 90.0))) >= 75 and abs(float(meta.get("pitch", 0))) <= 5)


def bend_and_hip(report: Report) -> tuple[np.ndarray, np.ndarray]:
    """The back's bend past standing (n,) and mean hip flexion (n,), as the pipeline has them."""
    arch = report.measures.arch_deg.values - report.lumbar_baseline_deg
    return arch, mean_present(report.measures.hip_deg.values, axis=1)


def fit_lumbar(clips: list, exclude: set[int]) -> dict:
    """Neutral-back drift (slope, offset) and flag threshold from the bodies not in ``exclude``,
    on hip angles as formcheck measures them: the drift is a
    line through (hip, bend past standing) on neutral backs, the threshold the midpoint between
    the most-arched neutral rep and the least-arched arched rep."""
    min_hip = Config().score.lumbar_min_hip_deg
    hips, arches, sets = [], [], []
    for meta, _truth, pose, _name in clips:
        if int(meta.get("body_seed", 0)) in exclude or not is_lumbar_clip(meta):
            continue
        report = analyse(pose, meta)
        arch, hip = bend_and_hip(report)
        sets.append((meta.get("back", "neutral"), arch, hip, [s.rep for s in report.reps]))
        if meta.get("back", "neutral") == "neutral":
            ok = np.isfinite(arch) & np.isfinite(hip) & (hip > 5)
            hips.append(hip[ok])
            arches.append(arch[ok])
    if not hips:
        return {}
    slope, offset = np.polyfit(np.concatenate(hips), np.concatenate(arches), 1)
    levels = defaultdict(list)
    for back, arch, hip, reps in sets:
        ext = arch - (slope * hip + offset)
        rep_levels = (lumbar_level_deg(ext, hip, rep, min_hip) for rep in reps)
        levels[back] += [v for v in rep_levels if np.isfinite(v)]
    params = {"lumbar_neutral_slope": float(slope), "lumbar_neutral_offset_deg": float(offset)}
    if levels["neutral"] and levels["arched"]:
        params["lumbar_flag_deg"] = float((max(levels["neutral"]) + min(levels["arched"])) / 2)
    return params


# Truth the views can see: hinge and knee angles in the sagittal plane, as docs/DOMAIN.md defines them;
# render_set.py also stores the raw 3-D angles. Both count from standing tall (DOMAIN: 0 = straight
# knee, standing tall): the rig's rest posture already reads 5-8 deg of sagittal hip "flexion" and
# 8-10 deg of knee "flexion" between its joint centres (bone heads), so each body's rest values
# (``hip_rest_deg``, ``knee_rest_deg``: the first frame of its sets that start standing straight;
# a single-leg bridge starts with the hips flexed 44 deg) are taken off.
STARTS_STRAIGHT = {"rdl", "deadlift", "squat"}
TRUTH_KEY = {"knee_deg": "knee_sag_deg", "hip_deg": "hip_sag_deg", "toe_deg": "toe_heel_deg"}
REST_KEY = {"knee_deg": "knee_rest_deg", "hip_deg": "hip_rest_deg"}


def truth_of(truth: dict, name: str) -> np.ndarray | None:
    want = truth.get(TRUTH_KEY[name], truth.get(name))
    if name in REST_KEY and want is not None:
        want = np.asarray(want, dtype=float) - truth.get(REST_KEY[name], np.nan)
    return want


def set_hip_rest(clips: list) -> None:
    """Store each body's rest-posture sagittal hip and knee angles (per leg) in its clips' truth."""
    rest = defaultdict(lambda: defaultdict(list))
    for meta, truth, _pose, _name in clips:
        body = int(meta.get("body_seed", 0))
        if meta.get("exercise") in STARTS_STRAIGHT:
            rest[body]["hip_rest_deg"].append(truth["hip_sag_deg"][0])
            rest[body]["knee_rest_deg"].append(truth["knee_sag_deg"][0])
    for meta, truth, _pose, _name in clips:
        values = rest[int(meta.get("body_seed", 0))]
        for key in REST_KEY.values():
            truth[key] = np.mean(values[key], axis=0) if values[key] else np.full(2, np.nan)


def pairs(report: Report, truth: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Measured and true values on the frames where both exist. ``toe_feet_deg`` is the mean of
    both feet, the figure formcheck's toe bias is called from."""
    if name == "toe_feet_deg":
        got = np.mean(report.measures.toe_deg.values, axis=1)  # NaN unless both feet are seen
        want = truth_of(truth, "toe_deg")
        want = None if want is None else np.mean(want, axis=1)
    else:
        got = getattr(report.measures, name).values
        want = truth_of(truth, name)
    if want is None:
        return np.zeros(0), np.zeros(0)
    n = min(len(got), len(want))
    g, w = got[:n].ravel(), np.asarray(want[:n], dtype=float).ravel()
    ok = np.isfinite(g) & np.isfinite(w)
    return g[ok], w[ok]


def coordinates_table(clips: list) -> None:
    """Knee flexion from image pixels vs world landmarks, raw per frame, by camera yaw: the
    evidence for measures.py's choice of coordinates per view."""
    errs = defaultdict(list)
    for meta, truth, pose, _name in clips:
        yaw = square_yaw(float(meta.get("yaw", 90.0)))
        n = min(len(pose.t_s), len(truth["t_s"]))
        want = truth_of(truth, "knee_deg")[:n]
        for label, pts in (("image", pose.xy_px), ("world", pose.world_m)):
            for k in range(2):
                got = flexion_deg(pts[:n, sk.HIP[k]], pts[:n, sk.KNEE[k]], pts[:n, sk.ANKLE[k]])
                seen = pose.detected[:n] & (pose.visibility[:n, sk.KNEE[k]] >= 0.5)
                d = (got - want[:, k])[seen]
                errs[(yaw, label)].append(d[np.isfinite(d)])
    print("\nKnee flexion by coordinates (raw landmarks, unsmoothed, seen knees)\n")
    print("| yaw | image MAE / bias deg | world MAE / bias deg |")
    print("|---|---|---|")
    for yaw in sorted({y for y, _ in errs}):
        cells = []
        for label in ("image", "world"):
            e = np.concatenate(errs[(yaw, label)])
            cells.append(f"{np.mean(np.abs(e)):.1f} / {np.mean(e):+.1f}" if e.size else "-")
        print(f"| {yaw} | {cells[0]} | {cells[1]} |")


def table(title: str, errs: dict) -> None:
    print(f"\n{title}\n")
    print("| measure | view (yaw) | frames | MAE deg | bias deg | worst deg |")
    print("|---|---|---|---|---|---|")
    for (name, yaw), e in sorted(errs.items()):
        e = np.concatenate(e) if e else np.zeros(0)
        if e.size:
            print(f"| {name} | {yaw} | {e.size} | {np.mean(np.abs(e)):.1f} | {np.mean(e):+.1f} | "
                  f"{np.max(np.abs(e)):.1f} |")


def lumbar_counts(report: Report, truth: dict) -> tuple[int, int]:
    """(reps flagged for lumbar extension, reps scored) on a hinge clip."""
    flagged = {f.rep for f in report.faults if f.kind == "lumbar_extension"}
    return len(flagged), len(truth.get("rep_start_s", []))


def zone_errors_and_shares(report: Report, truth: dict) -> tuple[list[float], list[float]]:
    """Per head and visible leg, over the rendered reps (time under load, as the report counts
    it): relative error of the head's seconds (heads with > 0.3 s of truth), and that error as a
    share of the leg's measured seconds (time credited to the wrong head)."""
    zerr, share = [], []
    n = min(len(report.measures.t_s), len(truth["t_s"]))
    t = truth["t_s"][:n]
    in_rep = np.zeros(n, bool)
    for a, b in zip(truth["rep_start_s"], truth["rep_end_s"]):
        in_rep |= (t >= a) & (t <= b)
    knee_truth = truth_of(truth, "knee_deg")[:n]
    for k in range(2):
        got_knee = np.where(in_rep, report.measures.knee_deg.values[:n, k], np.nan)
        if np.mean(np.isfinite(got_knee[in_rep])) < 0.5:
            continue  # a leg the view hides: its zone time is missing, not wrong
        masked = np.where(np.isfinite(got_knee), knee_truth[:, k], np.nan)
        want, measured_s = zone_seconds(truth["t_s"][:n], masked, ZONES)
        got, _ = zone_seconds(truth["t_s"][:n], got_knee, ZONES)
        zerr += [abs(got[h] - want[h]) / want[h] for h in want if want[h] > 0.3]
        share += [abs(got[h] - want[h]) / measured_s for h in want if want[h] > 0.3]
    return zerr, share


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--holdout", default="",
                    help="body seeds to score the lumbar flag on, the others being for fitting it; "
                         "'each' scores every body with parameters fitted on all the other bodies")
    ap.add_argument("--fresh", action="store_true", help="re-run the pose model")
    ap.add_argument("--footage", action="store_true",
                    help="also print the real-footage table (reps, family, flags) from stored poses")
    ap.add_argument("--print-fit", action="store_true",
                    help="print the lumbar parameters fitted on every body (for ScoreConfig)")
    args = ap.parse_args()
    clips = [load_clip(p, args.fresh) + (p.name,) for d in args.dirs for p in sorted(d.glob("*.mp4"))
             if p.with_suffix(".truth.npz").is_file()]
    set_hip_rest(clips)
    seeds = sorted({int(meta.get("body_seed", 0)) for meta, *_ in clips})
    if args.holdout == "each":
        folds = [{s} for s in seeds]
    elif args.holdout:
        folds = [{int(s) for s in args.holdout.split(",") if s.strip()}]
    else:
        folds = []

    reports = [analyse(pose, meta) for meta, _truth, pose, _name in clips]
    held_out = {}  # clip index -> report with lumbar parameters fitted without its body
    for held in folds:
        lumbar = fit_lumbar(clips, held)
        print(f"lumbar fitted without body seeds {sorted(held)}: "
              + ", ".join(f"{k} {v:+.3f}" for k, v in lumbar.items()))
        for i, (meta, _truth, pose, _name) in enumerate(clips):
            if int(meta.get("body_seed", 0)) in held:
                held_out[i] = analyse(pose, meta, lumbar)
    if args.print_fit:
        print("fitted on every body (for ScoreConfig):")
        for k, v in fit_lumbar(clips, set()).items():
            print(f"    {k}: float = {v:.3f}")

    err = defaultdict(list)
    rows = []
    lumbar = defaultdict(lambda: [0, 0])  # ("shipped"/"held out", arched?) -> [flagged, reps]
    for i, ((meta, truth, _pose, name), report) in enumerate(zip(clips, reports)):
        yaw = square_yaw(float(meta.get("yaw", 90.0)))
        for m in MEASURES:
            g, w = pairs(report, truth, m)
            err[(m, yaw)].append(g - w)
        back = meta.get("back", "-")
        flagged, n_reps = lumbar_counts(report, truth)
        if is_lumbar_clip(meta):
            for label, rep in (("shipped", report), ("held out", held_out.get(i))):
                if rep is not None:
                    f, nr = lumbar_counts(rep, truth)
                    lumbar[(label, back == "arched")][0] += f
                    lumbar[(label, back == "arched")][1] += nr
        rows.append((name, int(meta.get("body_seed", 0)), yaw, len(report.reps), n_reps, back, flagged,
                     *zone_errors_and_shares(report, truth)))

    coordinates_table(clips)
    table("Shipped angle model (it saw every body: bench/angles.py scores held out)", err)
    print("\n| clip | body | yaw | reps found / rendered | back | reps flagged (lumbar) | "
          "zone-seconds error (median, worst) |")
    print("|---|---|---|---|---|---|---|")
    for name, seed, yaw, found, want, back, flagged, z, _s in rows:
        zs = f"{np.median(z):.0%}, {np.max(z):.0%}" if z else "-"
        print(f"| {name} | {seed} | {yaw} | {found} / {want} | {back} | {flagged} | {zs} |")
    z = [e for row in rows for e in row[7]]
    sh = [e for row in rows for e in row[8]]
    if z:
        print(f"\nzone seconds: median error {np.median(z):.0%}, "
              f"{np.mean(np.asarray(z) <= 0.10):.0%} of head-leg totals within 10%; "
              f"as a share of the measured time: median {np.median(sh):.1%}, worst {np.max(sh):.1%}")
    for label, what in (("shipped", "shipped parameters, fitted on every body"),
                        ("held out", "parameters fitted without the scored body")):
        hit, n_arched = lumbar[(label, True)]
        false, n_other = lumbar[(label, False)]
        if n_arched or n_other:
            print(f"lumbar flags ({what}): recall {hit}/{n_arched} arched reps, false flags "
                  f"{false}/{n_other} neutral or rounded reps (side-view soft-knee RDLs)")
    if args.footage:
        print("\nReal footage (stored poses, tests/data/poses)\n")
        footage_table.table(poses=True)


if __name__ == "__main__":
    main()
