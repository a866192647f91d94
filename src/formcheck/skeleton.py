"""MediaPipe Pose's 33 landmarks: names, the joints formcheck uses, left/right pairs, edges."""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(NAMES)
INDEX = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
EAR = (7, 8)
SHOULDER = (11, 12)
HIP = (23, 24)
KNEE = (25, 26)
ANKLE = (27, 28)
HEEL = (29, 30)
TOE = (31, 32)  # foot index: the toe tip

# Swapping these pairs turns a left/right-mirrored skeleton back into the lifter's own sides.
MIRROR_PERMUTATION: tuple[int, ...] = tuple(
    INDEX[n.replace("left_", "right_")] if n.startswith("left_")
    else INDEX[n.replace("right_", "left_")] if n.startswith("right_")
    else i
    for i, n in enumerate(NAMES)
)

EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 23), (12, 24), (23, 24),
    (11, 13), (13, 15), (12, 14), (14, 16),
    (23, 25), (25, 27), (24, 26), (26, 28),
    (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)
