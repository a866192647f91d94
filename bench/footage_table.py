"""The real-footage table: reps found vs expected, family, flags and verdict for every clip.

    python bench/footage_table.py             # full pipeline from the videos (pose model)
    python bench/footage_table.py --poses     # from the stored pose files in tests/data/poses

Footage comes from FORMCHECK_FOOTAGE or ../shared/footage.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from formcheck.analysis.pipeline import analyze_pose
from formcheck.api import analyze
from formcheck.errors import FormcheckError
from formcheck.io.landmarks import load_pose

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))


def table(poses: bool) -> None:
    """Print the table; ``poses`` reads tests/data/poses instead of running the pose model."""
    expect_path = FOOTAGE / "expect.json"
    if not expect_path.is_file():
        expect_path = ROOT / "tests" / "data" / "expect.json"
    expect = {k: v for k, v in json.loads(expect_path.read_text()).items() if not k.startswith("_")}
    print("| clip | view | reps found / expected | family (expected) | flags | verdict |")
    print("|---|---|---|---|---|---|")
    ok = 0
    for clip, exp in sorted(expect.items()):
        lo, hi = exp["reps"]
        try:
            if poses:
                r = analyze_pose(load_pose(ROOT / "tests/data/poses" / clip.replace(".mp4", ".pose.npz")))
            else:
                r = analyze(FOOTAGE / clip)
        except FormcheckError as e:  # e.g. no person: a clip with no reps to find may say so
            ok += lo == 0 and exp["family"] is None
            print(f"| {clip} | - | 0 / {lo}{'' if lo == hi else '-' + str(hi)} | - ({exp['family']}) "
                  f"| - | {e} |", flush=True)
            continue
        good = lo <= len(r.reps) <= hi and (exp["family"] is None or exp["family"] == r.family)
        kinds = sorted({f.kind for f in r.faults})
        flags_ok = all((k in kinds) == v for k, v in exp.get("flags", {}).items())
        ok += good and flags_ok
        flags = ", ".join(f"{k} x{sum(f.kind == k for f in r.faults)}" for k in kinds) or "-"
        print(
            f"| {clip} | {r.view.view} ({r.view.yaw_deg:.0f} deg) | {len(r.reps)} / {lo}"
            f"{'' if lo == hi else '-' + str(hi)} | {r.family} ({exp['family']}) | {flags} | "
            f"{r.verdict} |",
            flush=True,
        )
    print(f"\n{ok}/{len(expect)} clips match the manifest (reps, family, required flags)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--poses", action="store_true", help="use tests/data/poses, not the videos")
    table(ap.parse_args().poses)


if __name__ == "__main__":
    main()
