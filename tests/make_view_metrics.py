"""Record what formcheck measures on the committed view-suite renders: python tests/make_view_metrics.py

Run after adding a render to tests/data/renders14 or after a deliberate change to the angle model;
tests/test_view_renders.py then fails on a regression beyond a small margin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from view_metrics import RENDERS14, clips, metrics

out = {clip: metrics(clip) for clip in clips()}
(RENDERS14 / "metrics.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out, indent=1))
