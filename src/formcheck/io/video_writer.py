"""Writing videos: an MP4 written frame by frame, H.264 where this machine can.

A writer is a context manager, like supervision's ``VideoSink``::

    with open_writer(path, fps, (width_px, height_px)) as sink:
        for frame in frames:
            sink.write(frame)
    sink.result  # AnnotatedVideo(path, codec): .warning when the file is not H.264

The encoder writes to a hidden file beside the destination (``.NAME.<random>.part.mp4``), moved to
the destination's name only once finished, so a video cut short never sits under the name of a
complete one, even after kill -9. Leaving the block finishes the file; when the block raised (Ctrl-C,
a failed read), the frames written so far are finished as ``NAME.partial.mp4`` instead
(``sink.partial``). A finishing error, such as FFmpeg failing, is raised as OSError.

Codec: H.264 so browsers and phones play it. With the optional ``imageio-ffmpeg`` package
(``pip install 'formcheck[h264]'``; its bundled FFmpeg binary has libx264) frames are piped to that
FFmpeg ('libx264', yuv420p, +faststart). Otherwise OpenCV's writer: 'avc1', then 'H264', else
MPEG-4 Part 2 ('mp4v') with ``CODEC_WARNING``. Each candidate is proven by writing and decoding
back a two-frame probe file, because a writer can report ``isOpened()`` and still produce nothing.
The opencv-contrib 5.1.0 wheel this project installs has FFmpeg but no software H.264 encoder (no
libx264 or OpenH264): 'avc1' maps to h264_v4l2m2m, a hardware encoder that fails without a V4L2
device, so on ordinary machines the output is 'mp4v'.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from formcheck.io.native_stderr import native_stderr_quieted
from formcheck.io.video import FALLBACK_FPS

H264_FOURCCS = ("avc1", "H264")
FALLBACK_FOURCC = "mp4v"
FFMPEG_H264 = "libx264"
CODEC_WARNING = (
    "H.264 encoder not available; wrote MPEG-4 Part 2, which some browsers will not play "
    "(pip install 'formcheck[h264]' for H.264)"
)
FPS_AGREE_REL = 0.001  # the container's rate is used when it matches the timestamps this closely

_Sink = TypeVar("_Sink", bound="VideoSink")


@dataclass(frozen=True)
class AnnotatedVideo:
    """A video written (the annotated video, a live recording): unpacks as ``(path, codec)``."""

    path: Path
    codec: str  # "libx264" (FFmpeg pipe), or OpenCV's fourcc: "avc1", "H264" or "mp4v"
    partial: bool = False  # cut short: ``path`` is NAME.partial.mp4, not the destination

    def __iter__(self) -> Iterator[Path | str]:
        return iter((self.path, self.codec))

    @property
    def warning(self) -> str | None:
        """One line for the user when the file is not H.264, else None."""
        return None if self.codec in (FFMPEG_H264, *H264_FOURCCS) else CODEC_WARNING


class VideoSink:
    """An MP4 being written: ``write(frame)`` (BGR uint8 at the size it was opened with), then
    ``close()`` or the end of a ``with`` block finishes it (closing twice is fine).

    ``dest`` is where the finished video goes; the encoder writes to ``path``, a hidden file
    beside it, until then (see the module docstring)."""

    def __init__(self, dest: Path, codec: str) -> None:
        self.dest = dest
        self.path = part_file(dest)  # what the encoder writes; ``dest`` or the partial file once done
        self.codec = codec
        self.partial = False
        self._done = False

    def write(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Finish the encoder's file at ``path`` (OSError if it failed)."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file and move it to ``dest``."""
        self._end(partial_file(self.dest) if self.partial else self.dest)

    def abandon(self) -> None:
        """Finish the frames written so far as ``NAME.partial.mp4`` beside ``dest``."""
        self.partial = True
        self.close()

    def _end(self, name: Path) -> None:
        if self._done:
            return
        self._done = True
        try:
            self._finish()
            os.replace(self.path, name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            raise
        self.path = name

    @property
    def result(self) -> AnnotatedVideo:
        return AnnotatedVideo(self.path, self.codec, self.partial)

    def __enter__(self: _Sink) -> _Sink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abandon()


def part_file(dest: Path) -> Path:
    """A hidden name beside ``dest`` for a video being written (same suffix: the container)."""
    return dest.with_name(f".{dest.stem}.{secrets.token_hex(4)}.part{dest.suffix}")


def partial_file(dest: Path) -> Path:
    """Where a video cut short is kept: ``NAME.partial.mp4`` beside ``dest``."""
    return dest.with_name(f"{dest.stem}.partial{dest.suffix}")


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


class FfmpegH264Writer(VideoSink):
    """Frames piped to FFmpeg encoding H.264 (libx264).

    yuv420p (what browsers decode) needs even sides: an odd side gets one black pixel of padding.
    """

    def __init__(self, exe: str, dest: Path, fps: float, size_wh: tuple[int, int]) -> None:
        super().__init__(dest, FFMPEG_H264)
        w, h = size_wh
        cmd = [
            exe, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", f"{fps:.6f}", "-i", "-",
            "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", FFMPEG_H264, "-preset", "veryfast",
            "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", os.fspath(self.path),
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self._failed = False

    def write(self, frame: np.ndarray) -> None:
        if self._failed:
            return
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
        except BrokenPipeError:
            self._failed = True

    def _finish(self) -> None:
        """End the stream and wait for FFmpeg to finish the file; OSError if it failed."""
        if self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                self._failed = True
        err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
        if self._proc.wait() != 0 or self._failed:
            raise OSError(f"FFmpeg could not write the video: {err.strip()[:300]}")


class OpenCvWriter(VideoSink):
    """OpenCV's writer (its FFmpeg backend) with a codec already proven to work here."""

    def __init__(self, dest: Path, fourcc: str, fps: float, size_wh: tuple[int, int]) -> None:
        super().__init__(dest, fourcc)
        with _quiet_stderr():
            self._writer: cv2.VideoWriter | None = _cv2_writer(os.fspath(self.path), fourcc, fps, size_wh)
        if not self._writer.isOpened():
            self._writer.release()
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self._done = True
            raise OSError(f"cannot write a video to {dest} (check the folder exists and is writable)")

    def write(self, frame: np.ndarray) -> None:
        if self._writer is not None:
            self._writer.write(frame)

    def _finish(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.release()
        if not self.path.is_file():
            raise OSError(f"OpenCV wrote no video to {self.dest}")


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence OpenCV's and FFmpeg's own lines (e.g. "Could not find a valid device" from a
    hardware encoder) while candidate codecs are tried: OpenCV's log level, and the C-level
    stderr (io/native_stderr.py)."""
    old_level = cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        with native_stderr_quieted():
            yield
    finally:
        cv2.utils.logging.setLogLevel(old_level)


def _cv2_writer(path: str, fourcc: str, fps: float, size_wh: tuple[int, int]) -> cv2.VideoWriter:
    return cv2.VideoWriter(path, cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*fourcc), fps, size_wh)


def codec_works(fourcc: str, size_wh: tuple[int, int], fps: float = FALLBACK_FPS) -> bool:
    """Whether this OpenCV build can write ``fourcc`` into an MP4 at this size: a two-frame probe
    is written and must decode back with the same size."""
    w, h = size_wh
    with tempfile.TemporaryDirectory(prefix="formcheck-codec-") as tmp:
        probe = os.path.join(tmp, "probe.mp4")
        with _quiet_stderr():
            writer = _cv2_writer(probe, fourcc, fps, size_wh)
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
    out: str | os.PathLike, fps: float, size_wh: tuple[int, int], use_ffmpeg: bool | None = None,
    codecs: Sequence[str] = H264_FOURCCS,
) -> VideoSink:
    """A writer for ``out``: FFmpeg's H.264 when imageio-ffmpeg is installed (and ``use_ffmpeg`` is
    not False), else the first OpenCV codec of ``codecs`` that works, else 'mp4v'. Raises OSError
    if none can write there."""
    path = Path(out)
    exe = bundled_ffmpeg() if use_ffmpeg is not False else None
    if exe:
        return FfmpegH264Writer(exe, path, fps, size_wh)
    return OpenCvWriter(path, choose_codec(size_wh, fps, codecs), fps, size_wh)


class ConstantRateRecorder:
    """Writes frames that arrive at uneven times (live mode drops what it cannot keep up with)
    to a constant-rate video that plays in real time: each frame is repeated until the next one's
    time. ``add(t_s, frame)``; ``close()`` (or leaving a ``with`` block) finishes the file and
    returns the AnnotatedVideo."""

    def __init__(
        self, out: str | os.PathLike, size_wh: tuple[int, int], fps: float = FALLBACK_FPS,
        use_ffmpeg: bool | None = None,
    ) -> None:
        self.out, self.size_wh, self.fps = Path(out), size_wh, fps
        self._sink = open_writer(self.out, fps, size_wh, use_ffmpeg)
        self.codec = self._sink.codec
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
            self._sink.write(self._last)
            self.written += 1
        if self.written <= slot:
            self._sink.write(frame)
            self.written += 1
        self._last = frame

    def close(self) -> AnnotatedVideo:
        """Finish the file (idempotent)."""
        self._sink.close()
        return self._sink.result

    def __enter__(self) -> ConstantRateRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
