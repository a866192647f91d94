"""Issue 14's real-footage check: the synced side/oblique kettlebell pairs, straight standing legs,
and every clip's view, reps and verdict.

    python bench/views.py                          # pose what is not cached yet, then the tables
    python bench/views.py --cache DIR              # pose files in DIR (default /work/footage_poses14)
    python bench/views.py --json OUT.json          # also dump every number

Footage comes from FORMCHECK_FOOTAGE or ../shared/footage (as tests/conftest.py finds it). Every
clip is posed once into ``--cache`` as NAME.pose.npz (an empty folder poses them all again, about
15 minutes on two busy cores). tests/data/poses is not used: its lying_leg_curl_setup_01 predates
the tracking changes and is not what the current pose step gives. The analysis is the formcheck
on the import path when the script runs (``analyze_pose``), so a re-run reflects the current
code; from cached poses the 18 clips take a few seconds.

Pairs. kb_deadlift_side_X_01 and kb_deadlift_oblique_X_01 (X = correct, a, kneedominant,
roundedback) are one set filmed by two cameras at once. MANIFEST.md states no offset, so it is
estimated: the Pearson correlation of the two cameras' hip-angle traces (mean of the legs), over
lags of up to MAX_LAG_S; ``offset_s`` is oblique time minus side time for one event. A side rep
and an oblique rep are the same rep when their deepest points (``Rep.turn_s``), after the offset,
are each other's nearest and lie within MATCH_TOL_S.

What is compared: each matched rep's knee (hip) maximum as formcheck reports it
(``RepScore.knee_max_deg`` / ``hip_max_deg``), as |side - oblique|, averaged over matched reps.
Legs are the lifter's (index 0 left, 1 right, as formcheck reports them), never "near"/"far".
- ``L``, ``R``: that leg, on the reps where both cameras measured it (a finite value in the
  smoothed channel) in at least MIN_SEEN of the rep's frames; ``n`` such reps.
- ``mean``: the mean of the two legs' maxima per camera, on reps where both legs pass that test.
- ``best``: the leg whose worse camera saw it most over the matched reps (side-on, the near leg).
- ``issue``: the deeper (higher) of the two legs per camera, ungated: the figure issue 14's
  baseline is quoted in (6.3 / 9.5 deg knee, 14.0 / 10.3 deg hip on the correct and knee-dominant
  pairs).
A pair passes a measure when ``issue`` and every leg compared on at least half the matched reps
are within the goal (KNEE_GOAL_DEG, HIP_GOAL_DEG). A leg compared on fewer reps is shown in
parentheses and does not decide.

Standing legs. On every clip formcheck calls standing (``Report.posture``), the lifter stands tall
where the hip flexion (mean of the legs) is within STAND_HIP_DEG of its set minimum (the 2nd
percentile, so a stray frame is not the minimum), outside reps. Where that leaves under
MIN_STAND_S of video (a clip that starts and ends in reps), the frames inside reps that meet the
hip rule (lockouts) are used and the source says so. The median knee flexion per leg over those
frames passes at STAND_KNEE_DEG or less.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.smoothing import mean_present
from formcheck.api import estimate_pose
from formcheck.errors import FormcheckError
from formcheck.io.landmarks import load_pose, save_pose
from formcheck.types import PoseSequence, Report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path("/work/footage_poses14")
PAIRS = ("correct", "a", "kneedominant", "roundedback")
LEGS = ("L", "R")

KNEE_GOAL_DEG = 4.0
HIP_GOAL_DEG = 6.0
STAND_KNEE_DEG = 5.0
MAX_LAG_S = 3.0
MATCH_TOL_S = 0.5
MIN_SEEN = 0.5
STAND_HIP_DEG = 10.0
MIN_STAND_S = 0.3


def footage_dir() -> Path:
    """The clips' folder: FORMCHECK_FOOTAGE, else ../shared/footage beside the repository."""
    return Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))


def expectations(footage: Path) -> dict:
    """Clip file name -> expected reps/family/flags (expect.json, or the stored copy)."""
    path = footage / "expect.json"
    if not path.is_file():
        path = ROOT / "tests" / "data" / "expect.json"
    return {k: v for k, v in json.loads(path.read_text()).items() if not k.startswith("_")}


# ---- poses ---------------------------------------------------------------------------------


def cached_pose(mp4: Path, cache: Path) -> tuple[PoseSequence, str]:
    """The clip's pose from the cache, else posed now and cached; and where it came from."""
    out = cache / f"{mp4.stem}.pose.npz"
    if out.is_file():
        return load_pose(out), "cache"
    t0 = time.perf_counter()
    pose, _ended = estimate_pose(mp4)
    pose.source = mp4.name
    save_pose(pose, out)
    return pose, f"posed in {time.perf_counter() - t0:.0f} s"


def analyse_clips(footage: Path, cache: Path) -> dict[str, Report | str]:
    """Clip stem -> the current formcheck's report, or the error it raised."""
    cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, Report | str] = {}
    for mp4 in sorted(footage.glob("*.mp4")):
        pose, origin = cached_pose(mp4, cache)
        if origin != "cache":
            print(f"  {mp4.stem}: {origin}", flush=True)
        try:
            out[mp4.stem] = analyze_pose(pose)
        except FormcheckError as exc:  # no person: a clip with nothing to find may say so
            out[mp4.stem] = str(exc)
    return out


# ---- synced pairs --------------------------------------------------------------------------


@dataclass
class LegDiff:
    """Mean |side - oblique| of per-rep maxima for one way of choosing the leg, over n reps."""

    deg: float
    n: int
    decides: bool  # compared on enough reps to pass or fail the pair


@dataclass
class MeasureDiff:
    """One measure's per-rep maxima compared between the cameras."""

    legs: dict[str, LegDiff]  # L, R, mean, best, issue
    best_leg: str
    passed: bool
    reps: list[dict]  # per matched rep: each camera's maxima (L, R) and share of frames seen


@dataclass
class PairResult:
    pair: str
    offset_s: float
    corr: float
    side_reps: int
    oblique_reps: int
    matched: list[tuple[int, int]]  # (side rep, oblique rep), 1-based
    turn_gap_s: float  # median |turn time difference| after the offset
    knee: MeasureDiff
    hip: MeasureDiff


def hip_trace(report: Report) -> tuple[np.ndarray, np.ndarray]:
    """(t_s, hip flexion mean of the legs) with the missing frames dropped."""
    hip = mean_present(report.measures.hip_deg.values, axis=1)
    ok = np.isfinite(hip)
    return report.measures.t_s[ok], hip[ok]


def estimate_offset(side: Report, oblique: Report, max_lag_s: float = MAX_LAG_S) -> tuple[float, float]:
    """(oblique time - side time for one event, correlation) from the hip traces on a common
    grid: the lag of highest Pearson correlation over the overlap."""
    (ta, a), (tb, b) = hip_trace(side), hip_trace(oblique)
    dt = float(min(np.median(np.diff(ta)), np.median(np.diff(tb))))
    grid = np.arange(max(ta[0], tb[0]), min(ta[-1], tb[-1]), dt)
    a_g, b_g = np.interp(grid, ta, a), np.interp(grid, tb, b)
    best = (0.0, -np.inf)
    for k in range(-int(max_lag_s / dt), int(max_lag_s / dt) + 1):
        x, y = (a_g[: len(a_g) - k], b_g[k:]) if k >= 0 else (a_g[-k:], b_g[: len(b_g) + k])
        if len(x) > 0.5 * len(grid):
            r = float(np.corrcoef(x, y)[0, 1])
            best = max(best, (k * dt, r), key=lambda p: p[1])
    return best


def match_reps(side: Report, oblique: Report, offset_s: float) -> list[tuple[int, int]]:
    """(side index, oblique index), 0-based: mutual nearest deepest points within MATCH_TOL_S."""
    ts = np.array([s.rep.turn_s for s in side.reps])
    to = np.array([s.rep.turn_s for s in oblique.reps]) - offset_s
    if not len(ts) or not len(to):
        return []
    gap = np.abs(ts[:, None] - to[None, :])
    return [
        (i, int(j)) for i, j in enumerate(gap.argmin(1))
        if gap[:, j].argmin() == i and gap[i, j] <= MATCH_TOL_S
    ]


def rep_rows(side: Report, oblique: Report, matched: list[tuple[int, int]], measure: str) -> list[dict]:
    """Per matched rep: each camera's maxima per leg as formcheck reports them
    (``RepScore.knee_max_deg`` / ``hip_max_deg``) and the share of the rep's frames each leg was
    measured in (a finite value in the smoothed channel)."""
    channel = f"{measure}_deg"
    rows = []
    for i, j in matched:
        row = {"side_rep": i + 1, "oblique_rep": j + 1}
        for camera, report, k in (("side", side, i), ("oblique", oblique, j)):
            score = report.reps[k]
            values = getattr(report.measures, channel).values[score.rep.i_start : score.rep.i_end + 1]
            row[f"{camera}_max"] = [float(x) for x in getattr(score, f"{measure}_max_deg")]
            row[f"{camera}_seen"] = np.isfinite(values).mean(axis=0).tolist()
        rows.append(row)
    return rows


def column(rows: list[dict], key: str) -> np.ndarray:
    """(n reps, 2 legs) array of one per-rep field."""
    return np.array([r[key] for r in rows], dtype=float).reshape(-1, 2)


def leg_diff(diffs: np.ndarray, n_matched: int) -> LegDiff:
    vals = diffs[np.isfinite(diffs)]
    deg = float(vals.mean()) if len(vals) else float("nan")
    return LegDiff(deg, len(vals), decides=len(vals) >= max(1, n_matched / 2))


def compare_measure(rows: list[dict], goal_deg: float) -> MeasureDiff:
    """The two cameras' per-rep maxima of one measure, compared (module docstring)."""
    ms, mo = column(rows, "side_max"), column(rows, "oblique_max")
    seen = np.minimum(column(rows, "side_seen"), column(rows, "oblique_seen"))
    ok = seen >= MIN_SEEN
    per_leg = np.where(ok, np.abs(ms - mo), np.nan)
    legs = {LEGS[k]: leg_diff(per_leg[:, k], len(rows)) for k in range(2)}
    legs["mean"] = leg_diff(np.where(ok.all(axis=1), np.abs(ms.mean(axis=1) - mo.mean(axis=1)), np.nan), len(rows))
    best = LEGS[int(np.argmax(seen.sum(axis=0)))]
    legs["best"] = legs[best]
    deeper = np.fmax(ms[:, 0], ms[:, 1]) - np.fmax(mo[:, 0], mo[:, 1])  # NaN only if a camera has neither
    legs["issue"] = leg_diff(np.abs(deeper), len(rows))
    deciding = [legs[k] for k in (*LEGS, "issue") if legs[k].decides]
    passed = bool(deciding) and all(d.deg <= goal_deg for d in deciding)
    return MeasureDiff(legs, best, passed, rows)


def compare_pair(pair: str, side: Report, oblique: Report) -> PairResult:
    offset_s, corr = estimate_offset(side, oblique)
    matched = match_reps(side, oblique, offset_s)
    gaps = [abs(side.reps[i].rep.turn_s - (oblique.reps[j].rep.turn_s - offset_s)) for i, j in matched]
    return PairResult(
        pair, offset_s, corr, len(side.reps), len(oblique.reps),
        [(i + 1, j + 1) for i, j in matched], float(np.median(gaps)) if gaps else float("nan"),
        compare_measure(rep_rows(side, oblique, matched, "knee"), KNEE_GOAL_DEG),
        compare_measure(rep_rows(side, oblique, matched, "hip"), HIP_GOAL_DEG),
    )


def compare_pairs(reports: dict[str, Report | str]) -> list[PairResult]:
    """Every pair whose two clips were analysed; the others are named with the reason."""
    out = []
    for x in PAIRS:
        clips = (f"kb_deadlift_side_{x}_01", f"kb_deadlift_oblique_{x}_01")
        side, obl = (reports.get(c, f"{c} is not in the footage folder") for c in clips)
        if isinstance(side, Report) and isinstance(obl, Report):
            out.append(compare_pair(x, side, obl))
        else:
            print(f"pair {x} not compared: {side if isinstance(side, str) else obl}")
    return out


# ---- standing legs -------------------------------------------------------------------------


@dataclass
class StandingResult:
    clip: str
    source: str  # "rest" (outside reps) or "lockout" (inside reps), "" when no frames
    seconds: float
    knee_deg: list[float]  # median per leg, NaN where unmeasured
    passed: bool


def standing_frames(report: Report) -> tuple[np.ndarray, str]:
    """Frames where the lifter stands tall (module docstring) and which rule found them."""
    hip = mean_present(report.measures.hip_deg.values, axis=1)
    if not np.isfinite(hip).any():
        return np.zeros(len(hip), bool), ""
    tall = np.isfinite(hip) & (hip <= np.nanpercentile(hip, 2) + STAND_HIP_DEG)
    rest = tall & (report.rep_of_frame == 0)
    dt = np.gradient(report.measures.t_s) if len(hip) > 1 else np.zeros(len(hip))
    if dt[rest].sum() >= MIN_STAND_S:
        return rest, "rest"
    return tall, "lockout"


def standing_legs(clip: str, report: Report) -> StandingResult:
    frames, source = standing_frames(report)
    knee = report.measures.knee_deg.values[frames]
    med = [float(np.nanmedian(knee[:, k])) if np.isfinite(knee[:, k]).any() else float("nan") for k in range(2)]
    seconds = float(np.gradient(report.measures.t_s)[frames].sum()) if frames.any() else 0.0
    measured = [m for m in med if np.isfinite(m)]
    return StandingResult(clip, source, seconds, med, bool(measured) and max(measured) <= STAND_KNEE_DEG)


# ---- printing ------------------------------------------------------------------------------


def fmt(x: float, spec: str = "{:.1f}") -> str:
    return spec.format(x) if np.isfinite(x) else "-"


def cell(d: LegDiff) -> str:
    text = f"{fmt(d.deg)} ({d.n})"
    return text if d.decides or not np.isfinite(d.deg) else f"({text})"


def markdown(title: str, header: tuple[str, ...], rows: list[list[str]]) -> None:
    """Print a titled markdown table."""
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_pairs(pairs: list[PairResult]) -> None:
    print("## Synced side / front-oblique pairs")
    markdown(
        "Time offset (oblique - side) from the hip traces, and reps matched by their deepest point",
        ("pair", "offset s (r)", "reps side / oblique / matched", "median turn gap s"),
        [[p.pair, f"{p.offset_s:+.3f} ({p.corr:.2f})", f"{p.side_reps} / {p.oblique_reps} / {len(p.matched)}",
          fmt(p.turn_gap_s, "{:.2f}")] for p in pairs],
    )
    for measure, goal in (("knee", KNEE_GOAL_DEG), ("hip", HIP_GOAL_DEG)):
        diffs: list[MeasureDiff] = [getattr(p, measure) for p in pairs]
        markdown(
            f"{measure.capitalize()} maxima, mean |side - oblique| deg (reps compared); goal <= {goal:g}",
            ("pair", "L", "R", "mean of legs", "best-seen leg", "issue's figure (deeper leg)", "result"),
            [[p.pair, cell(m.legs["L"]), cell(m.legs["R"]), cell(m.legs["mean"]),
              f"{m.best_leg}: {cell(m.legs['best'])}", cell(m.legs["issue"]), verdict(m.passed)]
             for p, m in zip(pairs, diffs)],
        )
    markdown(
        "Mean rep maxima per leg, L / R deg (share of rep frames the leg was measured)",
        ("pair", "knee side", "knee oblique", "hip side", "hip oblique"),
        [[p.pair, *(leg_means(m, camera) for m in (p.knee, p.hip) for camera in ("side", "oblique"))]
         for p in pairs],
    )


def leg_means(m: MeasureDiff, camera: str) -> str:
    """Each leg's mean rep maximum on one camera, with the mean share of rep frames it was seen."""
    top, seen = column(m.reps, f"{camera}_max"), column(m.reps, f"{camera}_seen")
    if not len(top):
        return "-"
    means = [float(np.mean(x[np.isfinite(x)])) if np.isfinite(x).any() else np.nan for x in top.T]
    return " / ".join(f"{fmt(v, '{:.0f}')} ({share:.0%})" for v, share in zip(means, seen.mean(axis=0)))


def print_standing(rows: list[StandingResult]) -> None:
    markdown(
        f"## Straight standing legs (goal: median knee flexion <= {STAND_KNEE_DEG:g} deg per leg)",
        ("clip", "frames from", "s", "knee L", "knee R", "result"),
        [[s.clip, s.source or "-", f"{s.seconds:.1f}", fmt(s.knee_deg[0]), fmt(s.knee_deg[1]), verdict(s.passed)]
         for s in rows],
    )


def clip_row(clip: str, report: Report | str, exp: dict) -> dict:
    lo, hi = exp.get("reps", [None, None])
    expected = "?" if lo is None else (str(lo) if lo == hi else f"{lo}-{hi}")
    if isinstance(report, str):
        return {"clip": clip, "view": "-", "yaw_deg": None, "posture": None, "reps": 0,
                "reps_expected": expected, "reps_ok": lo == 0, "family": None,
                "family_expected": exp.get("family"), "toe_bias": None, "verdict": report}
    n = len(report.reps)
    return {
        "clip": clip, "view": getattr(report.view, "label", report.view.view),
        "yaw_deg": round(float(report.view.yaw_deg), 1), "posture": report.posture, "reps": n,
        "reps_expected": expected, "reps_ok": lo is not None and lo <= n <= hi,
        "family": report.family, "family_expected": exp.get("family"),
        "toe_bias": report.toe_bias, "verdict": report.verdict,
    }


def print_clips(rows: list[dict]) -> None:
    def cells(r: dict) -> list[str]:
        yaw = "" if r["yaw_deg"] is None else f" ({r['yaw_deg']:.0f} deg)"
        mark = "" if r["reps_ok"] else " (!)"
        return [r["clip"], f"{r['view']}{yaw}", r["posture"] or "-", f"{r['reps']} / {r['reps_expected']}{mark}",
                f"{r['family'] or '-'} ({r['family_expected']})", r["toe_bias"] or "-", r["verdict"]]

    markdown(
        "## Every clip",
        ("clip", "view (yaw)", "posture", "reps found / expected", "family (expected)", "toe bias", "verdict"),
        [cells(r) for r in rows],
    )


def print_summary(pairs: list[PairResult], standing: list[StandingResult]) -> None:
    knee = sum(p.knee.passed for p in pairs)
    hip = sum(p.hip.passed for p in pairs)
    stand = sum(s.passed for s in standing)
    print(f"\nPairs: knee {knee}/{len(pairs)} PASS (<= {KNEE_GOAL_DEG:g} deg), hip {hip}/{len(pairs)} "
          f"PASS (<= {HIP_GOAL_DEG:g} deg). Standing legs: {stand}/{len(standing)} PASS "
          f"(<= {STAND_KNEE_DEG:g} deg).")


# ---- main ----------------------------------------------------------------------------------


def run(footage: Path, cache: Path) -> dict:
    """Pose (as needed), analyse, print every table; returns the numbers for --json."""
    t0 = time.perf_counter()
    reports = analyse_clips(footage, cache)
    expect = {Path(k).stem: v for k, v in expectations(footage).items()}
    pairs = compare_pairs(reports)
    standing = [standing_legs(c, r) for c, r in reports.items() if isinstance(r, Report) and r.posture == "standing"]
    rows = [clip_row(c, r, expect.get(c, {})) for c, r in reports.items()]
    print_pairs(pairs)
    print_standing(standing)
    print_clips(rows)
    print_summary(pairs, standing)
    print(f"\n{len(reports)} clips from {footage}, poses in {cache}, {time.perf_counter() - t0:.0f} s")
    return {"pairs": [asdict(p) for p in pairs], "standing": [asdict(s) for s in standing], "clips": rows}


def nan_to_none(x: object) -> object:
    """JSON has no NaN: NaN becomes null, recursively (numpy scalars as Python ones)."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not np.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: nan_to_none(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [nan_to_none(v) for v in x]
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where NAME.pose.npz are kept")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args()
    numbers = run(footage_dir(), args.cache)
    if args.json:
        args.json.write_text(json.dumps(nan_to_none(numbers), indent=1) + "\n")


if __name__ == "__main__":
    main()
