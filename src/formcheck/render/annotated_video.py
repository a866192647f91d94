"""The annotated video: the source decoded again, each frame drawn over, written as an MP4.

Frame i of the output is frame i of the source with frame i of the analysis drawn on it; the
output has the source's size and frame count, no audio, and a constant frame rate chosen so its
duration matches the source's timestamps (``io.video_writer.output_fps``). The file is written by
``io.video_writer.open_writer`` (H.264 where this machine can, see there).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from formcheck.analysis.frame_view import frame_view
from formcheck.config import BackConfig
from formcheck.io.video import open_video
from formcheck.io.video_writer import H264_FOURCCS, AnnotatedVideo, open_writer, output_fps
from formcheck.render.annotators import DEFAULT_ANNOTATORS, Annotator, annotate_frame
from formcheck.render.thumbnails import StillTaker
from formcheck.types import PoseSequence, Report

Progress = Callable[[int, int], None]  # (frames done, frames expected or -1), as in formcheck.api


def annotate_video(
    src_path: str | os.PathLike,
    pose: PoseSequence,
    report: Report,
    out_path: str | os.PathLike,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    progress: Progress | None = None,
    *,
    annotators: Sequence[Annotator] = DEFAULT_ANNOTATORS,
    back: BackConfig | None = None,
    codecs: Sequence[str] = H264_FOURCCS,
    use_ffmpeg: bool | None = None,
    stills: dict[float, bytes] | None = None,
) -> AnnotatedVideo:
    """Write ``src_path`` with the analysis drawn on each frame to ``out_path`` (an .mp4).

    ``pose`` and ``report`` must come from the same video (and the same ``transform``, which is
    applied to every decoded frame before drawing, as in :func:`formcheck.api.analyze`). Frames
    past the end of the pose are written undrawn; a pose made at another frame size is scaled to
    the frames. ``back`` supplies the low back's thresholds (the defaults otherwise).
    ``use_ffmpeg``: None uses imageio-ffmpeg's H.264 when installed, False forces OpenCV.
    ``stills``: a dict whose keys are times (s); each gets the JPEG of the first annotated frame at
    or after it, so the HTML report needs no pass of its own. Returns
    ``(path, codec)``; ``.warning`` holds the line to show when the codec is not H.264.
    Raises the io errors (InputNotFound, NotAVideo) for a bad source, OSError if the output cannot
    be written.
    """
    with open_video(src_path, transform=transform) as video:
        info = video.info
        size_wh = (info.width_px, info.height_px)
        sx = info.width_px / pose.width_px if pose.width_px else 1.0
        sy = info.height_px / pose.height_px if pose.height_px else 1.0
        rescale = not (math.isclose(sx, 1.0) and math.isclose(sy, 1.0))
        expected = len(pose) if len(pose) else info.n_frames_nominal
        into = stills if stills is not None else {}
        taker = StillTaker(list(into), into)  # fills the caller's dict at its keys' times
        fps = output_fps(pose.t_s, info.fps_nominal)
        with open_writer(Path(out_path), fps, size_wh, use_ffmpeg, codecs) as sink:
            for i, (t_s, frame) in enumerate(video):
                if frame.shape[1::-1] != size_wh:
                    frame = cv2.resize(frame, size_wh, interpolation=cv2.INTER_AREA)
                frame = np.ascontiguousarray(frame)  # a transform may hand back a strided view
                if i < len(pose):
                    view = frame_view(report, pose, i, back)
                    annotate_frame(frame, view.scaled(sx, sy) if rescale else view, annotators)
                sink.write(frame)
                taker.offer(t_s, frame)
                if progress:
                    progress(i + 1, expected)
    return sink.result
