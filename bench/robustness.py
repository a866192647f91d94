"""Robustness: `formcheck analyze` on every file of the robustness corpus, outcomes in classes.

    python bench/robustness.py                # the full corpus (≥ 200 mutants and the variants)
    python bench/robustness.py --quick        # the subset the tests run
    python bench/robustness.py --jobs 1 --limit 40
    python bench/robustness.py --formcheck "env PYTHONPATH=/other/checkout/src python -m formcheck"
    python bench/robustness.py --save runs.json   # every file's outcome, to compare two checkouts

The corpus (tools/robustness_corpus.py) is made once into ~/.cache/formcheck/robustness and
reused. Each file runs as ``formcheck analyze FILE --json OUT -q`` in its own process with a
time limit (past it: a hang, the process group killed), two at a time by default. A run is
classed by what it did: a traceback on stderr, a hang, death by a signal, its exit code, whether
an exit 0 or 7 left valid JSON; for damaged files that exit 0, whether the rep count differs from
the intact file's (run in the same bench) and, if it does, whether the report says frames were
damaged (``coverage.damaged_frames`` > 0 or a warning mentioning "damaged"). Intact files must
not be called broken (exit 7); intact files cut without re-encoding must exit 0 with every frame
a player shows. The last lines are the acceptance checks of issue 12, PASS or FAIL each.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import robustness_corpus as rc  # noqa: E402

DEFAULT_TIMEOUT_S = 240.0  # clips are at most 12 s; a run this long is a hang


@dataclass
class Run:
    """One file's run and what it is classed as."""

    name: str
    group: str
    rc: int | None  # None: killed at the time limit
    wall_s: float
    stderr: str
    doc: dict | None  # the JSON report, when it parsed
    decodable: int | None = None  # damaged files with a report: frames FFmpeg decodes from them
    classes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # acceptance checks it breaks

    @property
    def reps(self) -> int | None:
        return len(self.doc["reps"]) if self.doc else None

    @property
    def frames(self) -> int | None:
        return self.doc["video"]["frames"] if self.doc else None

    def last_line(self) -> str:
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        return lines[-1][:160] if lines else ""


def default_command() -> list[str]:
    """This checkout's formcheck, run with the Python running the bench."""
    return ["env", f"PYTHONPATH={ROOT / 'src'}", sys.executable, "-m", "formcheck"]


def read_report(path: Path) -> dict | None:
    """The JSON report if it is there and looks like one, else None."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(doc, dict) and isinstance(doc.get("reps"), list) and isinstance(doc.get("video"), dict)
    return doc if ok else None


def run_one(cmd: list[str], path: Path, tmp: Path, timeout_s: float) -> Run:
    out = tmp / f"{path.name}.json"
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([*cmd, "analyze", str(path), "--json", str(out), "-q"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout_s)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the run and its children only
        _, err = proc.communicate()
        code = None
    return Run(path.name, "", code, time.perf_counter() - t0, err, read_report(out))


# --------------------------------------------------------------------------- classes


def damage_flagged(doc: dict) -> bool:
    """The report says frames were damaged: ``coverage.damaged_frames`` > 0 or a warning saying so."""
    damaged = (doc.get("coverage") or {}).get("damaged_frames") or 0
    return damaged > 0 or any("damaged" in str(w).lower() for w in doc.get("warnings") or [])


def classify(run: Run, item: rc.Item, reference: int | None) -> None:
    """Fill ``run.classes`` and ``run.failures``; ``reference``: reps counted on the intact file."""
    c, f = run.classes, run.failures
    if "Traceback" in run.stderr:
        c.append("traceback")
        f.append("traceback")
    if run.rc is None:
        c.append("hang")
        f.append("hang")
        return
    if run.rc < 0:
        c.append(f"signal {-run.rc}")
        f.append("signal")
        return
    c.append(f"exit {run.rc}")
    if run.rc in (0, 7) and run.doc is None:
        c.append(f"exit {run.rc} without valid JSON")
        f.append(f"exit {run.rc} without valid JSON")
    if item.intact:
        _intact(run, item, c, f)
    elif run.rc == 0 and run.doc is not None:
        _damaged(run, reference, c, f)


def _intact(run: Run, item: rc.Item, c: list[str], f: list[str]) -> None:
    if run.rc == 7:
        c.append("intact, called broken")
        f.append("intact called broken")
    if item.trimmed and run.rc != 0:
        f.append("trimmed, not exit 0")
    if item.trimmed and run.rc == 0 and run.frames != item.shown_frames:
        c.append("trimmed, frames missing")
        f.append("trimmed, not every shown frame")


def _damaged(run: Run, reference: int | None, c: list[str], f: list[str]) -> None:
    flagged = damage_flagged(run.doc)
    if reference is None:
        c.append("reps: intact file gave none")
    elif run.reps == reference:
        c.append("reps kept")
    elif flagged:
        c.append("reps changed, damage flagged")
    else:
        c.append("reps changed, NO damage warning")
        f.append("reps changed without a damage warning")
    if flagged:
        c.append("damage flagged")


# --------------------------------------------------------------------------- running and printing


def run_item(cmd: list[str], item: rc.Item, path: Path, tmp: Path, timeout_s: float, count: bool) -> Run:
    """Run one file; for a damaged file with a report, also count the frames FFmpeg decodes."""
    run = run_one(cmd, path, tmp, timeout_s)
    run.group = item.group
    if count and not item.intact and run.doc is not None:
        run.decodable = rc.shown_frames(path, timeout_s)
    return run


def run_all(corpus: rc.Corpus, items: list[rc.Item], cmd: list[str], jobs: int, timeout_s: float,
            count: bool = False) -> dict[str, Run]:
    """Every item's run, ``jobs`` at a time, progress on stderr."""
    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(jobs) as pool:
        todo = {pool.submit(run_item, cmd, i, corpus.path(i), Path(tmp), timeout_s, count): i for i in items}
        for n, fut in enumerate(as_completed(todo), 1):
            item = todo[fut]
            run = runs[item.name] = fut.result()
            print(f"[{n}/{len(items)}] {item.name}: exit {run.rc} in {run.wall_s:.1f} s", file=sys.stderr, flush=True)
    return runs


def classify_all(items: list[rc.Item], runs: dict[str, Run]) -> None:
    """Class every run; a mutant's reference is the rep count of its intact base's exit-0 run."""
    for item in items:
        base = runs.get(item.source) if item.group == "mutant" else None
        classify(runs[item.name], item, base.reps if base is not None and base.rc == 0 else None)


def print_table(runs: dict[str, Run]) -> None:
    groups = ("base", "variant", "mutant")
    counts = {g: Counter(c for r in runs.values() if r.group == g for c in r.classes) for g in groups}
    totals = Counter(r.group for r in runs.values())
    names = sorted({c for cnt in counts.values() for c in cnt}, key=_class_order)
    print("\n| outcome | intact bases | variants | mutants | all |")
    print("|---|---|---|---|---|")
    print(f"| files run | {totals['base']} | {totals['variant']} | {totals['mutant']} | {len(runs)} |")
    for name in names:
        row = [counts[g][name] for g in groups]
        print(f"| {name} | " + " | ".join(str(x) for x in row) + f" | {sum(row)} |")


def _class_order(name: str) -> tuple[int, str]:
    first = ("traceback", "hang", "signal")
    for i, prefix in enumerate(first):
        if name.startswith(prefix):
            return (i, name)
    return (len(first) + (not name.startswith("exit")), name)


def print_details(corpus: rc.Corpus, runs: dict[str, Run]) -> None:
    items = corpus.by_name()
    bad = [r for r in runs.values() if r.failures]
    print(f"\n## failing files ({len(bad)})\n")
    for r in sorted(bad, key=lambda r: r.name):
        print(f"- {r.name} ({items[r.name].how}): {', '.join(r.failures)}; exit {r.rc}, reps {r.reps}, "
              f"frames {r.frames}; {r.last_line()}")
    print("\n## intact files: frames used vs frames a player shows, reps vs expected\n")
    print("| file | exit | frames used | shown | reps | expected reps | s |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(runs.values(), key=lambda r: r.name):
        it = items[r.name]
        if it.intact:
            print(f"| {r.name} | {r.rc} | {r.frames} | {it.shown_frames} | {r.reps} | {it.reps} | {r.wall_s:.0f} |")
    print_decodable(runs)


def print_decodable(runs: dict[str, Run]) -> None:
    """Damaged files with a report: frames the report used vs frames FFmpeg decodes from the file."""
    counted = [r for r in runs.values() if r.decodable is not None and r.frames is not None]
    if not counted:
        return
    fewer = sorted((r for r in counted if r.frames < r.decodable), key=lambda r: r.frames - r.decodable)
    more = sum(r.frames > r.decodable for r in counted)
    print(f"\ndamaged files with a report: {len(counted)}; frames used = FFmpeg's decodable frames in "
          f"{len(counted) - len(fewer) - more}, fewer in {len(fewer)}, more in {more}")
    for r in fewer[:15]:
        print(f"- {r.name}: exit {r.rc}, {r.frames} of {r.decodable} decodable frames used")


ACCEPTANCE = (
    ("0 tracebacks", "traceback"),
    ("0 hangs", "hang"),
    ("0 signals", "signal"),
    ("0 exit 0 without valid JSON", "exit 0 without valid JSON"),
    ("every changed rep count on a damaged clip has a damage warning", "reps changed without a damage warning"),
    ("intact files: 0 called broken (exit 7)", "intact called broken"),
    ("trimmed intact files exit 0", "trimmed, not exit 0"),
    ("trimmed intact files: every shown frame used", "trimmed, not every shown frame"),
    ("exit 7 leaves its report (README)", "exit 7 without valid JSON"),
)


def print_acceptance(runs: dict[str, Run]) -> bool:
    print("\n## acceptance\n")
    ok_all = True
    for label, failure in ACCEPTANCE:
        n = sum(failure in r.failures for r in runs.values())
        ok_all &= n == 0
        print(f"- {'PASS' if n == 0 else 'FAIL'}: {label}" + (f" ({n} files)" if n else ""))
    print(f"\n{'PASS' if ok_all else 'FAIL'}: " + " | ".join(
        f"{label}: {'PASS' if not any(f in r.failures for r in runs.values()) else 'FAIL'}"
        for label, f in ACCEPTANCE))
    return ok_all


def select(corpus: rc.Corpus, limit: int | None, match: str | None = None) -> list[rc.Item]:
    """Bases first (the mutants' reference rep counts), then variants and mutants; ``match`` keeps
    the names matching that pattern (and the bases of mutants kept); ``limit`` keeps every n-th of
    the rest so a short run still spreads over every base and kind."""
    rest = [i for i in corpus.items if i.group != "base" and (match is None or fnmatch(i.name, match))]
    needed = {i.source for i in rest if i.group == "mutant"}
    bases = [i for i in corpus.items if i.group == "base" and (match is None or i.name in needed
                                                                 or fnmatch(i.name, match))]
    if limit is not None and limit < len(rest):
        step = len(rest) / limit
        rest = [rest[int(k * step)] for k in range(limit)]
    return bases + rest


def save(path: Path, runs: dict[str, Run]) -> None:
    doc = {r.name: {"group": r.group, "rc": r.rc, "wall_s": round(r.wall_s, 2), "reps": r.reps, "frames": r.frames,
                    "decodable": r.decodable,
                    "classes": r.classes, "failures": r.failures, "stderr_last": r.last_line()} for r in runs.values()}
    path.write_text(json.dumps(doc, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the small corpus the tests run")
    ap.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    ap.add_argument("--limit", type=int, help="at most this many variants and mutants (spread evenly)")
    ap.add_argument("--match", metavar="PATTERN", help="only the files whose names match, e.g. '*trim*'")
    ap.add_argument("--formcheck", help="command that runs formcheck (default: this checkout's src)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds before a run is a hang")
    ap.add_argument("--corpus", type=Path, help="corpus folder (default: the cache)")
    ap.add_argument("--no-count", action="store_true",
                    help="do not count the frames FFmpeg decodes from damaged files (to compare with the report's)")
    ap.add_argument("--save", type=Path, help="write every file's outcome to this JSON file")
    args = ap.parse_args(argv)
    folder = args.corpus or rc.DEFAULT_OUT / ("quick" if args.quick else "full")
    t0 = time.perf_counter()
    corpus = rc.ensure(folder, args.quick)
    made_s = time.perf_counter() - t0
    cmd = shlex.split(args.formcheck) if args.formcheck else default_command()
    items = select(corpus, args.limit, args.match)
    print(f"# formcheck robustness, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(f"corpus {corpus.folder} ({len(corpus.items)} files, ready in {made_s:.0f} s); command: {shlex.join(cmd)}; "
          f"{args.jobs} jobs, {args.timeout:.0f} s limit; {rc.ffmpeg_version()}")
    for name, why in corpus.skipped.items():
        print(f"not in the corpus: {name}: {why}")
    t1 = time.perf_counter()
    runs = run_all(corpus, items, cmd, args.jobs, args.timeout, count=not args.no_count)
    classify_all(items, runs)
    print(f"\n{len(runs)} runs in {time.perf_counter() - t1:.0f} s wall "
          f"(median {sorted(r.wall_s for r in runs.values())[len(runs) // 2]:.1f} s per run)")
    print_table(runs)
    print_details(corpus, runs)
    if args.save:
        save(args.save, runs)
    return 0 if print_acceptance(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
