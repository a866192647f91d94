"""The annotated video: the source decoded again, each frame drawn over, written as an MP4.

Frame i of the output is frame i of the source with frame i of the analysis drawn on it; the
output has the source's size and frame count, no audio, and a constant frame rate chosen so its
duration matches the source's timestamps (``output_fps``).

Codec: H.264 so browsers and phones play it. With the optional ``imageio-ffmpeg`` package
(``pip install 'formcheck[h264]'``; its bundled FFmpeg binary has libx264) frames are piped to that
FFmpeg ('libx264', yuv420p, +faststart). Otherwise OpenCV's writer: 'avc1', then 'H264', else
MPEG-4 Part 2 ('mp4v') with ``CODEC_WARNING``. Each candidate is proven by writing and decoding back a two-frame probe
file, because a writer can report ``isOpened()`` and still produce nothing. The opencv-contrib
5.1.0 wheel this project installs has FFmpeg but no software H.264 encoder (no libx264 or
OpenH264): 'avc1' maps to h264_v4l2m2m, a hardware encoder that fails without a V4L2 device, so
on ordinary machines the output is 'mp4v'.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from formcheck.analysis.frame_view import frame_view
from formcheck.config import ScoreConfig
from formcheck.io.video import open_video
from formcheck.render.annotators import DEFAULT_ANNOTATORS, Annotator, annotate_frame
from formcheck.render.thumbnails import StillTaker
from formcheck.types import PoseSequence, Report

Progress = Callable[[int, int], None]  # (frames done, frames expected or -1), as in formcheck.api

H264_FOURCCS = ("avc1", "H264")
FALLBACK_FOURCC = "mp4v"
FFMPEG_H264 = "libx264"
CODEC_WARNING = (
    "H.264 encoder not available; wrote MPEG-4 Part 2, which some browsers will not play "
    "(pip install 'formcheck[h264]' for H.264)"
)
FALLBACK_FPS = 30.0  # only when neither timestamps nor the container give a rate
FPS_AGREE_REL = 0.001  # the container's rate is used when it matches the timestamps this closely


class AnnotatedVideo(NamedTuple):
    """What :func:`annotate_video` wrote: unpacks as ``(path, codec)``."""

    path: Path
    codec: str  # "libx264" (FFmpeg pipe), or OpenCV's fourcc: "avc1", "H264" or "mp4v"

    @property
    def warning(self) -> str | None:
        """One line for the user when the file is not H.264, else None."""
        return None if self.codec in (FFMPEG_H264, *H264_FOURCCS) else CODEC_WARNING


def bundled_ffmpeg() -> str | None:
    """The FFmpeg executable of the optional imageio-ffmpeg package, or None without it."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


class FfmpegH264Writer:
    """cv2.VideoWriter's write/release/isOpened over a pipe to FFmpeg encoding H.264 (libx264).

    yuv420p (what browsers decode) needs even sides: an odd side gets one black pixel of padding.
    """

    def __init__(self, exe: str, path: str, fps: float, size_wh: tuple[int, int]) -> None:
        w, h = size_wh
        cmd = [
            exe, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", f"{fps:.6f}", "-i", "-",
            "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", FFMPEG_H264, "-preset", "veryfast",
            "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self._failed = False

    def isOpened(self) -> bool:
        return self._proc.poll() is None

    def write(self, frame: np.ndarray) -> None:
        if self._failed:
            return
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
        except BrokenPipeError:
            self._failed = True

    def release(self) -> None:
        if self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                self._failed = True
        err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
        if self._proc.wait() != 0 or self._failed:
            raise OSError(f"FFmpeg could not write the video: {err.strip()[:300]}")


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence OpenCV's and FFmpeg's own lines (e.g. "Could not find a valid device" from a
    hardware encoder) while candidate codecs are tried: they go to the C-level stderr."""
    old_level = cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        saved = None
    try:
        if saved is not None:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
        yield
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        cv2.utils.logging.setLogLevel(old_level)


def _open_writer(path: str, fourcc: str, fps: float, size_wh: tuple[int, int]) -> cv2.VideoWriter:
    return cv2.VideoWriter(path, cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), fps, size_wh)


def codec_works(fourcc: str, size_wh: tuple[int, int], fps: float = FALLBACK_FPS) -> bool:
    """Whether this OpenCV build can write ``fourcc`` into an MP4 at this size: a two-frame probe
    is written and must decode back with the same size."""
    w, h = size_wh
    with tempfile.TemporaryDirectory(prefix="formcheck-codec-") as tmp:
        probe = os.path.join(tmp, "probe.mp4")
        with _quiet_stderr():
            writer = _open_writer(probe, fourcc, fps, size_wh)
            try:
                if not writer.isOpened():
                    return False
                for value in (0, 255):
                    writer.write(np.full((h, w, 3), value, np.uint8))
            finally:
                writer.release()
            if not os.path.isfile(probe) or os.path.getsize(probe) == 0:
                return False
            cap = cv2.VideoCapture(probe, cv2.CAP_FFMPEG)
            try:
                ok, frame = cap.read()
            finally:
                cap.release()
    return bool(ok) and frame is not None and frame.shape[:2] == (h, w)


def choose_codec(
    size_wh: tuple[int, int], fps: float = FALLBACK_FPS, candidates: Sequence[str] = H264_FOURCCS
) -> str:
    """The first of ``candidates`` that works here, else 'mp4v' (which every FFmpeg build has)."""
    for fourcc in candidates:
        if codec_works(fourcc, size_wh, fps):
            return fourcc
    return FALLBACK_FOURCC


def output_fps(t_s: np.ndarray, fps_nominal: float = math.nan) -> float:
    """The constant rate that gives the output the source's duration.

    The source's frames span ``n`` frame durations, from the first timestamp to one frame past the
    last: ``(n - 1) / (t_last - t_first)`` frames per second. The container's stated rate is used
    instead when it agrees within 0.1% (it keeps rates like 30000/1001 exact); without timestamps
    the stated rate, else 30.
    """
    t = np.asarray(t_s, dtype=np.float64)
    stated = fps_nominal if math.isfinite(fps_nominal) and fps_nominal > 0 else math.nan
    if len(t) >= 2 and t[-1] > t[0]:
        measured = (len(t) - 1) / float(t[-1] - t[0])
        if math.isfinite(stated) and abs(stated - measured) <= FPS_AGREE_REL * measured:
            return stated
        return measured
    return stated if math.isfinite(stated) else FALLBACK_FPS


def open_writer(
    out: Path, fps: float, size_wh: tuple[int, int], use_ffmpeg: bool | None = None,
    codecs: Sequence[str] = H264_FOURCCS,
) -> FfmpegH264Writer | cv2.VideoWriter:
    """A writer for ``out``: FFmpeg's H.264 when imageio-ffmpeg is installed (and ``use_ffmpeg`` is
    not False), else the first OpenCV codec that works. Raises OSError if none can write there."""
    exe = bundled_ffmpeg() if use_ffmpeg is not False else None
    if exe:
        return FfmpegH264Writer(exe, os.fspath(out), fps, size_wh), FFMPEG_H264
    codec = choose_codec(size_wh, fps, codecs)
    with _quiet_stderr():
        writer = _open_writer(os.fspath(out), codec, fps, size_wh)
    if not writer.isOpened():
        writer.release()
        raise OSError(f"cannot write a video to {out} (check the folder exists and is writable)")
    return writer, codec


class ConstantRateRecorder:
    """Writes frames that arrive at uneven times (live mode drops what it cannot keep up with)
    to a constant-rate video that plays in real time: each frame is repeated until the next one's
    time. ``add(t_s, frame)``; ``close()`` returns the AnnotatedVideo."""

    def __init__(
        self, out: str | os.PathLike, size_wh: tuple[int, int], fps: float = FALLBACK_FPS,
        use_ffmpeg: bool | None = None,
    ) -> None:
        self.out, self.size_wh, self.fps = Path(out), size_wh, fps
        self._writer, self.codec = open_writer(self.out, fps, size_wh, use_ffmpeg)
        self._t0_s = float("nan")
        self._last: np.ndarray | None = None
        self.written = 0

    def add(self, t_s: float, frame: np.ndarray) -> None:
        if frame.shape[1::-1] != self.size_wh:
            frame = cv2.resize(frame, self.size_wh, interpolation=cv2.INTER_AREA)
        if not math.isfinite(self._t0_s):
            self._t0_s = t_s
        slot = int(math.floor((t_s - self._t0_s) * self.fps + 0.5))
        while self._last is not None and self.written < slot:  # hold the last frame over drops
            self._writer.write(self._last)
            self.written += 1
        if self.written <= slot:
            self._writer.write(frame)
            self.written += 1
        self._last = frame

    def close(self) -> AnnotatedVideo:
        """Finish the file (idempotent)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.release()
        return AnnotatedVideo(self.out, self.codec)


def annotate_video(
    src_path: str | os.PathLike,
    pose: PoseSequence,
    report: Report,
    out_path: str | os.PathLike,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    progress: Progress | None = None,
    *,
    annotators: Sequence[Annotator] = DEFAULT_ANNOTATORS,
    score: ScoreConfig | None = None,
    codecs: Sequence[str] = H264_FOURCCS,
    use_ffmpeg: bool | None = None,
    stills: dict[float, bytes] | None = None,
) -> AnnotatedVideo:
    """Write ``src_path`` with the analysis drawn on each frame to ``out_path`` (an .mp4).

    ``pose`` and ``report`` must come from the same video (and the same ``transform``, which is
    applied to every decoded frame before drawing, as in :func:`formcheck.api.analyze`). Frames
    past the end of the pose are written undrawn; a pose made at another frame size is scaled to
    the frames. ``score`` supplies the lumbar flag threshold (the defaults otherwise).
    ``use_ffmpeg``: None uses imageio-ffmpeg's H.264 when installed, False forces OpenCV.
    ``stills``: a dict whose keys are times (s); each gets the JPEG of the first annotated frame at
    or after it, so the HTML report needs no pass of its own. Returns
    ``(path, codec)``; ``.warning`` holds the line to show when the codec is not H.264.
    Raises the io errors (InputNotFound, NotAVideo) for a bad source, OSError if the output cannot
    be written.
    """
    out = Path(out_path)
    with open_video(src_path, transform=transform) as video:
        info = video.info
        size_wh = (info.width_px, info.height_px)
        fps = output_fps(pose.t_s, info.fps_nominal)
        writer, codec = open_writer(out, fps, size_wh, use_ffmpeg, codecs)
        sx = info.width_px / pose.width_px if pose.width_px else 1.0
        sy = info.height_px / pose.height_px if pose.height_px else 1.0
        rescale = not (math.isclose(sx, 1.0) and math.isclose(sy, 1.0))
        expected = len(pose) if len(pose) else info.n_frames_nominal
        into = stills if stills is not None else {}
        taker = StillTaker(list(into), into)  # fills the caller's dict at its keys' times
        try:
            for i, (t_s, frame) in enumerate(video):
                if frame.shape[1::-1] != size_wh:
                    frame = cv2.resize(frame, size_wh, interpolation=cv2.INTER_AREA)
                frame = np.ascontiguousarray(frame)  # a transform may hand back a strided view
                if i < len(pose):
                    view = frame_view(report, pose, i, score)
                    annotate_frame(frame, view.scaled(sx, sy) if rescale else view, annotators)
                writer.write(frame)
                taker.offer(t_s, frame)
                if progress:
                    progress(i + 1, expected)
        finally:
            writer.release()
    return AnnotatedVideo(out, codec)
