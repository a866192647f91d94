"""The low back against rendered truth, held out by body; and what real footage gets.

    python bench/back.py /work/renders15 --neutral /work/renders14 /work/renders13
    python bench/back.py /work/renders15 --fit            # fit BackConfig on bodies 31-34 (+ even
                                                          # neutral bodies), score the others
    python bench/back.py ... --footage ../shared/footage --cache /work/footage_poses14

Clips come from tools/synth (suite15.py: rdl_{neutral,arched15/25,leanback15/25,rounded15/30}
on bodies 31-38, cameras 45-90 deg from the front, pitch 0-20; rendered by
tools/synth/render_suite.sh with NAME.pose.npz beside each). ``--neutral`` adds the neutral-backed
hinges of earlier suites (rdl*, deadlift*) for false flags. Each formcheck rep is matched to the
rendered rep it overlaps most; its truth is **extended** (lumbar extension >= 15 deg at the turn,
or leaning back >= 15 deg at lockout), **flexed** (lumbar flexion >= 15) or **neutral**.

Prints per camera class (side >= 75 deg, 60, 45 from the front) and pitch: recall of each state,
false flags (neutral reps flagged, and flags of the wrong kind), reps not judged and why, flags
outside reps. ``--fit`` fits the neutral drift and the three thresholds on the training bodies
and scores the held-out ones with them (and the reverse); without it the shipped config is
scored (on all bodies: the shipped config saw 31-34, so quote --fit's held-out figures).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from formcheck.analysis.back import neutral_bend_deg
from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.smoothing import mean_present
from formcheck.config import BackConfig, Config
from formcheck.io.landmarks import load_pose

TRAIN_BODIES = {31, 32, 33, 34}  # the rest of suite15 (35-38) is held out
STATE_MIN_DEG = 15.0  # a rendered rep is arched / leaning back / rounded from this much


@dataclass(eq=False)
class RepData:
    clip: str
    body: int
    yaw_cls: str
    pitch: float
    truth: str  # "extended" | "flexed" | "neutral"
    truth_kind: str  # "arch" | "lean back" | "rounded" | ""
    judged: bool
    arch_ok: bool  # the set's arching and rounding were judged (camera close enough to side-on)
    reason: str
    hip: np.ndarray  # hinge frames: hip flexion and raw lumbar bend
    arch_raw: np.ndarray
    lean: np.ndarray  # top frames: lean behind vertical
    state: str  # the shipped pipeline's state
    outside_flags: int  # faults of this clip outside every rendered rep (+ lockout hold), on rep 1 only


def yaw_class(yaw: float) -> str:
    y = abs(((yaw + 180.0) % 360.0) - 180.0)
    y = min(y, 180.0 - y)
    return "side" if y >= 75 else "60" if y >= 52.5 else "45" if y >= 37.5 else "<45"


def truth_state(meta_rep: dict) -> tuple[str, str]:
    lum = float(meta_rep.get("lumbar_ext_deg_at_turn", 0.0))
    lean = float(meta_rep.get("lean_back_deg_max", 0.0))
    if lean >= STATE_MIN_DEG:
        return "extended", "lean back"
    if lum >= STATE_MIN_DEG:
        return "extended", "arch"
    if lum <= -STATE_MIN_DEG:
        return "flexed", "rounded"
    return "neutral", ""


def is_hinge_clip(name: str) -> bool:
    return name.startswith(("rdl", "deadlift"))


def clip_reps(pose_path: Path, cfg: Config) -> list[RepData]:
    meta = json.loads(pose_path.with_name(pose_path.name.replace(".pose.npz", ".json")).read_text())
    args = meta["args"]
    name = meta["name"]
    report = analyze_pose(load_pose(pose_path), cfg)
    call = report.back
    m = report.measures
    hip = mean_present(m.hip_deg.values, axis=1)
    windows = [(r["start_s"], r["end_s"] + cfg.back.lockout_hold_s) for r in meta["reps"]]
    outside = sum(1 for f in report.faults if f.kind in ("lumbar_extension", "lean_back", "back_rounded")
                  and not any(a - 0.2 <= f.start_s and f.end_s <= b + 0.2 for a, b in windows))
    out = []
    by_rep = {rb.rep_index: rb for rb in (call.reps if call else [])}
    for k, rs in enumerate(report.reps):
        r = rs.rep
        ov = [max(0.0, min(r.end_s, mr["end_s"]) - max(r.start_s, mr["start_s"])) for mr in meta["reps"]]
        if not ov or max(ov) <= 0:
            continue
        truth, kind = truth_state(meta["reps"][int(np.argmax(ov))])
        rb = by_rep.get(r.index)
        judged = bool(call and call.judged and rb is not None and rb.state != "not judged")
        reason = (call.reason if call and not call.judged else rb.reason if rb else "no back call")
        if rb is not None and rb.i_last >= rb.i_first:
            sl = slice(rb.i_first, rb.i_last + 1)
            hh = hip[sl]
            idx = np.arange(rb.i_first, rb.i_last + 1)
            with np.errstate(invalid="ignore"):
                deep = hh >= cfg.back.min_hip_deg
                top = (hh < cfg.back.top_max_hip_deg) & (idx >= r.i_turn)
            # the judged measure past its standing value, before the neutral drift
            raw = call.frames.lumbar_deg[sl] + neutral_bend_deg(hh, cfg.back)
            ok = deep & np.isfinite(raw)
            lean = call.frames.lean_back_deg[sl]
            hinge_hip, hinge_arch, top_lean = hh[ok], raw[ok], lean[top & np.isfinite(lean)]
        else:
            hinge_hip = hinge_arch = top_lean = np.zeros(0)
        out.append(RepData(name, int(args["body_seed"]), yaw_class(float(args["yaw"])), float(args["pitch"]),
                           truth, kind, judged, bool(call and call.arch_judged), reason,
                           hinge_hip, hinge_arch, top_lean,
                           rb.state if rb else "not judged", outside if k == 0 else 0))
    return out


def rep_state(d: RepData, bc: BackConfig) -> str:
    """The state BackConfig ``bc`` gives this rep (analysis/back.judge_back's rule)."""
    if not d.judged:
        return "not judged"
    arch, lean = rep_values(d, bc)
    if arch > bc.extended_deg or lean > bc.lean_back_deg:
        return "extended"
    return "flexed" if arch < -bc.flexed_deg else "neutral"


def rep_values(d: RepData, bc: BackConfig) -> tuple[float, float]:
    """(lumbar past the lifter's standing bend and the neutral drift, lean-back) for BackConfig ``bc``."""
    ok = d.arch_ok and d.arch_raw.size >= bc.min_frames and np.isfinite(d.arch_raw).any()
    arch = float(np.median(d.arch_raw - (bc.neutral_slope * d.hip + bc.neutral_offset_deg))) if ok else np.nan
    lean = float(np.percentile(d.lean, bc.lean_back_quantile)) if d.lean.size >= bc.min_frames else np.nan
    return arch, lean


MAX_FALSE = 0.02  # the ceiling on neutral reps flagged
MARGIN_DEG = 3.0


def _threshold(neg: np.ndarray, lo: float, hi: float) -> float:
    """The lowest cut that flags at most MAX_FALSE of ``neg``, the values that must stay under it
    (with MARGIN_DEG to spare): recall is bought only where it costs no false flags on the
    training reps; clipped to [lo, hi]."""
    neg = neg[np.isfinite(neg)]
    if not neg.size:
        return float("nan")
    cut = float(np.quantile(neg, 1.0 - MAX_FALSE, method="higher")) + MARGIN_DEG
    return float(round(min(max(cut, lo), hi), 2))


def fit(reps: list[RepData], base: BackConfig, fit_slope: bool = True) -> BackConfig:
    """The neutral drift and the three thresholds from these reps: arching and rounding from the
    side-on ones (the back's profile), the lean-back from every judged one."""
    lean_reps = reps
    reps = [d for d in reps if d.yaw_cls == "side"]
    neutral = [d for d in reps
               if d.truth == "neutral" and d.arch_ok and d.arch_raw.size and np.isfinite(d.arch_raw).all()]
    hip = np.concatenate([d.hip for d in neutral])
    arch = np.concatenate([d.arch_raw for d in neutral])
    # the drift: a line through the neutral reps' (hip, reading), or its median alone (--no-slope)
    slope, offset = np.polyfit(hip, arch, 1) if fit_slope else (0.0, float(np.median(arch)))
    bc = replace(base, neutral_slope=round(float(slope), 3), neutral_offset_deg=round(float(offset), 2))
    # each threshold only from the reps that must stay under it: the hinge's from the side-on reps
    # whose hinge is neutral (neutral and lean-back sets), the lockout's from every rep not leaning
    calm = np.array([rep_values(d, bc)[0] for d in reps if d.truth_kind in ("", "lean back")])
    upright = np.array([rep_values(d, bc)[1] for d in lean_reps if d.truth_kind != "lean back"])
    ext = _threshold(calm, 0.0, 30.0)
    flex = _threshold(-calm, 0.0, 40.0)
    lb = _threshold(upright, 0.0, 30.0)
    return replace(bc, extended_deg=ext, flexed_deg=flex, lean_back_deg=lb)


def score(reps: list[RepData], bc: BackConfig | None, title: str) -> None:
    """Recall per state and false flags, per camera class; ``bc`` None = the pipeline's own states."""
    print(f"\n## {title}")
    rows = defaultdict(lambda: defaultdict(int))
    for d in reps:
        got = rep_state(d, bc) if bc is not None else d.state
        for cls in (d.yaw_cls, "all"):
            r = rows[cls]
            r[f"n_{d.truth_kind or 'neutral'}"] += 1
            if got == "not judged":
                r[f"nj_{d.truth_kind or 'neutral'}"] += 1
            elif d.truth == "neutral":
                r["false"] += got != "neutral"
            elif got == d.truth:
                r[f"hit_{d.truth_kind}"] += 1
            else:
                r["wrong_kind"] += got != "neutral"
    print("| camera | arch recall | lean-back recall | rounded recall | neutral reps flagged | wrong state "
          "| not judged (arch/lean/round/neutral) |")
    print("|---|---|---|---|---|---|---|")
    for cls in ("side", "60", "45", "<45", "all"):
        if cls not in rows:
            continue
        r = rows[cls]

        def rec(k: str, r: dict = r) -> str:
            n = r[f"n_{k}"]
            return f"{r[f'hit_{k}']}/{n}" + (f" ({100 * r[f'hit_{k}'] / n:.0f}%)" if n else "")
        nn, false = r["n_neutral"], r["false"]
        share = f" ({100 * false / nn:.1f}%)" if nn else ""
        print(f"| {cls} | {rec('arch')} | {rec('lean back')} | {rec('rounded')} | {false}/{nn}{share}"
              f" | {r['wrong_kind']} | {r['nj_arch']}/{r['nj_lean back']}/{r['nj_rounded']}/{r['nj_neutral']} |")
    outside = sum(d.outside_flags for d in reps)
    print(f"flags outside the rendered reps (+ lockout hold): {outside}")


def footage(directory: Path, cache: Path, cfg: Config) -> None:
    print("\n## Real footage")
    for mp4 in sorted(directory.glob("*.mp4")):
        pose_path = cache / (mp4.stem + ".pose.npz")
        if not pose_path.is_file():
            print(f"- {mp4.stem}: no cached pose")
            continue
        r = analyze_pose(load_pose(pose_path), cfg)
        b = r.back
        head = f"- {mp4.stem} ({r.view.label} {r.view.yaw_deg:.0f} deg, {r.family}, {len(r.reps)} reps): "
        if b is None or not b.judged:
            print(head + f"low back not judged: {b.reason if b else '?'}")
            continue
        states = ", ".join(
            f"{rb.rep_index}:{rb.state}" + (f"({rb.extended_by})" if rb.extended_by else "")
            + (f" arch {rb.arch_deg:+.0f} lean {rb.lean_back_deg:+.0f}" if rb.state != "not judged"
               else f" [{rb.reason}]")
            for rb in b.reps)
        print(head + states)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path, help="suite15 renders")
    ap.add_argument("--neutral", nargs="*", type=Path, default=[], help="earlier suites: their hinges' neutral backs")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--footage", type=Path)
    ap.add_argument("--cache", type=Path, help="footage poses (NAME.pose.npz)")
    ap.add_argument("--list", action="store_true", help="print every rep's values")
    ap.add_argument("--measure", choices=("bend", "tilt"), default="tilt",
                    help="what judges arching and rounding (compare them; the product ships one)")
    ap.add_argument("--flexed", type=float, default=None,
                    help="score with this rounding threshold, not the fitted one (the shipped one is set by hand)")
    ap.add_argument("--no-slope", action="store_true", help="fit the neutral drift as a constant")
    ap.add_argument("--reference", choices=("standing", "none"), default="standing")
    ap.add_argument("--lean-q", type=float, default=None, help="lean-back percentile over the top frames")
    a = ap.parse_args(argv)
    cfg = Config()
    if a.lean_q is not None:
        cfg = replace(cfg, back=replace(cfg.back, lean_back_quantile=a.lean_q))
    cfg = replace(cfg, back=replace(cfg.back, hinge_measure=a.measure, hinge_reference=a.reference))
    reps: list[RepData] = []
    for d in [*a.dirs, *a.neutral]:
        for p in sorted(d.glob("*.pose.npz")):
            name = p.name.replace(".pose.npz", "")
            if not is_hinge_clip(name):
                continue
            reps += clip_reps(p, cfg)
    print(f"{len(reps)} reps from {len({d.clip for d in reps})} hinge clips")
    if a.list:
        for d in reps:
            arch, lean = rep_values(d, cfg.back)
            print(f"  {d.clip:42s} b{d.body} {d.yaw_cls:>4} p{d.pitch:<3.0f} truth {d.truth_kind or 'neutral':9s} "
                  f"got {d.state:10s} arch {arch:+6.1f} lean {lean:+6.1f} {'' if d.judged else d.reason}")
    if a.fit:
        in_a = [(d.body in TRAIN_BODIES) or (d.body < 31 and d.body % 2 == 0) for d in reps]
        train = [d for d, a in zip(reps, in_a) if a]
        test = [d for d, a in zip(reps, in_a) if not a]
        bc_a = fit(train, cfg.back, not a.no_slope)
        bc_b = fit(test, cfg.back, not a.no_slope)
        if a.flexed is not None:
            bc_a, bc_b = replace(bc_a, flexed_deg=a.flexed), replace(bc_b, flexed_deg=a.flexed)
        for label, bc in (("A (bodies 31-34 + even neutral bodies)", bc_a), ("B (the others)", bc_b)):
            print(f"fit {label}: slope {bc.neutral_slope} offset {bc.neutral_offset_deg} extended {bc.extended_deg} "
                  f"flexed {bc.flexed_deg} lean_back {bc.lean_back_deg}")
        score(test, bc_a, "held out: fit on A, scored on B")
        score(train, bc_b, "held out: fit on B, scored on A")
        score(reps, None, "the shipped config (saw fold A)")
    else:
        score(reps, None, "the shipped config")
    if a.footage and a.cache:
        footage(a.footage, a.cache, cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
