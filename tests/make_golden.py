"""Rewrite tests/data/golden/*.json from the stored pose files (after a deliberate change)."""

from __future__ import annotations

import json
from pathlib import Path

from formcheck.analysis.pipeline import analyze_pose
from formcheck.io.landmarks import load_pose
from formcheck.report.json_report import to_dict

HERE = Path(__file__).parent
for clip in ("kb_deadlift_side_correct_01", "nordic_curl_side_01"):
    d = to_dict(analyze_pose(load_pose(HERE / "data" / "poses" / f"{clip}.pose.npz")))
    d.pop("formcheck_version")
    out = HERE / "data" / "golden" / f"{clip}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(d, indent=1) + "\n")
    print("wrote", out)
