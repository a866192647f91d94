"""Save every person formcheck's pose model finds in each frame of CLIP.mp4 (before tracking)
to OUT.cands.npz. Run with formcheck's venv:
    PYTHONPATH=/work/main/src /work/main/.venv/bin/python tools/synth/cands.py CLIP.mp4 OUT.cands.npz
"""
import sys
from pathlib import Path

from formcheck.config import Config
from formcheck.io.candidates import save_candidates
from formcheck.pose.runner import detect_video

clip, out = Path(sys.argv[1]), Path(sys.argv[2])
found = detect_video(clip, Config().pose)
info = found.info
tmp = out.with_name(out.name + ".part.npz")
path = save_candidates(tmp, found.t_s, found.candidates, info.width_px, info.height_px, found.layout,
                       clip.name, found.damaged)
Path(path).rename(out)
people = sum(len(c) for c in found.candidates)
print(f"{out.name}: {len(found.t_s)} frames, {people} detections", flush=True)
