"""Record what formcheck measures on the committed renders: python tests/make_render_metrics.py

Run after adding a render to tests/data/renders or after a deliberate change to the measures;
tests/test_renders.py then fails on a regression beyond a small margin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from render_metrics import RENDERS, metrics

out = {p.name: metrics(p.name) for p in sorted(RENDERS.glob("*.mp4"))}
(RENDERS / "metrics.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out, indent=1))
