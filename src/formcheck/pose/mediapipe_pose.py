"""MediaPipe Tasks PoseLandmarker, mapped to formcheck's PoseCandidate records: the only module
that imports mediapipe (a Poser, pose/backend.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from formcheck import skeleton as sk
from formcheck.config import PoseConfig
from formcheck.errors import ModelError
from formcheck.io.native_stderr import native_stderr_quieted
from formcheck.pose import offline
from formcheck.pose.backend import mediapipe_layout, model_file
from formcheck.pose.outline import outline_offsets_px
from formcheck.types import PoseCandidate


def resolve_model(cfg: PoseConfig) -> Path:
    """The .task file to load (--model, $FORMCHECK_MODEL, or the bundled one)."""
    return model_file(cfg, cfg.mediapipe.bundled_model)


def normalised_to_px(xy_norm: np.ndarray, width_px: int, height_px: int) -> np.ndarray:
    """MediaPipe's image landmarks are fractions of width and height: scale each axis by its own
    size before any angle, or angles on non-square frames come out wrong."""
    return np.asarray(xy_norm, dtype=np.float32) * np.array([width_px, height_px], dtype=np.float32)


class MediaPipePose:
    """One PoseLandmarker in VIDEO mode; ``detect`` takes frames in time order.

    Looking for ``num_poses`` people, it detects afresh in every frame where it found fewer and
    carries nothing over from such a frame (``independent_after``); where it found that many, it
    tracks them into the next frame."""

    def __init__(self, cfg: PoseConfig) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        offline.prepare_load()  # no network: pose/offline.py
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import (
            PoseLandmarker,
            PoseLandmarkerOptions,
            RunningMode,
        )

        self._mp = mp
        self.cfg = cfg
        mc = cfg.mediapipe
        model = resolve_model(cfg)
        self.layout = mediapipe_layout(model)
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=RunningMode.VIDEO,
            num_poses=mc.num_poses,
            min_pose_detection_confidence=mc.min_detection_confidence,
            min_pose_presence_confidence=mc.min_presence_confidence,
            min_tracking_confidence=mc.min_tracking_confidence,
            output_segmentation_masks=mc.segmentation,
        )
        with contextlib.ExitStack() as stack:
            stack.enter_context(offline.uploader_disabled())
            try:
                with native_stderr_quieted():
                    self._landmarker = offline.run_without_sockets(lambda: PoseLandmarker.create_from_options(options))
            except (RuntimeError, ValueError) as exc:
                raise ModelError(f"cannot load pose model {model}: {exc}") from exc
            self._offline = stack.pop_all()  # until close()
        self._last_ms = -1
        self._frames = 0

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._offline, native_stderr_quieted():  # 1.2.3 logs accelerator teardown
            self._landmarker.close()  # its usage-log uploader posts now: still pointed nowhere

    def independent_after(self, found: list[PoseCandidate]) -> bool:
        num_poses = self.cfg.mediapipe.num_poses
        return num_poses >= 2 and len(found) < num_poses

    def detect(
        self, t_s: float, frame_rgb: np.ndarray, size_wh: tuple[int, int] | None = None,
    ) -> list[PoseCandidate]:
        """People in one RGB frame (io.video.pose_input makes it from a decoded BGR one).
        ``size_wh``: the frame's full size when it was shrunk for speed: landmarks and outline
        come back in full-size pixels."""
        h_in, w_in = frame_rgb.shape[:2]
        w, h = size_wh or (w_in, h_in)
        to_full = 0.5 * (w / w_in + h / h_in)  # input px -> full px (both ways alike, but rounding)
        rgb = np.ascontiguousarray(frame_rgb)
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        ms = max(int(round(t_s * 1000.0)), self._last_ms + 1)  # MediaPipe needs increasing ms
        self._last_ms = ms
        if self._frames < 2:  # the first calls log graph warnings
            with native_stderr_quieted():
                result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect_for_video(image, ms)
        self._frames += 1
        masks = result.segmentation_masks or []
        out = []
        for i, lms in enumerate(result.pose_landmarks):
            arr = np.array([(p.x, p.y, p.z, p.visibility or 0.0) for p in lms], dtype=np.float32)
            world = np.array(
                [(p.x, p.y, p.z) for p in result.pose_world_landmarks[i]], dtype=np.float32
            )
            xy = normalised_to_px(arr[:, :2], w, h)
            back = np.full((self.cfg.outline_levels, 2), np.nan, np.float32)
            if i < len(masks):
                mask = masks[i].numpy_view()
                if mask.ndim == 3:
                    mask = mask[:, :, 0]
                if mask.shape != (h_in, w_in):
                    raise ModelError(f"segmentation mask is {mask.shape}, frame is {(h_in, w_in)}")
                xy_in = normalised_to_px(arr[:, :2], w_in, h_in)  # the mask's pixels
                back = to_full * outline_offsets_px(
                    mask,
                    np.mean(xy_in[list(sk.HIP)], axis=0),
                    np.mean(xy_in[list(sk.SHOULDER)], axis=0),
                    self.cfg.outline_levels,
                )
            out.append(PoseCandidate(xy, arr[:, 2] * w, np.clip(arr[:, 3], 0, 1), world, back))
        return out
