"""Nordic technique against rendered truth: the pike flag and the break point (issue 15).

    python bench/nordic.py [--renders DIR] [--holdout 35,36,37,38] [--train] [--extra DIR ...]
                           [--footage POSE.npz ...]

Reads NAME.pose.npz (formcheck's stored pose), NAME.json (the rendered reps, with
``pike_deg_at_turn`` and ``break_knee_deg``) of every ``nordic_*`` clip in ``--renders``
(tools/synth/suite15.py: bodies 31-38; thresholds were chosen on 31-34, so 35-38 are scored held
out). ``--train`` scores the training bodies instead (what the thresholds were chosen on).
Each detected rep is matched to the rendered rep whose turn is nearest. Prints per clip and
rep: the pike measured against the pike rendered, the flag, the break knee angle against the
rendered one, split into when the break was found (the rendered knee at that time against the
rendered break) and the knee angle's reading there (measured against rendered); then pooled pike
recall (piked reps flagged), false flags (straight reps flagged) and break-point errors (median,
max, share within 10 deg), over the clips filmed near enough side-on to be judged (the others are
listed as not judged). ``--extra`` dirs (renders14's eased lowerings without a break, renders13's
partner Nordics) are listed for false flags and spurious breaks; ``--footage`` pose files (real
clips) are listed as measured.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from formcheck.analysis.nordic import view_reason
from formcheck.analysis.pipeline import analyze_pose
from formcheck.config import NordicConfig
from formcheck.io.landmarks import load_pose
from formcheck.types import Report

BODY = re.compile(r"_b(\d+)_")
RENDERS15 = Path("/work/renders15")
EXTRA = (Path("/work/renders14"), Path("/work/renders13"))
FOOTAGE = (Path("/work/footage_poses14/nordic_curl_side_01.pose.npz"),)
EXTRA_REPS: list = []  # (clip, NordicRep) of detected reps no rendered rep matches


def _f(x: float, fmt: str = "{:5.1f}") -> str:
    return "    -" if x is None or not np.isfinite(x) else fmt.format(x)


def analyse(pose_path: Path) -> Report:
    return analyze_pose(load_pose(pose_path))


def matched(report: Report, truth_reps: list[dict]) -> list[tuple[dict, object]]:
    """(truth rep, NordicRep or None) for every rendered rep: the detected rep whose turn is
    nearest the rendered turn, within 1.5 s."""
    out = []
    for tr in truth_reps:
        best, gap = None, 1.5
        for s, x in zip(report.reps, report.nordic):
            d = abs(s.rep.turn_s - tr["turn_s"])
            if d < gap:
                best, gap = x, d
        out.append((tr, best))
    return out


def clip_rows(pose_path: Path) -> list[dict]:
    name = pose_path.name.removesuffix(".pose.npz")
    truth = json.loads(pose_path.with_name(name + ".json").read_text())
    report = analyse(pose_path)
    t_true = np.load(pose_path.with_name(name + ".truth.npz"))
    knee_true = lambda t: float(np.interp(t, t_true["t_s"], t_true["knee_deg"].mean(axis=1)))  # noqa: E731
    rows = []
    pairs = matched(report, truth["reps"])
    used = {id(x) for _, x in pairs}
    EXTRA_REPS.extend((name, x) for x in report.nordic if id(x) not in used)
    for tr, x in pairs:
        rows.append(dict(
            clip=name, rep=tr["rep"], view=report.view.label, family=report.family, posture=report.posture,
            pike_true=float(tr.get("pike_deg_at_turn", 0.0) or 0.0),
            break_true=float(tr["break_knee_deg"]) if tr.get("break_knee_deg") is not None else float("nan"),
            found=x is not None, judged=not view_reason(report.view, NordicConfig()),
            pike=x.pike_deg if x else float("nan"), piked=bool(x and x.piked),
            brk=x.break_knee_deg if x else float("nan"), reason=(x.reason if x else "rep not found"),
            controlled=x.controlled_dps if x else float("nan"), fall=x.fall_dps if x else float("nan"),
            # the rendered knee at the time the break was found: the error splits into when the
            # break was found (truth there - truth at the break) and the knee's reading (measured
            # - truth there)
            knee_true_then=knee_true(x.break_t_s) if x and np.isfinite(x.break_t_s) else float("nan"),
        ))
    return rows


def print_rows(rows: list[dict]) -> None:
    print(f"{'clip':<44} rep view     pike true/meas flag  break true/meas   err = when + reading  "
          "ctrl/fall deg/s  note")
    for r in rows:
        err = r["brk"] - r["break_true"]
        when, reading = r["knee_true_then"] - r["break_true"], r["brk"] - r["knee_true_then"]
        flag = "PIKE" if r["piked"] else "  - "
        print(f"{r['clip']:<44} {r['rep']:>3} {r['view']:<8} {r['pike_true']:5.0f} {_f(r['pike'])} {flag}  "
              f"{_f(r['break_true'])} {_f(r['brk'])} {_f(err, '{:+5.1f}')} {_f(when, '{:+5.1f}')} "
              f"{_f(reading, '{:+5.1f}')}      {_f(r['controlled'], '{:4.0f}')}/"
              f"{_f(r['fall'], '{:<4.0f}')}  {r['reason'] if r['found'] else 'REP NOT FOUND'}")


def pooled(rows: list[dict], label: str) -> None:
    unjudged = [r for r in rows if not r["judged"]]
    rows = [r for r in rows if r["judged"]]  # a rep not found in a judged clip counts as missed
    piked = [r for r in rows if r["pike_true"] > 0]
    straight = [r for r in rows if r["pike_true"] == 0]
    hits = sum(r["piked"] for r in piked)
    false = sum(r["piked"] for r in straight)
    errs = np.array([r["brk"] - r["break_true"] for r in rows if np.isfinite(r["break_true"])])
    found = errs[np.isfinite(errs)]
    when = np.array([r["knee_true_then"] - r["break_true"] for r in rows if np.isfinite(r["brk"])])
    reading = np.array([r["brk"] - r["knee_true_then"] for r in rows if np.isfinite(r["brk"])])
    print(f"\n{label}: {len(rows) + len(unjudged)} rendered reps, {len(unjudged)} not judged (filmed too far "
          f"off side-on: "
          f"{', '.join(sorted({r['clip'] for r in unjudged})) or 'none'}); the other {len(rows)} scored, "
          f"{sum(r['found'] for r in rows)} found:")
    print(f"  pike recall {hits}/{len(piked)}; false flags {false}/{len(straight)} straight reps")
    if errs.size:
        within = int(np.sum(np.abs(found) <= 10))
        print(f"  break point: found {found.size}/{errs.size}; |error| median {np.median(np.abs(found)):.1f} deg, "
              f"max {np.max(np.abs(found)):.1f} deg, bias {np.mean(found):+.1f} deg; within 10 deg: "
              f"{within}/{errs.size}" if found.size else f"  break point: found 0/{errs.size}")
        if found.size:
            print(f"    of which when it was found (rendered knee then - rendered break): median "
                  f"{np.median(when):+.1f} deg, |max| {np.max(np.abs(when)):.1f}; the knee's reading "
                  f"(measured - rendered, then): median {np.median(reading):+.1f} deg, |max| "
                  f"{np.max(np.abs(reading)):.1f}")
    by_pike: dict[float, list[float]] = {}
    for r in rows:
        if np.isfinite(r["pike"]):
            by_pike.setdefault(r["pike_true"], []).append(r["pike"])
    for p, v in sorted(by_pike.items()):
        print(f"  pike rendered {p:4.0f}: measured {np.min(v):5.1f} to {np.max(v):5.1f} (median {np.median(v):.1f})")


def other_rows(pose_path: Path) -> None:
    report = analyse(pose_path)
    name = pose_path.name.removesuffix(".pose.npz")
    head = f"{name:<44} {report.view.label:<8} {report.family}/{report.posture}, {len(report.reps)} reps"
    if not report.nordic:
        print(f"{head}: not judged as a Nordic")
        return
    cells = [f"rep {x.rep}: pike {_f(x.pike_deg, '{:.0f}')}{' PIKE' if x.piked else ''}, break "
             f"{_f(x.break_knee_deg, '{:.0f}')}{' (' + x.reason + ')' if x.reason else ''} "
             f"[{_f(x.controlled_dps, '{:.0f}')}/{_f(x.fall_dps, '{:.0f}')} deg/s]" for x in report.nordic]
    print(f"{head}\n    " + "\n    ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--renders", type=Path, default=RENDERS15)
    ap.add_argument("--holdout", default="35,36,37,38", help="bodies scored (the others chose the thresholds)")
    ap.add_argument("--train", action="store_true", help="score the training bodies instead")
    ap.add_argument("--extra", type=Path, nargs="*", default=list(EXTRA))
    ap.add_argument("--footage", type=Path, nargs="*", default=list(FOOTAGE))
    args = ap.parse_args()
    held = {int(b) for b in args.holdout.split(",")}
    clips = []
    for p in sorted(args.renders.glob("nordic_*.pose.npz")):
        m = BODY.search(p.name)
        if m and (int(m.group(1)) in held) != args.train:
            clips.append(p)
    label = "training bodies" if args.train else f"held out (bodies {args.holdout})"
    print(f"# rendered Nordics, {label}: {len(clips)} clips with a pose in {args.renders}\n")
    rows = [r for p in clips for r in clip_rows(p)]
    print_rows(rows)
    pooled(rows, label)
    extra = [(c, x) for c, x in EXTRA_REPS if not x.reason.startswith("not judged")]
    print(f"  reps found that were not rendered (the pose flipping near the floor): {len(extra)}, "
          f"{sum(x.piked for _, x in extra)} pike-flagged" + "".join(
              f"\n    {c} rep {x.rep}: pike {_f(x.pike_deg, '{:.0f}')}, break {_f(x.break_knee_deg, '{:.0f}')}"
              for c, x in extra))
    print("\n# eased lowerings without a break, partner Nordics (no pike rendered): flags and breaks")
    for d in args.extra:
        for p in sorted(d.glob("nordic_*.pose.npz")):
            other_rows(p)
    print("\n# real footage")
    for p in args.footage:
        if p.exists():
            other_rows(p)
        else:
            print(f"{p}: not found")


if __name__ == "__main__":
    main()
