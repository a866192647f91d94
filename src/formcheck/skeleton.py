"""Keypoint layouts: which points a pose holds, in which order, and what made them.

The analysis reads MediaPipe Pose's 33 landmarks by the named indices below. A pose backend with
another keypoint set maps its points into this layout (NaN and zero visibility for points it
lacks), as supervision's per-backend KeyPoints constructors do; the layout travels with every
PoseSequence and pose file (like pose-format's header), so a reader never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

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

EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 23), (12, 24), (23, 24),
    (11, 13), (13, 15), (12, 14), (14, 16),
    (23, 25), (25, 27), (24, 26), (26, 28),
    (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)


@dataclass(frozen=True)
class KeypointLayout:
    """The keypoints of a pose and their provenance: the names in order (their count is the
    arrays' second axis), the backend that found them, and its model file with the SHA-256."""

    names: tuple[str, ...]
    backend: str = ""  # "mediapipe"; "" when not recorded (pose files from formcheck 0.1)
    model: str = ""  # the model file's name
    model_sha256: str = ""

    @property
    def n(self) -> int:
        return len(self.names)

    def to_dict(self) -> dict:
        return {"names": list(self.names), "backend": self.backend, "model": self.model,
                "model_sha256": self.model_sha256}

    @staticmethod
    def from_dict(d: dict) -> KeypointLayout:
        return KeypointLayout(tuple(d["names"]), str(d.get("backend", "")), str(d.get("model", "")),
                              str(d.get("model_sha256", "")))


MEDIAPIPE_POSE = KeypointLayout(NAMES, "mediapipe")  # the layout the analysis reads
