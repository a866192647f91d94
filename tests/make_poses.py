"""Rebuild tests/data/poses/*.pose.npz (and the bundled sample) from the real footage.

Run after changing the pose backend or tracking:  python tests/make_poses.py
The files store the clip's file name as their source, not a local path.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import POSES, expectations, footage_dir
from formcheck.api import estimate_pose
from formcheck.io.landmarks import save_pose

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kb_deadlift_side.pose.npz"

for clip in sorted(expectations()):
    pose, _ = estimate_pose(footage_dir() / clip)
    pose.source = clip
    out = save_pose(pose, POSES / clip.replace(".mp4", ".pose.npz"))
    print(f"{out.name}: {len(pose)} frames, lifter in {pose.detected.mean():.0%}", flush=True)
shutil.copyfile(POSES / "kb_deadlift_side_correct_01.pose.npz", SAMPLE)
