"""Pose files: a PoseSequence saved as a compressed .npz, so analysis can run without the model.

``formcheck pose VIDEO -o X.pose.npz`` writes one; ``formcheck analyze X.pose.npz`` reads it.
The file says which keypoints it holds and which backend and model found them (``layout`` in its
metadata, like pose-format's header); files from formcheck 0.1 (format 1, without it) read as
MediaPipe's 33 landmarks from an unrecorded model. The spans of the video that did not decode
(``damaged_s``, ``damaged_frames``) were added within format 2; a file without them had none
recorded and reads as undamaged.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from formcheck.errors import InputNotFound, NotAVideo
from formcheck.skeleton import MEDIAPIPE_POSE, KeypointLayout
from formcheck.types import PoseSequence

FORMAT = "formcheck.pose/2"
READABLE = ("formcheck.pose/1", FORMAT)
SUFFIX = ".pose.npz"


def is_pose_file(path: str | Path) -> bool:
    return str(path).endswith(SUFFIX)


def save_pose(pose: PoseSequence, path: str | Path) -> Path:
    path = Path(path)
    meta = {
        "format": FORMAT,
        "width_px": pose.width_px,
        "height_px": pose.height_px,
        "source": pose.source,
        "notes": pose.notes,
        "layout": pose.layout.to_dict(),
    }
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            t_s=pose.t_s.astype(np.float64),
            xy_px=pose.xy_px.astype(np.float32),
            z_px=pose.z_px.astype(np.float16),
            visibility=pose.visibility.astype(np.float16),
            world_m=pose.world_m.astype(np.float32),
            back_offset_px=pose.back_offset_px.astype(np.float16),
            n_people=pose.n_people.astype(np.int16),
            **_damage(pose),
        )
    return path


def _damage(pose: PoseSequence) -> dict[str, np.ndarray]:
    """The damaged spans as arrays to save: none at all for an undamaged video, so its pose file
    stays as it was before damage was recorded."""
    if not len(pose.damaged_s):
        return {}
    return {"damaged_s": pose.damaged_s.astype(np.float64), "damaged_frames": pose.damaged_frames.astype(np.int32)}


def load_pose(path: str | Path) -> PoseSequence:
    path = Path(path)
    if not path.exists():
        raise InputNotFound(f"no such file: {path}")
    if path.is_dir():
        raise InputNotFound(f"{path} is a directory, not a pose file")
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            if meta.get("format") not in READABLE:
                raise NotAVideo(f"{path}: unknown pose file format {meta.get('format')!r}")
            return PoseSequence(
                t_s=z["t_s"].astype(np.float64),
                xy_px=z["xy_px"].astype(np.float32),
                z_px=z["z_px"].astype(np.float32),
                visibility=z["visibility"].astype(np.float32),
                world_m=z["world_m"].astype(np.float32),
                back_offset_px=z["back_offset_px"].astype(np.float32),
                n_people=z["n_people"].astype(np.int16),
                width_px=int(meta["width_px"]),
                height_px=int(meta["height_px"]),
                source=str(meta.get("source", "")),
                notes=list(meta.get("notes", [])),
                layout=KeypointLayout.from_dict(meta["layout"]) if "layout" in meta else MEDIAPIPE_POSE,
                damaged_s=z["damaged_s"].astype(np.float64) if "damaged_s" in z else np.zeros((0, 2)),
                damaged_frames=z["damaged_frames"].astype(np.int32) if "damaged_s" in z else np.zeros(0, np.int32),
            )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise NotAVideo(f"{path} is not a readable formcheck pose file ({exc})") from exc
