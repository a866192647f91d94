"""Write every person the pose model finds in each footage clip (before tracking) to
DIR/NAME.cands.npz, so tracking and lifter choice can be studied and tested without the model.

    python tests/make_candidates.py DIR [CLIP ...]

tests/data/candidates holds the short clips the tracking tests read (footage is not redistributable;
its landmarks are stored, as in tests/data/poses).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import expectations, footage_dir
from formcheck.config import Config
from formcheck.io.candidates import save_candidates
from formcheck.pose.runner import detect_video

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
clips = sys.argv[2:] or sorted(expectations())
for clip in clips:
    found = detect_video(footage_dir() / clip, Config().pose)
    info = found.info
    path = save_candidates(
        out / clip.replace(".mp4", ".cands.npz"), found.t_s, found.candidates, info.width_px,
        info.height_px, found.layout, clip, found.damaged,
    )
    people = sum(len(c) for c in found.candidates)
    print(f"{path.name}: {len(found.t_s)} frames, {people} detections", flush=True)
