"""Movement family and reps on rendered sets, held out by body, and the hinge/squat fit.

    python bench/family.py DIR                 # every NAME.pose.npz (or NAME.cands.npz) with NAME.json
    python bench/family.py DIR --fit           # also fit config.HingeSquatModel leaving one body out
                                               # at a time, and print the fit on every body
    python bench/family.py DIR --train 1,2     # fit on bodies 1 and 2 only and score every clip with it
                                               # (config ships such a fit; tests hold out the other bodies)
    python bench/family.py DIR --footage       # plus the real-footage table (bench/footage_table.py)

Clips come from tools/synth/render_set.py (``family`` and ``body_seed`` in NAME.json, rep times in
NAME.truth.npz). With --fit each body is scored by a model fitted on the other bodies only; the
table then shows held-out families. Without it, the shipped model (config) is scored.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.analysis.family import hinge_inputs
from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.tracking import build_sequence
from formcheck.config import Config, HingeSquatModel
from formcheck.io.candidates import load_candidates
from formcheck.io.landmarks import load_pose

STANDING_HIPS = ("hinge", "squat")


def load(dir_: Path) -> list[tuple[str, dict, object, np.ndarray]]:
    """(name, sidecar json, PoseSequence, truth rep start times) per rendered clip. A clip with
    stored detections is tracked afresh (a partner in frame tests the lifter choice too)."""
    out = []
    cfg = Config()
    for side in sorted(dir_.glob("*.json")):
        name = side.stem
        meta = json.loads(side.read_text())
        cands, pose = dir_ / f"{name}.cands.npz", dir_ / f"{name}.pose.npz"
        truth = dir_ / f"{name}.truth.npz"
        if not truth.exists() or not (cands.exists() or pose.exists()):
            continue
        if cands.exists():
            d = load_candidates(cands)
            seq = build_sequence(d.t_s, d.candidates, d.width_px, d.height_px, cfg.track,
                                 cfg.pose.outline_levels, name, d.layout, d.damaged)
        else:
            seq = load_pose(pose)
        with np.load(truth) as z:
            starts = np.asarray(z["rep_start_s"])
        out.append((name, meta, seq, starts))
    return out


def _meta(meta: dict, key: str, default=None):
    return meta.get(key, meta.get("args", {}).get(key, default))


SURE = 0.8  # a rep the fitted model is less sure of than this is "hinge or squat"


# The sign each piece's weight must have (trunk tipped further, hips flexed more than the knees:
# a hinge; shins forward and knees deep: a squat). A weight fitted with the other sign says the
# renders confound that piece with another (all rendered squats leaning 58 deg, say), not that the
# body works backwards: it is dropped and the rest refitted.
SIGNS = (1.0, 1.0, -1.0, -1.0)


def _logistic(z: np.ndarray, y: np.ndarray, ridge: float = 0.5) -> np.ndarray:
    """Weights (last: intercept) by Newton steps with a small ridge on all but the intercept."""
    k = z.shape[1]
    r = ridge * np.diag([1.0] * (k - 1) + [0.0])
    w = np.zeros(k)
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        g = z.T @ (p - y) + r @ w
        h = (z * (p * (1 - p))[:, None]).T @ z + r + 1e-9 * np.eye(k)
        w -= np.linalg.solve(h, g)
    return w


def fit(rows: list[tuple[np.ndarray, int]], base: HingeSquatModel) -> HingeSquatModel:
    """Logistic regression (hinge = 1) on the evidence pieces about the model's midpoints, on
    standardised pieces, keeping each weight's sign (SIGNS); the score is then the log-odds, and
    the margin the log-odds of SURE."""
    x = np.array([r[0] for r in rows], float)
    y = np.array([r[1] for r in rows], float)
    ok = np.isfinite(x).all(axis=1)
    centred = x[ok] - np.array(base.mids)
    y = y[ok]
    scale = np.maximum(centred.std(axis=0), 1e-6)
    used = list(range(len(SIGNS)))
    while True:
        w = _logistic(np.column_stack([centred[:, used] / scale[used], np.ones(len(y))]), y)
        wrong = [u for u, c in zip(used, w[:-1]) if c * SIGNS[u] < 0]
        if not wrong:
            break
        used = [u for u in used if u not in wrong]
    weights = np.zeros(len(SIGNS))
    weights[used] = w[:-1] / scale[used]
    return replace(base, weights=tuple(float(c) for c in weights), bias=float(w[-1]),
                   clip=3.0, margin=float(np.log(SURE / (1 - SURE))))


def evidence_rows(report, family: str) -> list[tuple[np.ndarray, int]]:
    """(trunk, log hip/knee, shin tilt) per standing rep, labelled 1 for a hinge."""
    return [(np.array(hinge_inputs(s.family_evidence)), int(family == "hinge"))
            for s in report.reps if s.family_evidence is not None]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--train", help="comma-separated body seeds to fit on; every clip is scored with that fit")
    ap.add_argument("--footage", action="store_true")
    a = ap.parse_args()
    clips = [c for d in a.dirs for c in load(d)]
    base = Config()
    bodies = sorted({int(_meta(m, "body_seed", 0)) for _, m, _, _ in clips})
    models = {b: base.reps.hinge_squat for b in bodies}
    if a.fit or a.train:
        rows_by_body: dict[int, list] = {b: [] for b in bodies}
        for _name, meta, seq, _starts in clips:
            fam = _meta(meta, "family")
            if fam in STANDING_HIPS and _meta(meta, "knees") != "squat":
                rows_by_body[int(_meta(meta, "body_seed", 0))] += evidence_rows(analyze_pose(seq, base), fam)
        chosen = [int(b) for b in a.train.split(",")] if a.train else None
        for b in bodies:
            train = [r for o in (chosen or bodies) if (chosen or o != b) and o in rows_by_body for r in rows_by_body[o]]
            if len({r[1] for r in train}) == 2:
                models[b] = fit(train, base.reps.hinge_squat)
        if chosen:
            print(f"fitted on bodies {a.train}:", models[bodies[0]], "\n")
        every = [r for o in bodies for r in rows_by_body[o]]
        print("fitted on every body:", fit(every, base.reps.hinge_squat), "\n")
    print("| clip | body | posture | family (truth) | reps (truth) | reason |")
    print("|---|---|---|---|---|---|")
    fam_ok = reps_ok = defined = 0
    for name, meta, seq, starts in clips:
        body = int(_meta(meta, "body_seed", 0))
        cfg = replace(base, reps=replace(base.reps, hinge_squat=models[body]))
        r = analyze_pose(seq, cfg)
        truth = _meta(meta, "family")
        if _meta(meta, "knees") == "squat":
            truth = None  # a hinge done as a squat: either family, as for knee_dominant footage
        fam = r.family + (f" or {r.family_alternative}" if r.family_alternative else "") if r.family else "-"
        if truth:
            defined += 1
            fam_ok += r.family == truth and r.family_alternative is None
        reps_ok += len(r.reps) == len(starts)
        print(f"| {name} | {body} | {r.posture} | {fam} ({truth}) | {len(r.reps)} ({len(starts)}) | "
              f"{r.family_reason} |")
    print(f"\nfamily right and unsplit on {fam_ok}/{defined} clips; reps exact on {reps_ok}/{len(clips)}"
          + (" (held out by body)" if a.fit else f" (fitted on bodies {a.train})" if a.train else " (shipped model)"))
    if a.footage:
        import footage_table  # bench/, beside this script

        footage_table.table(poses=False)


if __name__ == "__main__":
    main()
