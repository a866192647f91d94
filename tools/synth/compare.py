#!/usr/bin/env python
"""Compare a formcheck per-frame CSV (`formcheck analyze CLIP.mp4 --csv X.csv`) with NAME.truth.npz.

    python tools/synth/compare.py /tmp/synth_out/NAME.truth.npz /tmp/synth_out/NAME.csv [NAME.pose.npz]

With a pose file (`formcheck analyze ... --save-pose X.pose.npz` or `formcheck pose`), also
prints the 2-D offset of MediaPipe's landmarks from the projected rig joints (pixels, median over
frames where MediaPipe's visibility > 0.5; dx right, dy down).

Needs only numpy (runs in formcheck's venv or the generator venv). Frames are matched by time.
Prints per measure and side: frames measured, mean error (bias), mean |error|, p95 |error|, and
the truth vs measured range. Knee/hip are compared against both the 3-D truth and the
sagittal-plane (side-view) truth.
"""
import csv
import sys

import numpy as np


def load_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    cols = {}
    for k in rows[0]:
        vals = []
        for r in rows:
            try:
                vals.append(float(r[k]))
            except (TypeError, ValueError):
                vals.append(np.nan)
        cols[k] = np.array(vals)
    return cols


def main(truth_path, csv_path):
    T = np.load(truth_path)
    C = load_csv(csv_path)
    tt = T["t_s"]
    idx = np.clip(np.searchsorted(tt, C["t_s"] - 1e-6), 0, len(tt) - 1)
    pairs = [
        ("knee", "knee_deg"), ("knee", "knee_sag_deg"),
        ("hip", "hip_deg"), ("hip", "hip_sag_deg"),
        ("toe", "toe_deg"), ("toe", "toe_heel_deg"),
    ]
    print(f"{'measure':8s} {'truth':13s} side  n_meas  bias   mean|e|  p95|e|   truth range     measured range")
    for meas, tkey in pairs:
        if tkey not in T.files:
            continue
        for si, side in enumerate(("left", "right")):
            m = C.get(f"{meas}_{side}_deg")
            if m is None:
                continue
            t = T[tkey][idx, si]
            ok = np.isfinite(m)
            if ok.sum() == 0:
                print(f"{meas:8s} {tkey:13s} {side[0]:4s} {0:6d}  (not measured)")
                continue
            e = m[ok] - t[ok]
            print(f"{meas:8s} {tkey:13s} {side[0]:4s} {ok.sum():6d} {e.mean():6.1f} {np.abs(e).mean():7.1f} "
                  f"{np.percentile(np.abs(e), 95):7.1f}   {t.min():5.1f}..{t.max():5.1f}    "
                  f"{np.nanmin(m):5.1f}..{np.nanmax(m):5.1f}")
    if "trunk_lean_deg" in C:
        m = np.abs(C["trunk_lean_deg"])  # truth is unsigned (angle from vertical)
        t = T["trunk_lean_deg"][idx]
        ok = np.isfinite(m)
        if ok.any():
            e = m[ok] - t[ok]
            print(f"trunk lean: bias {e.mean():.1f}, mean|e| {np.abs(e).mean():.1f}; truth max {t.max():.1f}, measured max {np.nanmax(m):.1f}")
    if "rep" in C:
        reps = C["rep"]
        n_reps = len(np.unique(reps[np.isfinite(reps) & (reps > 0)]))
        print(f"reps: formcheck {n_reps}, truth {len(T['rep_start_s'])}")
    if "lumbar_extension_deg" in C:
        m = C["lumbar_extension_deg"]
        t = T["lumbar_ext_deg"][idx]
        ok = np.isfinite(m)
        if ok.any():
            print(f"lumbar: truth applied {t.min():.1f}..{t.max():.1f}; formcheck lumbar_extension_deg {np.nanmin(m):.1f}..{np.nanmax(m):.1f}"
                  f" (corr {np.corrcoef(m[ok], t[ok])[0, 1] if t[ok].std() > 0 else float('nan'):.2f})")


MP_INDEX = {"shoulder": 11, "hip": 23, "knee": 25, "ankle": 27, "heel": 29, "toetip": 31}


def compare_landmarks(truth_path, pose_path):
    T = np.load(truth_path)
    with np.load(pose_path, allow_pickle=False) as z:
        t_p, xy, vis = z["t_s"], z["xy_px"], z["visibility"]
    idx = np.clip(np.searchsorted(T["t_s"], t_p - 1e-6), 0, len(T["t_s"]) - 1)
    names = list(T["joint_names"])
    px = T["joints_px"][idx]
    h_px = np.nanmax(px[..., 1]) - np.nanmin(px[..., 1])
    print(f"2-D landmark offsets, MediaPipe minus projected rig joint (px; truth joint span {h_px:.0f} px):")
    print("joint       side  n   median dx  median dy  median |d|")
    for j, base in MP_INDEX.items():
        for si, s in enumerate("LR"):
            k = names.index(f"{j}_{s}")
            lm = base + si
            ok = (vis[:, lm] > 0.5) & np.all(np.isfinite(xy[:, lm]), 1)
            if not ok.any():
                print(f"{j:11s} {s:4s} {0:3d}")
                continue
            d = xy[ok, lm] - px[ok, k]
            print(f"{j:11s} {s:4s} {ok.sum():3d} {np.median(d[:, 0]):10.1f} {np.median(d[:, 1]):10.1f} "
                  f"{np.median(np.linalg.norm(d, axis=1)):10.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
    if len(sys.argv) > 3:
        compare_landmarks(sys.argv[1], sys.argv[3])
