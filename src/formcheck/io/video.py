"""Read frames with their presentation times from video files and cameras.

Iterating a source yields ``(t_s, frame_bgr)``. For files, ``t_s`` is the container's timestamp:
with OpenCV 5.1's FFmpeg backend, ``CAP_PROP_POS_MSEC`` read right after ``read()`` is the
presentation time of the frame just returned (not the next one), counted from the stream start,
so the first frame is usually 0. Variable frame rates come through unchanged (tests/test_video_io.py
checks this on a file with uneven frame durations).

Timestamp repair, counted in ``timestamp_repairs``:

* a stamp that repeats or goes backwards becomes the previous ``t_s`` + ``REPAIR_STEP_S``;
* if none of the first ``PROBE_FRAMES`` frames has a stamp later than the first frame's (the
  container has no usable timestamps, e.g. every stamp is 0), the whole file falls back to
  ``t0 + index / fps_nominal`` (30 fps when unknown) and ``timestamp_source`` is ``"frame_rate"``.

Damaged files: a frame that fails to decode (``read()`` False or cv2.error) does not end the file.
FFmpeg drops the damaged packet and the next read resumes with the next frame, so reading goes on
until ``MAX_BAD_READS`` reads in a row fail, or a read fails once the file's stated end is reached
(then it is the end, as in an undamaged file, at no extra cost). Each run of failed reads followed
by a decoded frame is a ``DamagedSpan`` in ``damaged``. In a constant-rate MP4/MOV (its ``stts``,
io/mp4_header.py) the timestamps count the frames lost instead: a step longer than ``GAP_FRAMES``
frame intervals, with or without failed reads (the decoder may drop a frame silently, and with
frame threads a failed read need not fall where the frame was lost). Spans with a single decoded
frame between them are one span. Frames decoded with errors concealed (glitched) are spans with no
frame lost (io/decode_errors.py). A file read past its damage to its end did not break off
(``ended_early`` is False); one whose tail never decodes did.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, TypeVar

import cv2
import numpy as np

from formcheck.errors import CameraError, InputNotFound, NotAVideo
from formcheck.io import decode_errors
from formcheck.io.mp4_header import constant_frame_s, video_duration_s
from formcheck.types import DamagedSpan, VideoInfo

FrameTransform = Callable[[np.ndarray], np.ndarray]
_Source = TypeVar("_Source", bound="_FrameSource")

REPAIR_STEP_S = 1e-3  # added to the previous t_s when a stamp repeats or goes backwards
PROBE_FRAMES = 3  # frames decoded on open, to check the file and its timestamps
FALLBACK_FPS = 30.0  # frame rate assumed when the container has neither timestamps nor a rate
CAMERA_WARMUP_READS = 10  # failed reads tolerated before a camera's first frame
# failed reads in a row before a file is taken to end there. A damaged frame costs one failed read
# (its packet is dropped); a failed read at the end of a file costs about 15 us.
MAX_BAD_READS = 250
GAP_FRAMES = 1.5  # a timestamp step this many frame intervals long (constant-rate files): frames lost

_FRAME_TYPE = cv2.CAP_PROP_FRAME_TYPE  # the picture type of the frame just decoded ('I', 'P', 'B')
_GRABBED = np.zeros(0, np.uint8)  # what VideoFile._grab gives for a frame decoded, not converted
_ROTATE_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@contextmanager
def _quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own log lines (backend warnings) while opening a source."""
    old = cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(old)


def _open_capture(path: str) -> cv2.VideoCapture:
    """Open a file with the FFmpeg backend. Tests replace this to simulate odd containers."""
    return cv2.VideoCapture(path, cv2.CAP_FFMPEG, decode_errors.capture_params())


def _get(cap: cv2.VideoCapture, prop: int) -> float:
    """A capture property, NaN if the backend fails or does not know it."""
    try:
        value = float(cap.get(prop))
    except cv2.error:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _rotation_deg(meta: float) -> int:
    """Rotation metadata snapped to 0/90/180/270; 0 when absent."""
    if not math.isfinite(meta) or meta < 0:
        return 0
    return int(round(meta / 90.0)) % 4 * 90


def _truncation_tolerance(n_frames: int) -> int:
    """Frames a complete file may fall short of its stated count (counts are often estimates)."""
    return max(2, round(0.02 * n_frames))


def _check_file(path: str) -> None:
    """Raise InputNotFound / NotAVideo for paths that cannot hold a readable video."""
    if os.path.isdir(path):
        raise InputNotFound(
            f"{path} is a directory, not a video file", hint="pass the path of a video file"
        )
    if not os.path.exists(path):
        raise InputNotFound(f"video file not found: {path}", hint="check the path and spelling")
    try:
        with open(path, "rb") as f:
            first_byte = f.read(1)
    except OSError as e:
        raise InputNotFound(
            f"cannot read {path}: {e.strerror or e}", hint="check the file's permissions"
        ) from None
    if not first_byte:
        raise NotAVideo(f"{path} is empty (0 bytes)", hint="the recording or copy did not finish")


class _FrameSource:
    """Shared plumbing: single-pass iteration, context manager, close()."""

    info: VideoInfo

    def __init__(self, transform: FrameTransform | None) -> None:
        self._cap: cv2.VideoCapture | None = None
        self._transform = transform
        self.frames_read = 0  # frames handed to the caller so far
        self.read_error = False  # decoding raised; iteration ended there

    def __iter__(self: _Source) -> _Source:
        return self

    def __next__(self) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def __enter__(self: _Source) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the capture. Iteration stops; closing twice is fine."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def _decode(self) -> np.ndarray | None:
        """Next frame as decoded; None at the end, after close(), or on a decode error."""
        if self._cap is None:
            return None
        try:
            ok, frame = self._cap.read()
        except cv2.error:
            self.read_error = True
            return None
        return frame if ok and frame is not None else None

    def _deliver(self, frame: np.ndarray) -> np.ndarray:
        return frame if self._transform is None else self._transform(frame)


class VideoFile(_FrameSource):
    """A decoded video file: iterate for ``(t_s, frame_bgr)``, in order, once.

    ``info`` describes frames as delivered: rotation metadata applied, then ``transform``.
    After iteration ends, ``ended_early`` tells whether the file broke off before its stated
    frame count; the frames up to that point were still delivered.
    """

    def __init__(self, path: str | os.PathLike, transform: FrameTransform | None = None) -> None:
        super().__init__(transform)
        self.path = os.fsdecode(path)
        self.timestamp_repairs = 0
        self.timestamp_source: Literal["container", "frame_rate"] = "container"
        self._rotate_code: int | None = None
        self._pending: deque[tuple[float, np.ndarray, int]] = deque()  # (raw s, frame, failed reads)
        self._lost: list[DamagedSpan] = []  # frames that did not decode, in order (module doc)
        self._glitches = decode_errors.Glitches()  # frames decoded with errors concealed
        self._decoded = 0
        self._n_stated = -1  # the container's frame count, -1 when unknown
        self._frame_s: float | None = None  # constant-rate MP4/MOV: the interval frames are stored at
        self._last_raw_s = math.nan  # container time of the last frame decoded
        self._shown_s: float | None = None  # MP4/MOV: the video track's presented duration
        self._exhausted = False
        self._t0_s = 0.0
        self._prev_t_s = -math.inf
        self._fps_for_fallback = FALLBACK_FPS
        _check_file(self.path)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        """Open the capture, decode the first frames as a check, and fill ``info``."""
        path = self.path
        with _quiet_opencv():
            try:
                self._cap = _open_capture(path)
                opened = self._cap.isOpened()
            except cv2.error:
                opened = False
        if not opened:
            raise NotAVideo(
                f"{path} could not be opened as a video (unknown format or damaged file)",
                hint="use a common format (.mp4, .mov, .avi) and check the file is complete",
            )
        cap = self._cap
        decode_errors.install()  # after the first open, where OpenCV sets FFmpeg's logging up
        try:
            auto = bool(cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1))
        except cv2.error:
            auto = False
        auto = auto and _get(cap, cv2.CAP_PROP_ORIENTATION_AUTO) == 1
        rotation_deg = _rotation_deg(_get(cap, cv2.CAP_PROP_ORIENTATION_META))
        if not auto:  # the backend would not rotate: do it here
            self._rotate_code = _ROTATE_CODES.get(rotation_deg)
        fps = _get(cap, cv2.CAP_PROP_FPS)
        fps = fps if fps > 0 else math.nan
        if fps > 0:
            self._fps_for_fallback = fps
        self._shown_s = video_duration_s(path)
        self._frame_s = constant_frame_s(path)
        count = _get(cap, cv2.CAP_PROP_FRAME_COUNT)
        n_frames = self._n_stated = int(count) if count > 0 else -1

        for _ in range(PROBE_FRAMES):
            item = self._read_stamped()
            if item is None:
                break
            self._pending.append(item)
        if not self._pending:
            raise NotAVideo(
                f"{path} contains no decodable frames",
                hint="the file may be damaged or incomplete; try exporting it again",
            )
        if len(self._pending) == 1 and n_frames < 0 and self._exhausted:
            raise NotAVideo(f"{path} holds a single image, not a video", hint="pass a video clip")
        stamps = [raw for raw, _, _ in self._pending]
        if len(stamps) > 1 and not any(s > stamps[0] for s in stamps[1:]):
            self.timestamp_source = "frame_rate"

        height_px, width_px = self._pending[0][1].shape[:2]
        self.info = VideoInfo(
            source=path,
            width_px=int(width_px),
            height_px=int(height_px),
            fps_nominal=fps,
            n_frames_nominal=n_frames,
            duration_s=n_frames / fps if n_frames > 0 and fps > 0 else math.nan,
            rotation_deg=rotation_deg,
        )

    def _read_stamped(self) -> tuple[float, np.ndarray, int] | None:
        """Decode the next frame that decodes: (container time in s or NaN, delivered frame, failed
        reads before it), or None at the end."""
        frame, fails = self._past_damage(self._decode)
        if frame is None:
            return None
        raw_s = _get(self._cap, cv2.CAP_PROP_POS_MSEC) / 1000.0
        if self._rotate_code is not None:
            frame = cv2.rotate(frame, self._rotate_code)
        self._last_raw_s = raw_s
        return raw_s, self._deliver(frame), fails

    def _past_damage(self, read: Callable[[], np.ndarray | None]) -> tuple[np.ndarray | None, int]:
        """Call ``read`` (decode, or grab only) until it gives a frame: (the frame, failed reads
        before it), or (None, failed reads) at the end (module docstring)."""
        fails = 0
        if self._cap is None:  # closed: iteration is over, the file did not end
            return None, 0
        decode_errors.start()  # concealed while a read failed: the frame it gives is glitched
        while not self._exhausted and self._cap is not None:
            frame = read()
            if frame is not None:
                self._glitches.decoded(self._decoded, decode_errors.concealed(), _get(self._cap, _FRAME_TYPE))
                self._decoded += 1
                self.read_error = False  # set again only by a failed read the file ends on
                return frame, fails
            fails += 1
            if fails >= MAX_BAD_READS or self._at_end():
                break
        self._exhausted = True
        return None, fails

    def _at_end(self) -> bool:
        """Whether the frames decoded so far reach the file's stated end, where a failed read
        ends the file: its frame count, or for MP4/MOV its presented duration."""
        if 0 < self._n_stated <= self._decoded:
            return True
        frame_s = self._frame_s or 1.0 / self._fps_for_fallback
        return self._shown_s is not None and self._last_raw_s + GAP_FRAMES * frame_s >= self._shown_s

    def _grab(self) -> np.ndarray | None:
        """Decode the next frame without converting it to an image: an empty array, None if the
        read failed."""
        try:
            ok = self._cap is not None and bool(self._cap.grab())
        except cv2.error:
            ok, self.read_error = False, True
        return _GRABBED if ok else None

    def _stamp(self, raw_s: float, fails: int) -> float:
        """The delivered time of the next frame, recording the damage before it (module doc)."""
        k, prev_s = self.frames_read, self._prev_t_s
        t_s = self._timestamp(raw_s)
        self.frames_read += 1
        lost = fails  # what timestamps say, where they can: failed reads and lost frames need not
        if self._frame_s and self.timestamp_source == "container":  # pair up one to one; a first
            step = (t_s - (prev_s if k else -self._frame_s)) / self._frame_s  # frame is due at 0
            lost = round(step) - 1 if step > GAP_FRAMES else 0
        if lost > 0:
            decode_errors.add_lost(self._lost, k, prev_s, t_s, lost)
        self._glitches.stamp(k, prev_s, t_s)
        return t_s

    @property
    def damaged(self) -> list[DamagedSpan]:  # the damage before the frames delivered so far, in order
        return decode_errors.merged(self._lost, self._glitches.all_spans())

    def __next__(self) -> tuple[float, np.ndarray]:
        item = self._pending.popleft() if self._pending else self._read_stamped()
        if item is None:
            raise StopIteration
        raw_s, frame, fails = item
        return self._stamp(raw_s, fails), frame

    def skip(self, n: int) -> int:
        """Pass over the next ``n`` frames without converting them to images (still decoded, as
        the next frame needs, but about a quarter cheaper than reading at 1080p). Timestamps go
        on exactly as if they had been read. Returns how many were skipped (fewer at the end)."""
        return next((k for k in range(n) if self.pass_frame() is None), n)

    def pass_frame(self) -> float | None:
        """The next frame's time, passing over its image (``skip`` one frame); None at the end."""
        if self._pending:
            raw_s, _, fails = self._pending.popleft()
            return self._stamp(raw_s, fails)
        grabbed, fails = self._past_damage(self._grab)
        if grabbed is None:
            return None
        self._last_raw_s = _get(self._cap, cv2.CAP_PROP_POS_MSEC) / 1000.0
        return self._stamp(self._last_raw_s, fails)

    def _timestamp(self, raw_s: float) -> float:
        """Container time made strictly increasing (see module docstring)."""
        k = self.frames_read
        if k == 0:
            t_s = raw_s if math.isfinite(raw_s) else 0.0
            self._t0_s = t_s
        elif self.timestamp_source == "frame_rate":
            t_s = self._t0_s + k / self._fps_for_fallback
            self.timestamp_repairs += 1
        elif math.isfinite(raw_s) and raw_s > self._prev_t_s:
            t_s = raw_s
        else:
            t_s = self._prev_t_s + REPAIR_STEP_S
            self.timestamp_repairs += 1
        self._prev_t_s = t_s
        return t_s

    def close(self) -> None:
        super().close()
        self._pending.clear()

    @property
    def ended_early(self) -> bool:
        """True once iteration has ended on a decode error (one the file never recovered from,
        module docstring), or short of what the file says it shows: for MP4/MOV the video track's
        presented duration (edit lists applied: a trimmed clip's hidden frames are not missing
        ones, io/mp4_header.py), else the stated frame count."""
        if not self._exhausted or self._pending:
            return False
        if self.read_error:
            return True
        shown_s = self._shown_s
        if shown_s is not None and self.timestamp_source == "container" and math.isfinite(self._last_raw_s):
            frame_s = 1.0 / self._fps_for_fallback
            tolerance_s = _truncation_tolerance(round(shown_s / frame_s)) * frame_s
            return self._last_raw_s + frame_s < shown_s - tolerance_s
        n = self.info.n_frames_nominal
        return n > 0 and self._decoded < n - _truncation_tolerance(n)


def open_video(path: str | os.PathLike, transform: FrameTransform | None = None) -> VideoFile:
    """Open a video file for reading. Raises InputNotFound or NotAVideo, naming the path.

    NotAVideo also covers files with no decodable frame and still images (one frame, no count).
    """
    return VideoFile(path, transform)


class CameraSource(_FrameSource):
    """A live camera: iterate for ``(t_s, frame_bgr)`` until it stops (then ``lost`` is True).

    ``t_s`` is ``time.monotonic()`` relative to the first frame.
    """

    def __init__(self, index: int, transform: FrameTransform | None = None) -> None:
        super().__init__(transform)
        self.index = index
        self.lost = False
        self._first: np.ndarray | None = None
        self._t0_s = 0.0
        self._prev_t_s = -math.inf
        try:
            self._first = self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> np.ndarray:
        with _quiet_opencv():
            try:
                self._cap = cv2.VideoCapture(self.index)
                opened = self._cap.isOpened()
            except cv2.error:
                opened = False
        hint = "check it is connected and not in use by another program, or try another index"
        if not opened:
            raise CameraError(f"camera {self.index} could not be opened", hint=hint)
        first = None
        for _ in range(CAMERA_WARMUP_READS):
            first = self._decode()
            if first is not None:
                break
        if first is None:
            raise CameraError(f"camera {self.index} opened but delivered no frames", hint=hint)
        self._t0_s = time.monotonic()
        first = self._deliver(first)
        fps = _get(self._cap, cv2.CAP_PROP_FPS)
        height_px, width_px = first.shape[:2]
        self.info = VideoInfo(
            source=f"camera:{self.index}",
            width_px=int(width_px),
            height_px=int(height_px),
            fps_nominal=fps if fps > 0 else math.nan,
            n_frames_nominal=-1,
            duration_s=math.nan,
        )
        return first

    def __next__(self) -> tuple[float, np.ndarray]:
        if self._first is not None:
            frame, self._first = self._first, None
            t_s = 0.0
        else:
            if self._cap is None:
                raise StopIteration
            frame = self._decode()
            if frame is None:
                self.lost = True
                self.close()
                raise StopIteration
            frame = self._deliver(frame)
            t_s = max(time.monotonic() - self._t0_s, self._prev_t_s + REPAIR_STEP_S)
        self._prev_t_s = t_s
        self.frames_read += 1
        return t_s, frame

    def close(self) -> None:
        super().close()
        self._first = None


def open_camera(index: int, transform: FrameTransform | None = None) -> CameraSource:
    """Open camera ``index`` (0 = default). Raises CameraError if it cannot deliver frames."""
    return CameraSource(index, transform)


def pose_input(frame_bgr: np.ndarray, max_side_px: int | None) -> np.ndarray:
    """The frame the pose model is given: ``shrink``-ed, in RGB (MediaPipe's order). OpenCV
    converts the colours in an eighth of the time a reversed-channel numpy copy takes (2 vs
    17 ms at 1080p)."""
    return cv2.cvtColor(shrink(frame_bgr, max_side_px), cv2.COLOR_BGR2RGB)


def shrink(frame: np.ndarray, max_side_px: int | None) -> np.ndarray:
    """``frame`` area-averaged down so its longer side is at most ``max_side_px``, aspect kept;
    the same array when it fits already or for None.

    MediaPipe crops and scales the person to 256 px itself, so a 1080p frame adds cost (copies,
    a full-size segmentation mask) and little detail (config.PoseConfig.max_side_px)."""
    h, w = frame.shape[:2]
    size = shrunk_size(w, h, max_side_px)
    if size == (w, h):
        return frame
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def shrunk_size(width_px: int, height_px: int, max_side_px: int | None) -> tuple[int, int]:
    """(width, height) that ``pose_input`` shrinks a frame of this size to."""
    if not max_side_px or max(width_px, height_px) <= max_side_px:
        return width_px, height_px
    scale = max_side_px / max(width_px, height_px)
    return max(1, round(width_px * scale)), max(1, round(height_px * scale))
