"""Tile frames of a clip into one PNG for a look:  python contact_sheet.py CLIP.mp4 OUT.png [N] [T0 T1]
(N frames evenly between T0 and T1 seconds, default the whole clip; 8 frames)."""
import sys

import cv2
import numpy as np

path, out = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 8
cap = cv2.VideoCapture(path)
fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
frames = []
while True:
    ok, f = cap.read()
    if not ok:
        break
    frames.append(f)
t0 = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
t1 = float(sys.argv[5]) if len(sys.argv) > 5 else (len(frames) - 1) / fps
idx = np.linspace(t0 * fps, min(t1 * fps, len(frames) - 1), N).round().astype(int)
tiles = []
for i in idx:
    f = frames[i].copy()
    cv2.putText(f, f"{i / fps:.2f}s", (5, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 200), 2)
    tiles.append(f)
cols = 4 if frames[0].shape[1] < frames[0].shape[0] else 3
while len(tiles) % cols:
    tiles.append(np.zeros_like(tiles[0]))
rows = [np.hstack(tiles[r:r + cols]) for r in range(0, len(tiles), cols)]
cv2.imwrite(out, np.vstack(rows))
print(out, len(frames), "frames")
