"""The pose-backend seam: what the runner and live posing need from a pose model, and the factory
that opens the one ``PoseConfig.backend`` names.

A backend is a class implementing :class:`Poser`. Adding one is a new module in this package and
a line in ``_OPENERS`` (and its name in ``config.POSE_BACKENDS``): the runner, live posing, pose
files and the analysis do not change. A backend hands over people as ``PoseCandidate`` records in
the analysis' keypoint layout (``skeleton.MEDIAPIPE_POSE``), with the back outline already taken
from its segmentation mask (pose/outline.py), so the analysis never sees a mask or a model.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np

from formcheck.config import MODEL_ENV, POSE_BACKENDS, PoseConfig
from formcheck.errors import InvalidOption, ModelError
from formcheck.skeleton import NAMES, KeypointLayout
from formcheck.types import PoseCandidate


class Poser(Protocol):
    """One pose model instance, fed frames in time order (video mode)."""

    layout: KeypointLayout  # the points each candidate holds, the backend and model file

    def detect(
        self, t_s: float, frame_rgb: np.ndarray, size_wh: tuple[int, int] | None = None,
    ) -> list[PoseCandidate]:
        """Every person in one RGB frame; ``size_wh`` is the frame's full size when it was shrunk
        for speed (landmarks and outlines come back in full-size pixels)."""
        ...

    def independent_after(self, found: list[PoseCandidate]) -> bool:
        """Called right after ``detect`` with what it returned: whether the state that frame
        leaves behind (what the next frames' results depend on besides their own pixels) is a
        function of that frame's pixels and time alone, so that two posers that posed it
        identically, whatever they posed before, agree on every frame from then on. That is where
        pose/runner.py joins the two halves of a video. MediaPipe looking for two people: a frame
        where it found fewer (it detects afresh next); LiteRT: a frame it ran its detector on."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Poser: ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


def _open_mediapipe(cfg: PoseConfig) -> Poser:
    from formcheck.pose.mediapipe_pose import MediaPipePose

    return MediaPipePose(cfg)


def _open_litert(cfg: PoseConfig) -> Poser:
    from formcheck.pose.litert_pose import LiteRTPose

    return LiteRTPose(cfg)


_OPENERS: dict[str, Callable[[PoseConfig], Poser]] = {"mediapipe": _open_mediapipe, "litert": _open_litert}


def _known(cfg: PoseConfig) -> str:
    """``cfg.backend``, or InvalidOption naming the backends there are."""
    if cfg.backend not in _OPENERS:
        raise InvalidOption(f"unknown pose backend {cfg.backend!r}; choose one of {', '.join(POSE_BACKENDS)}")
    return cfg.backend


def open_poser(cfg: PoseConfig) -> Poser:
    """A new Poser of the backend ``cfg.backend`` names (raises InvalidOption, ModelError)."""
    return _OPENERS[_known(cfg)](cfg)


def mediapipe_layout(model: Path) -> KeypointLayout:
    """MediaPipe's 33 landmarks, found by the model file ``model``."""
    return KeypointLayout(NAMES, "mediapipe", model.name, file_sha256(model))


def litert_layout(model: Path) -> KeypointLayout:
    """MediaPipe's 33 landmarks, found by the LiteRT backend with the .task file ``model``."""
    return KeypointLayout(NAMES, "litert", model.name, file_sha256(model))


def layout_for(cfg: PoseConfig) -> KeypointLayout:
    """The keypoint layout ``cfg``'s backend and model deliver, without loading the model
    (raises InvalidOption for an unknown backend, ModelError if the model file is missing)."""
    backend = _known(cfg)
    model = model_file(cfg, cfg.mediapipe.bundled_model)  # both backends run MediaPipe's .task
    return litert_layout(model) if backend == "litert" else mediapipe_layout(model)


def can_split(cfg: PoseConfig) -> bool:
    """Whether a video may be posed in two halves joined where both posers agree (pose/runner.py):
    not when the backend carries state across every frame (MediaPipe tracking one person also
    smooths landmarks over time, so no frame is ever independent). The LiteRT backend's detector
    frames are independent (pose/litert_pose.py)."""
    if cfg.backend == "mediapipe":
        return cfg.mediapipe.num_poses >= 2
    return cfg.backend == "litert"


def model_file(cfg: PoseConfig, bundled: str) -> Path:
    """The model to load: ``cfg.model_path`` (--model), else $FORMCHECK_MODEL, else the file
    ``bundled`` shipped in the package's models/ folder. Raises ModelError if it is not a file."""
    given = cfg.model_path or os.environ.get(MODEL_ENV) or None
    model = Path(given) if given else Path(__file__).resolve().parents[1] / "models" / bundled
    if not model.is_file():
        where = "" if cfg.model_path else (f" (from ${MODEL_ENV})" if given else " (the bundled model)")
        what = "is a folder, not a model file" if model.is_dir() else "not found"
        raise ModelError(
            f"pose model {what}: {model}{where}",
            hint=f"pass --model PATH, or set {MODEL_ENV}, to a MediaPipe pose_landmarker .task file",
        )
    return model


@lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:  # noqa: ARG001 - size and mtime key the cache
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a model file, computed once per file version."""
    st = path.stat()
    return _sha256(str(path), st.st_size, st.st_mtime_ns)
