"""MediaPipe's BlazePose networks run directly with LiteRT (a Poser, pose/backend.py).

The same two networks as MediaPipe Tasks' PoseLandmarker (the detector and the landmark network
inside the .task file), with its pre- and post-processing redone in pose/blazepose.py and
io/crops.py, but a different schedule: the person detector runs only when nobody is tracked or
once per ``LiteRTConfig.detect_every_s`` (MediaPipe looking for two people runs it on every frame
with fewer than two in view), and between detections each person's region follows their own
previous landmarks. Nothing is smoothed over time, and the state after a frame (the regions to
look in next, the time posed) is a function of that frame's result and time alone: after a
detector frame, of its pixels alone (``independent_after``).

Detecting on every frame (``detect_every_s=0``) it reproduces MediaPipe Tasks (num_poses 2,
VIDEO mode, one person in view): on 60 frames each of two 1080p clips and a render, image
landmarks a median 0.0005-0.004 px apart (p95 0.01-0.025), world landmarks 0.01-0.03 mm,
visibility 1e-6, back outline 0.0004-0.003 px (bench/litert.py). What mattered: sampling the
crops exactly as MediaPipe's OpenCV does (io/crops.py: 0.3-0.5 px apart without), the heatmap
refinement (3.9 px without) and the landmark crop's replicated border (0.9 px with a black one).

Where it differs from MediaPipe on purpose:

* Two of a frame's regions overlapping (IoU of their upright squares above
  ``min_tracking_confidence``) are one person: the better-scoring detection, or the person
  listed first, is kept. MediaPipe's association keeps the later one, the worse detection (on
  rdl_front_01 a second, upside-down detection of the lifter replaced the right one in a frame).
* A detector frame replaces everyone tracked: a person the detector misses there is lost until
  a detector frame finds them (the next frame when nobody else is tracked, else the next
  ``detect_every_s`` slot). MediaPipe keeps tracking a person its detector missed, which is why
  its state is never a function of one frame alone.
* Nothing is smoothed: MediaPipe tracking one person (num_poses 1) filters its landmarks over time.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np

from formcheck import skeleton as sk
from formcheck.config import PoseConfig
from formcheck.errors import ModelError
from formcheck.geometry import trunk_perpendiculars
from formcheck.io.crops import crop_region, mask_at_pixels
from formcheck.io.native_stderr import native_stderr_quieted
from formcheck.pose import blazepose as bp
from formcheck.pose.backend import litert_layout, model_file
from formcheck.pose.outline import outline_offsets_px
from formcheck.types import PoseCandidate

DETECTOR_FILE = "pose_detector.tflite"
LANDMARKER_FILE = "pose_landmarks_detector.tflite"


def _read_networks(model: Path) -> tuple[bytes, bytes]:
    """The detector's and the landmark network's .tflite bytes from a pose_landmarker .task."""
    try:
        with zipfile.ZipFile(model) as z:
            return z.read(DETECTOR_FILE), z.read(LANDMARKER_FILE)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ModelError(
            f"cannot read the pose networks from {model}: {exc}",
            hint=f"a MediaPipe pose_landmarker .task file holds {DETECTOR_FILE} and {LANDMARKER_FILE}",
        ) from exc


def _tracked_distinct(regions: list[bp.Region], max_iou: float) -> list[bp.Region]:
    """``regions`` less any whose axis-aligned square overlaps an earlier one's by more than
    ``max_iou`` (two regions on one person: MediaPipe's AssociationNormRect does the like)."""
    kept: list[bp.Region] = []
    for r in regions:
        box = np.array([r.cx - r.side / 2, r.cy - r.side / 2, r.cx + r.side / 2, r.cy + r.side / 2])
        if kept:
            boxes = np.array([[k.cx - k.side / 2, k.cy - k.side / 2, k.cx + k.side / 2, k.cy + k.side / 2]
                              for k in kept])
            if np.any(bp.iou(box, boxes) > max_iou):
                continue
        kept.append(r)
    return kept


class LiteRTPose:
    """The detector and landmark networks in LiteRT interpreters; ``detect`` takes frames in time
    order."""

    def __init__(self, cfg: PoseConfig) -> None:
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as exc:  # pragma: no cover - a dependency
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):  # Ctrl-C in its init
                raise KeyboardInterrupt from exc
            raise ModelError(f"the litert pose backend needs ai-edge-litert: {exc}",
                             hint="pip install ai-edge-litert") from exc
        self.cfg = cfg
        model = model_file(cfg, cfg.mediapipe.bundled_model)
        self.layout = litert_layout(model)
        det_bytes, lm_bytes = _read_networks(model)
        threads = max(1, cfg.litert.num_threads)
        try:
            with native_stderr_quieted():  # "Created TensorFlow Lite XNNPACK delegate"
                self._det = Interpreter(model_content=det_bytes, num_threads=threads)
                self._lm = Interpreter(model_content=lm_bytes, num_threads=threads)
                self._det.allocate_tensors()
                self._lm.allocate_tensors()
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load pose model {model}: {exc}") from exc
        self._det_in = self._det.get_input_details()[0]["index"]
        self._lm_in = self._lm.get_input_details()[0]["index"]
        self._det_out = self._outputs(self._det, {"boxes": (1, 2254, 12), "scores": (1, 2254, 1)})
        self._lm_out = self._outputs(self._lm, {
            "landmarks": (1, 5 * bp.NUM_LANDMARKS), "flag": (1, 1),
            "mask": (1, bp.LANDMARK_SIZE, bp.LANDMARK_SIZE, 1), "heatmap": (1, 64, 64, bp.NUM_LANDMARKS),
            "world": (1, 3 * bp.NUM_LANDMARKS),
        })
        self._anchors = bp.ssd_anchors()
        self._regions: list[bp.Region] = []  # where to look next, one per person tracked
        self._t_prev: float | None = None
        self._detected = False  # whether the last frame posed ran the detector

    @staticmethod
    def _outputs(interp: object, shapes: dict[str, tuple[int, ...]]) -> dict[str, int]:
        """Output tensor indices by shape (the networks' names are Identity, Identity_1, ...)."""
        found = {tuple(int(v) for v in d["shape"]): d["index"] for d in interp.get_output_details()}
        missing = [name for name, shape in shapes.items() if shape not in found]
        if missing:
            raise ModelError(f"pose network outputs {sorted(found)} lack {missing}")
        return {name: found[shape] for name, shape in shapes.items()}

    def __enter__(self) -> LiteRTPose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._regions = []

    def independent_after(self, found: list[PoseCandidate]) -> bool:  # noqa: ARG002 - the Poser API
        """True after a detector frame: its people, and so the state it leaves, come from its
        pixels alone."""
        return self._detected

    def _detect_now(self, t_s: float) -> bool:
        every = self.cfg.litert.detect_every_s
        if not self._regions or self._t_prev is None or every <= 0:
            return True
        return math.floor(t_s / every) != math.floor(self._t_prev / every)

    def detect(
        self, t_s: float, frame_rgb: np.ndarray, size_wh: tuple[int, int] | None = None,
    ) -> list[PoseCandidate]:
        """People in one RGB frame (io.video.pose_input makes it from a decoded BGR one).
        ``size_wh``: the frame's full size when it was shrunk for speed: landmarks and outline
        come back in full-size pixels."""
        h_in, w_in = frame_rgb.shape[:2]
        w, h = size_wh or (w_in, h_in)
        rgb = np.ascontiguousarray(frame_rgb)
        mc = self.cfg.mediapipe
        detected = self._detect_now(t_s)
        regions = self._find(rgb) if detected else self._regions
        regions = _tracked_distinct(regions, mc.min_tracking_confidence)[: mc.num_poses]
        out, following = [], []
        for region in regions:
            posed = self._pose(rgb, region, (w, h))
            if posed is not None:
                out.append(posed[0])
                following.append(posed[1])
        self._regions = following
        self._t_prev = t_s
        self._detected = detected
        return out

    def _find(self, rgb: np.ndarray) -> list[bp.Region]:
        """The person detector over the whole frame: a region per person, best first."""
        h, w = rgb.shape[:2]
        to_image = bp.crop_to_image(bp.frame_region(w, h), bp.DETECTOR_SIZE)
        self._det.set_tensor(self._det_in, crop_region(rgb, to_image, bp.DETECTOR_SIZE, -1.0, 1.0))
        self._det.invoke()
        scores, boxes, kps = bp.decode_detections(
            self._det.get_tensor(self._det_out["boxes"])[0], self._det.get_tensor(self._det_out["scores"])[0],
            self._anchors, self.cfg.mediapipe.min_detection_confidence,
        )
        regions = []
        for _score, _box, kp in bp.weighted_nms(scores, boxes, kps):
            kp_px = bp.apply_affine(to_image, kp.astype(np.float64) * bp.DETECTOR_SIZE)
            regions.append(bp.region_from_points(kp_px[0], kp_px[1]))
        return regions

    def _pose(
        self, rgb: np.ndarray, region: bp.Region, size_wh: tuple[int, int],
    ) -> tuple[PoseCandidate, bp.Region] | None:
        """The landmark network on one region: the person, and their region in the next frame;
        None when the network says nobody is there."""
        h_in, w_in = rgb.shape[:2]
        n = bp.LANDMARK_SIZE
        to_image = bp.crop_to_image(region, n)
        # edge pixels repeated past the frame (ImageToTensor's default border): a black border put
        # the landmarks a median 0.9 px from MediaPipe's (a render, 15 frames), this one 0.0003 px
        self._lm.set_tensor(self._lm_in, crop_region(rgb, to_image, n, 0.0, 1.0, replicate=True))
        self._lm.invoke()
        presence = float(self._lm.get_tensor(self._lm_out["flag"]).reshape(-1)[0])  # a probability
        if not presence > self.cfg.mediapipe.min_presence_confidence:
            return None
        raw = self._lm.get_tensor(self._lm_out["landmarks"]).reshape(bp.NUM_LANDMARKS, 5)
        heatmap = self._lm.get_tensor(self._lm_out["heatmap"])[0]
        xy_crop = bp.refine_from_heatmap(raw[:, :2], heatmap)
        xy_in = bp.apply_affine(to_image, xy_crop)  # (39, 2) input px
        following = bp.region_from_points(xy_in[33], xy_in[34])
        w, h = size_wh
        norm = (xy_in[:33] / np.array([w_in, h_in], dtype=np.float64)).astype(np.float32)
        xy = norm * np.array([w, h], dtype=np.float32)
        z = (raw[:33, 2].astype(np.float64) * (region.side / n) / w_in * w).astype(np.float32)
        vis = np.clip(bp.sigmoid(raw[:33, 3]), 0.0, 1.0)
        world = bp.rotate_world(self._lm.get_tensor(self._lm_out["world"]).reshape(-1, 3)[:33], region.rotation)
        back = np.full((self.cfg.outline_levels, 2), np.nan, np.float32)
        if self.cfg.mediapipe.segmentation:
            back = self._outline(self._lm.get_tensor(self._lm_out["mask"])[0, :, :, 0], to_image,
                                 xy_in, (w_in, h_in), size_wh)
        return PoseCandidate(xy, z, vis, world, back), following

    def _outline(
        self, logits: np.ndarray, to_image: np.ndarray, xy_in: np.ndarray,
        size_in: tuple[int, int], size_wh: tuple[int, int],
    ) -> np.ndarray:
        """The back outline from the crop's mask, put on the frame only at the pixels the outline
        reads (the full-frame mask's values there, zero elsewhere: the same outline)."""
        w_in, h_in = size_in
        hip = np.mean(xy_in[list(sk.HIP)], axis=0)
        sho = np.mean(xy_in[list(sk.SHOULDER)], axis=0)
        xs, ys = _outline_pixels(hip, sho, self.cfg.outline_levels, w_in, h_in)
        mask = mask_at_pixels(bp.sigmoid(logits), bp.invert_affine(to_image), w_in, h_in, xs, ys)
        to_full = 0.5 * (size_wh[0] / w_in + size_wh[1] / h_in)
        return to_full * outline_offsets_px(mask, hip, sho, self.cfg.outline_levels)


def _outline_pixels(
    hip: np.ndarray, sho: np.ndarray, levels: int, width: int, height: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every frame pixel outline_offsets_px may read for this trunk (it samples bilinearly, in
    one-pixel steps out to one trunk length either side of the axis, at ``levels`` rows): the
    3x3 pixels around each sample point, so sub-pixel differences in how the points are placed
    cannot leave one out. Some pixels come more than once."""
    axis = sho - hip
    length = float(np.hypot(*axis))
    if not np.isfinite(length) or length < 1:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    perps = trunk_perpendiculars(axis)
    centres = hip[None, :] + np.linspace(0.0, 1.0, levels)[:, None] * axis[None, :]
    steps = np.arange(0.0, length + 2.0, 1.0)
    pts = centres[None, :, None, :] + steps[None, None, :, None] * perps[:, None, None, :]  # (2, K, S, 2)
    pts = pts.reshape(-1, 2)
    base_x = np.floor(np.clip(pts[:, 0], 0, width - 1)).astype(np.int64)
    base_y = np.floor(np.clip(pts[:, 1], 0, height - 1)).astype(np.int64)
    near = np.arange(-1, 2)
    xs = (base_x[:, None, None] + near[None, :, None]).clip(0, width - 1)
    ys = (base_y[:, None, None] + near[None, None, :]).clip(0, height - 1)
    xs, ys = np.broadcast_arrays(xs, ys)
    return xs.ravel(), ys.ravel()  # repeats cost less than removing them
