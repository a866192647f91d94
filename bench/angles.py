"""Fit and score how knee and hip flexion are read from every view, held out by body.

    python bench/angles.py DIR [DIR ...]              # two folds: fit on even body seeds, score odd,
                                                      # and the other way round; print the tables
    python bench/angles.py DIR ... --print-config     # plus the model fitted on every body, as
                                                      # source: angle_model.py (ANGLE_MODEL, errors), config.py (yaw)
    python bench/angles.py DIR --train-only MORE ...  # MORE's sets (other bodies) only ever train

Clips come from tools/synth (render_suite.sh: NAME.mp4, NAME.truth.npz, NAME.json, NAME.pose.npz);
the pose is computed and saved beside the clip if missing. Sets with a partner in frame are left out
of fitting (their errors are the tracking's, not the geometry's) but scored.

What is fitted, on the training bodies only:
1. the yaw lines (config.MeasureConfig.yaw_front_line / yaw_rear_line): the rendered camera's yaw
   out of the hips' plane against the world-landmark and image-width readings (analysis/view.py);
2. per (measure, view bin) the weights of the four candidate readings (analysis/lift.py) and an
   offset, by least squares on every seen frame, pulled toward the hybrid reading (RIDGE);
3. the error model (config.ANGLE_ERRORS): per view bin and knee-angle band, the spread of the
   held-out sets' mean errors, which the zone-second ranges are drawn from.
Scored on the held-out bodies through the whole pipeline (smoothing included): knee and hip MAE and
p95 by the camera's true yaw, the view's yaw error, rear views found, zone seconds' error as a share
of measured time, and how often the stated range holds the true seconds.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from accuracy import load_clip, set_hip_rest, truth_of  # bench/, beside this script

from formcheck import skeleton as sk
from formcheck.analysis.lift import FEATURES, angle_features, seen_landmarks
from formcheck.analysis.pipeline import analyze_pose
from formcheck.analysis.posture import set_posture
from formcheck.analysis.smoothing import mean_present
from formcheck.analysis.view import combined_yaw_deg, estimate_view, fold_azimuth, image_yaw_deg
from formcheck.analysis.zone_error import likely_seconds
from formcheck.analysis.zones import zone_seconds
from formcheck.config import ZONES, AngleModel, AngleWeights, Config, ErrorBand
from formcheck.types import Report

MEASURES = ("knee_deg", "hip_deg")
TRIPLES = {"knee_deg": (sk.HIP, sk.KNEE, sk.ANKLE), "hip_deg": (sk.SHOULDER, sk.HIP, sk.KNEE)}
RIDGE = 200.0  # per-frame pull toward the hybrid reading (frames count in the thousands)
PRIOR = np.array([0.0, 0.0, 1.0, 0.0])  # FEATURES: image, world, hybrid, lifted
# Side-on the hip weighs only the image (with an offset): the four-candidate fit there read it
# 4.5 deg off on held-out bodies against 3.3 for the image alone. The knee keeps all four: alone,
# the image put zone seconds off by 13.6% of the measured time against 6.8%.
ONLY = {("hip_deg", "side"): np.array([True, False, False, False])}
# a view bin is fitted on at least MIN_SETS sets of MIN_BODIES bodies; else it borrows its fallback's
MIN_SETS, MIN_BODIES = 3, 2
# A fit whose weights sum under this barely follows the angle (a prone curl filmed from the head:
# the knee's best least-squares reading was a constant 70 deg): the bin is left to its fallback
MIN_WEIGHT_SUM = 0.5
# bands of measured knee angle the error model is kept in; a (set, leg) counts in a band with at
# least BAND_FRAMES frames there, and a view bin needs BAND_SETS of them, else all bins are pooled
BANDS = ((-30.0, 20.0), (20.0, 45.0), (45.0, 75.0), (75.0, 100.0), (100.0, 180.0))
BAND_FRAMES = 10
BAND_SETS = 4
MIN_SPREAD_DEG = 1.0
# A band's spread: the SPREAD_Q-th percentile of held-out sets' errors about the bias, times
# SPREAD_SCALE (--spread-q, --spread-scale). At 90 and 1 the ranges held the truth for 78% of
# (head, leg, set) of the other fold (an error is not one shift: it changes with the angle); at
# 95 and 1.5, 86%.
SPREAD_Q = 95.0
SPREAD_SCALE = 1.5


def true_view(meta: dict) -> tuple[float, bool]:
    return fold_azimuth(float(meta.get("yaw", 90.0)))


def view_class(meta: dict) -> str:
    """The issue's view classes, by the rendered camera: side (>= 75), 45-60, 30, front (< 25),
    each split front/rear (the camera behind the lifter)."""
    yaw, rear = true_view(meta)
    if yaw >= 75:
        return "side"
    name = "front" if yaw < 25 else ("30" if yaw < 37.5 else "45-60")
    return ("rear " if rear else "") + name


def raw_config() -> Config:
    cfg = Config()
    return replace(cfg, measure=replace(cfg.measure, yaw_front_line=(0.0, 1.0, 0.0), yaw_rear_line=(0.0, 1.0, 0.0)))


ZERO_STANDING_KNEE = True  # --no-standing-zero: score without the standing knee's zero
CLIPS = False  # --clips: a line per scored set
YawLines = dict[bool, tuple[float, float, float]]  # rear camera? -> (offset, world, image)


def with_model(model: AngleModel, yaw_lines: YawLines) -> Config:
    cfg = Config()
    return replace(cfg, measure=replace(cfg.measure, angle_model=model, zero_standing_knee=ZERO_STANDING_KNEE,
                                        yaw_front_line=yaw_lines[False], yaw_rear_line=yaw_lines[True]))


class Clip:
    """One rendered set: its truth, pose, raw view and candidate readings."""

    def __init__(self, meta: dict, truth: dict, pose, name: str) -> None:
        self.meta, self.truth, self.pose, self.name = meta, truth, pose, name
        self.body = int(meta.get("body_seed", 0))
        self.partner = bool(meta.get("partner"))
        cfg = raw_config()
        view = estimate_view(pose, cfg.measure)
        self.raw_yaw, self.rear = view.yaw_deg, view.rear
        self.image_yaw = image_yaw_deg(pose, cfg.measure.min_visibility)
        self.true_yaw, self.true_rear = true_view(meta)
        seen = seen_landmarks(pose, cfg.measure.min_visibility)
        knee, hip = angle_features(pose.xy_px, pose.world_m, seen)
        self.standing = set_posture(pose.world_m, mean_present(hip.hybrid, axis=1)).name == "standing"
        self.n = min(len(pose.t_s), len(truth["t_s"]))
        self.features = {"knee_deg": knee.stack()[: self.n], "hip_deg": hip.stack()[: self.n]}
        self.seen = {m: np.stack([np.all(seen[: self.n, list(t)], axis=1) for t in zip(*TRIPLES[m])], 1)
                     for m in MEASURES}

    def want(self, measure: str) -> np.ndarray:
        return np.asarray(truth_of(self.truth, measure), dtype=float)[: self.n]


def fit_yaw(clips: list[Clip]) -> YawLines:
    """Least-squares true yaw ~ offset + a * world yaw + b * image yaw, separately for sets whose
    camera reads as in front and as behind (a line from the world yaw alone where too few)."""
    lines = {}
    for rear in (False, True):
        use = [c for c in clips if c.rear == rear and np.isfinite(c.raw_yaw) and np.isfinite(c.image_yaw)]
        if len(use) < 4:
            lines[rear] = (0.0, 1.0, 0.0)
            continue
        a = np.array([[1.0, c.raw_yaw, c.image_yaw] for c in use])
        coef, *_ = np.linalg.lstsq(a, np.array([c.true_yaw for c in use]), rcond=None)
        lines[rear] = tuple(float(v) for v in coef)
    return lines


def fit_yaw_of(c: Clip, lines: YawLines) -> float:
    return combined_yaw_deg(c.raw_yaw, c.image_yaw, c.rear, with_model(AngleModel(), lines).measure)


def fit_weights(x: np.ndarray, y: np.ndarray, allowed: np.ndarray | None = None) -> AngleWeights:
    """truth ~ offset + x @ w with every weight >= 0 (a reading that counts against itself would
    extrapolate wildly on a body it never saw), ridge-pulled toward PRIOR; the offset is free.
    Four candidates: every subset (of the ``allowed`` ones) is solved and the best one with no
    negative weight kept."""
    n, k = x.shape
    xm, ym = x.mean(axis=0), y.mean()
    xc, yc = x - xm, y - ym
    a = xc.T @ xc + RIDGE * np.eye(k) * n / 1000.0
    b = xc.T @ yc + RIDGE * PRIOR * n / 1000.0
    best, best_cost = np.zeros(k), np.inf
    for mask in range(1, 2**k):
        use = np.array([(mask >> i) & 1 for i in range(k)], dtype=bool)
        if allowed is not None and np.any(use & ~allowed):
            continue
        w = np.zeros(k)
        w[use] = np.linalg.solve(a[np.ix_(use, use)], b[use])
        if np.any(w < 0):
            continue
        cost = w @ a @ w - 2 * b @ w
        if cost < best_cost:
            best, best_cost = w, cost
    return AngleWeights(float(ym - xm @ best), tuple(float(v) for v in best))


def fit_model(clips: list[Clip], yaw_lines: YawLines) -> AngleModel:
    model = AngleModel()
    data = defaultdict(lambda: ([], []))
    sets = defaultdict(set)
    for c in clips:
        if c.partner:
            continue
        where = model.bin_of(fit_yaw_of(c, yaw_lines), c.rear, c.standing)
        sets[where].add((c.name, c.body))
        for m in MEASURES:
            x = c.features[m].reshape(-1, len(FEATURES))
            y = c.want(m).reshape(-1)
            ok = c.seen[m].reshape(-1) & np.all(np.isfinite(x), axis=1) & np.isfinite(y)
            data[(m, where)][0].append(x[ok])
            data[(m, where)][1].append(y[ok])
    weights = {}
    for key, (xs, ys) in data.items():
        x, y = np.concatenate(xs), np.concatenate(ys)
        if len(sets[key[1]]) >= MIN_SETS and len({b for _n, b in sets[key[1]]}) >= MIN_BODIES and len(y):
            w = fit_weights(x, y, ONLY.get((key[0], key[1].partition(":")[0])))
            if sum(w.weights) >= MIN_WEIGHT_SUM:  # else the fit is a constant: no reading at all
                weights[key] = w
    return replace(model, weights=weights)


def errors(report: Report, clip: Clip, measure: str) -> np.ndarray:
    got = getattr(report.measures, measure).values[: clip.n]
    return (got - clip.want(measure)).ravel()


def band_errors(report: Report, clip: Clip) -> dict[tuple[float, float], list[float]]:
    """Per band of measured knee angle: each leg's mean error (measured - true) over its frames
    in the band."""
    got = report.measures.knee_deg.values[: clip.n]
    err = got - clip.want("knee_deg")
    out = defaultdict(list)
    for lo, hi in BANDS:
        for k in range(2):
            inside = (got[:, k] >= lo) & (got[:, k] < hi) & np.isfinite(err[:, k])
            if inside.sum() >= BAND_FRAMES:
                out[(lo, hi)].append(float(np.mean(err[inside, k])))
    return out


def fit_errors(entries: dict[str, dict]) -> dict[str, tuple[ErrorBand, ...]]:
    """view bin -> bands: bias = median of the sets' mean errors, spread = SPREAD_Q-th percentile of
    their distance from it; a bin with too few sets in a band takes the band pooled over every bin."""
    pooled = defaultdict(list)
    for per_band in entries.values():
        for band, e in per_band.items():
            pooled[band] += e
    out = {}
    for where in entries:
        bands = []
        for lo, hi in BANDS:
            e = entries[where].get((lo, hi), [])
            e = e if len(e) >= BAND_SETS else pooled.get((lo, hi), [])
            if not e:
                continue
            bias = float(np.median(e))
            spread = max(SPREAD_SCALE * float(np.percentile(np.abs(np.asarray(e) - bias), SPREAD_Q)), MIN_SPREAD_DEG)
            bands.append(ErrorBand(lo, hi, bias, spread))
        out[where] = tuple(bands)
    return out


def range_hits(report: Report, clip: Clip, bands: tuple[ErrorBand, ...]) -> list[bool]:
    """For each (head, leg) with true seconds in the report's reps: is the true time inside the
    likely range drawn from ``bands``?"""
    t = clip.truth["t_s"][: clip.n]
    spans = [(r.rep.i_start, min(r.rep.i_end, clip.n - 1)) for r in report.reps if r.rep.i_start < clip.n]
    hits = []
    for k in range(2):
        got = report.measures.knee_deg.values[: clip.n, k]
        want = np.where(np.isfinite(got), clip.want("knee_deg")[:, k], np.nan)
        likely = likely_seconds(t, got, ZONES, bands, spans)
        for h, (lo, hi) in likely.items():
            true_s = sum(zone_seconds(t, want, ZONES, a, b)[0][h] for a, b in spans)
            if true_s > 0.3 or hi > 0.3:
                hits.append(lo - 0.05 <= true_s <= hi + 0.05)
    return hits


def zone_share_error(report: Report, clip: Clip) -> list[float]:
    """Per visible leg over the rendered reps: sum over heads of |seconds - true seconds| over the
    measured seconds."""
    t = clip.truth["t_s"][: clip.n]
    in_rep = np.zeros(clip.n, bool)
    for a, b in zip(clip.truth["rep_start_s"], clip.truth["rep_end_s"]):
        in_rep |= (t >= a) & (t <= b)
    out = []
    want_knee = clip.want("knee_deg")
    for k in range(2):
        got = np.where(in_rep, report.measures.knee_deg.values[: clip.n, k], np.nan)
        if np.mean(np.isfinite(got[in_rep])) < 0.5:
            continue
        want = np.where(np.isfinite(got), want_knee[:, k], np.nan)
        w, measured = zone_seconds(t, want, ZONES)
        g, _ = zone_seconds(t, got, ZONES)
        if measured > 0:
            out.append(sum(abs(g[h] - w[h]) for h in w) / measured)
    return out


def toe_cell(errs: list[np.ndarray]) -> str:
    e = np.abs(np.concatenate(errs)) if errs else np.zeros(0)
    return f"{e.mean():.1f} ({e.size} frames)" if e.size else "not reported"


def main() -> None:
    global ZERO_STANDING_KNEE, CLIPS, SPREAD_Q, SPREAD_SCALE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--print-config", action="store_true")
    ap.add_argument("--train-only", nargs="*", type=Path, default=[],
                    help="directories of sets used for fitting only, never scored (their bodies "
                         "must differ from the scored ones)")
    ap.add_argument("--no-standing-zero", action="store_true",
                    help="score without taking the standing knee's reading off (analysis/standing.py)")
    ap.add_argument("--clips", action="store_true", help="print a line per scored set")
    ap.add_argument("--spread-q", type=float, default=SPREAD_Q,
                    help="percentile of the held-out sets' errors taken as an error band's spread")
    ap.add_argument("--spread-scale", type=float, default=SPREAD_SCALE, help="... times this")
    args = ap.parse_args()
    ZERO_STANDING_KNEE, CLIPS = not args.no_standing_zero, args.clips
    SPREAD_Q, SPREAD_SCALE = args.spread_q, args.spread_scale
    loaded = [load_clip(p, False) + (p.stem,) for d in [*args.dirs, *args.train_only]
              for p in sorted(d.glob("*.mp4")) if p.with_suffix(".truth.npz").is_file()]
    set_hip_rest(loaded)
    clips = [Clip(*c) for c in loaded]
    extra = {p.stem for d in args.train_only for p in d.glob("*.mp4")}
    scored_bodies = {c.body for c in clips if c.name not in extra}
    if scored_bodies & {c.body for c in clips if c.name in extra}:
        raise SystemExit("--train-only sets share bodies with the scored ones")
    print(f"{len(clips)} sets ({len(clips) - len(extra)} scored), {len({c.body for c in clips})} bodies")
    folds = [{b for b in scored_bodies if b % 2 == parity} for parity in (0, 1)]

    errs = defaultdict(list)
    yaw_err, rear_hits, zone_err = defaultdict(list), defaultdict(lambda: [0, 0]), defaultdict(list)
    toe_err, toe_calls = defaultdict(list), defaultdict(lambda: [0, 0])
    fold_entries = []  # per fold: view bin -> band -> held-out sets' mean errors
    scored = []  # (fold, clip, report)
    for f, held in enumerate(folds):
        train = [c for c in clips if c.body not in held]
        yaw_lines = fit_yaw(train)
        model = fit_model(train, yaw_lines)
        cfg = with_model(model, yaw_lines)
        entries = defaultdict(lambda: defaultdict(list))
        for c in clips:
            if c.body not in held:
                continue
            report = analyze_pose(c.pose, cfg)
            scored.append((f, c, report))
            where = report.measures.view_bin
            for band, e in band_errors(report, c).items():
                entries[where][band] += e
            cls = view_class(c.meta)
            yaw_err[cls].append(report.view.yaw_deg - c.true_yaw)
            if c.true_yaw < 70:
                rear_hits[cls][0] += int(report.view.rear == c.true_rear)
                rear_hits[cls][1] += 1
            for m in MEASURES:
                e = errors(report, c, m)
                errs[(m, cls)].append(e[np.isfinite(e)])
            zone_err[cls] += zone_share_error(report, c)
            toe = report.measures.toe_deg.values[: c.n] - np.asarray(truth_of(c.truth, "toe_deg"))[: c.n]
            toe_err[cls].append(toe[np.isfinite(toe)])
            if report.toe_bias != "unknown":
                toe_calls[cls][0] += int(report.toe_bias == c.meta.get("toes", "neutral"))
                toe_calls[cls][1] += 1
            if CLIPS:
                maes = [np.nanmean(np.abs(errors(report, c, m))) for m in MEASURES]
                rear = ("r" if c.true_rear else " ", "r" if report.view.rear else " ")
                print(f"  {c.name:40s} true {c.true_yaw:4.0f}{rear[0]} est {report.view.yaw_deg:4.0f}{rear[1]} "
                      f"({where}) knee {maes[0]:5.1f} hip {maes[1]:5.1f} "
                      f"zero {np.round(report.knee_zero_deg, 1)}")
        fold_entries.append(entries)
    # each fold's ranges drawn from the error model of the other fold's held-out sets
    in_range = defaultdict(list)
    models = [fit_errors(e) for e in fold_entries]
    for f, c, report in scored:
        errors_model = models[1 - f] if len(models) == 2 else models[f]
        where = report.measures.view_bin
        in_range[view_class(c.meta)] += range_hits(report, c, errors_model.get(where, ()))

    print("\nHeld out by body (fit on even seeds, score odd, and back), whole pipeline\n")
    print("| view (true yaw) | sets | knee MAE (p95) | hip MAE (p95) | yaw error mean abs (worst) | "
          "rear told | zone-seconds error / measured (median) | range holds truth | toe MAE per foot | "
          "toe calls right / made |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for cls in sorted(yaw_err):
        cells = []
        for m in MEASURES:
            e = np.abs(np.concatenate(errs[(m, cls)]))
            cells.append(f"{e.mean():.1f} ({np.percentile(e, 95):.1f})" if e.size else "-")
        ye = np.abs(yaw_err[cls])
        told, n = rear_hits[cls]
        z = zone_err[cls]
        print(f"| {cls} | {len(ye)} | {cells[0]} | {cells[1]} | {np.nanmean(ye):.1f} ({np.nanmax(ye):.1f}) | "
              f"{f'{told}/{n}' if n else '-'} | {f'{np.median(z):.1%}' if z else '-'} | "
              f"{f'{np.mean(in_range[cls]):.0%} of {len(in_range[cls])}' if in_range[cls] else '-'} | "
              f"{toe_cell(toe_err[cls])} | {'{}/{}'.format(*toe_calls[cls]) if toe_calls[cls][1] else '-'} |")
    every = [h for v in in_range.values() for h in v]
    print(f"\nranges holding the true seconds: {np.mean(every):.0%} of {len(every)} (head, leg, set)")

    if args.print_config:
        yaw_lines = fit_yaw(clips)
        model = fit_model(clips, yaw_lines)
        for rear, name in ((False, "yaw_front_line"), (True, "yaw_rear_line")):
            print(f"{name}: tuple[float, float, float] = ({', '.join(f'{v:.3f}' for v in yaw_lines[rear])})")
        print("ANGLE_MODEL = AngleModel(weights={")
        for (m, b), w in sorted(model.weights.items()):
            ws = ", ".join(f"{v:.3f}" for v in w.weights)
            print(f"    ({m!r}, {b!r}): AngleWeights({w.offset_deg:.2f}, ({ws})),")
        print("})")
        print("KNEE_ERRORS = {  # from both folds' held-out sets")
        merged = defaultdict(lambda: defaultdict(list))
        for entries in fold_entries:
            for where, per_band in entries.items():
                for band, e in per_band.items():
                    merged[where][band] += e
        for where, bands in sorted(fit_errors(merged).items()):
            print(f"    {where!r}: (")
            for b in bands:
                print(f"        ErrorBand({b.lo_deg:.0f}, {b.hi_deg:.0f}, {b.bias_deg:.1f}, {b.spread_deg:.1f}),")
            print("    ),")
        print("}")


if __name__ == "__main__":
    main()
