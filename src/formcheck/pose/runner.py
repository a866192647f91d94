"""The pose model over a whole video file, on both cores.

MediaPipe releases the GIL while it works, so two landmarkers in two threads pose 1.7-2x as many
frames per second as one on 2 cores. The video is cut in two: this thread poses it from the start,
a second thread (its own decoder, skipping ahead cheaply) from a little before the cut to the end.

Joining the halves must give exactly what one landmarker gives. The backend says which frames
leave no state behind (``Poser.independent_after``: for MediaPipe looking for two people, a frame
where it found fewer than two, since it detects afresh after such a frame and tracks otherwise;
for LiteRT, a frame it ran its person detector on).
So once such a frame is posed identically by both landmarkers, everything after it is identical
too. The first thread goes on past the cut until it meets such a frame (the second
thread has posed it already) and the halves are joined there; if it never does, the first thread
poses to the end (as slow as one landmarker, never different). tests/test_parallel.py checks the
equality on footage, including a clip with two people in some frames. Both decoders read past
damaged frames alike (io/video.py), so frame indices agree; the damage is kept from the decoder
that decoded to the end.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np

from formcheck.config import PoseConfig
from formcheck.pose.backend import Poser, can_split, open_poser
from formcheck.pose.packed import Joined, PackedCandidates
from formcheck.skeleton import KeypointLayout
from formcheck.types import DamagedSpan, PoseCandidate, VideoInfo

Progress = Callable[[int, int], None]  # (frames done, frames expected or -1)
FrameTransform = Callable[[np.ndarray], np.ndarray]

MIN_FRAMES_PER_HALF = 60  # below this a second landmarker costs more (its load) than it saves
LEAD_S = 1.0  # the second thread starts this long before the cut, where the halves are joined
SKIP_COST = 0.13  # skipping a frame (decode, no conversion) as a share of posing it (1080p)


@dataclass
class Detections:
    """What the pose model found in each decoded frame of a video."""

    info: VideoInfo | None  # the video's, from detect_video
    t_s: np.ndarray  # (n,) strictly increasing
    candidates: Sequence[list[PoseCandidate]]  # per frame, every person found (PackedCandidates)
    layout: KeypointLayout  # the points each candidate holds, and the backend and model
    ended_early: bool = False  # the file broke off before its stated length
    interrupted: bool = False  # Ctrl-C: the frames up to there are kept
    joined_at: int = -1  # the last frame the first thread's result was kept for; -1: one thread
    damaged: list[DamagedSpan] = field(default_factory=list)  # frames that did not decode


def workers_for(cfg: PoseConfig) -> int:
    """Landmarkers to run side by side: cfg.workers, or one per core, at most 2; one when the
    backend never leaves a frame independent of the last (backend.can_split)."""
    if not can_split(cfg):
        return 1
    return max(1, min(2, cfg.workers or os.cpu_count() or 1))


def detect_video(
    path: str | os.PathLike, cfg: PoseConfig, progress: Progress | None = None,
    transform: FrameTransform | None = None,
) -> Detections:
    """Pose every frame of the video at ``path``. Raises the io errors (InputNotFound,
    NotAVideo) and ModelError; a file that breaks off sets ``ended_early``, Ctrl-C sets
    ``interrupted``; what was posed up to there is returned."""
    from formcheck.io.video import FALLBACK_FPS, open_video

    with open_video(path, transform=transform) as video:
        info = video.info
        n = info.n_frames_nominal
        fps = info.fps_nominal if math.isfinite(info.fps_nominal) else FALLBACK_FPS
        lead = max(1, round(LEAD_S * fps))
        cut = math.ceil((n + lead) / (2.0 - SKIP_COST))
        if workers_for(cfg) < 2 or n - cut < MIN_FRAMES_PER_HALF or cut - lead < MIN_FRAMES_PER_HALF:
            found = detect_frames(video, (info.width_px, info.height_px), cfg, progress, n)
        else:
            second = _SecondHalf(path, cfg, cut - lead, transform)
            try:
                found = _first_half(video, cfg, second, progress)
            finally:
                second.stop()
        found.info = info
        read_to_end = second if found.joined_at >= 0 else video  # whose decoder saw the end
        found.ended_early = not found.interrupted and read_to_end.ended_early
        found.damaged = _damage_kept(found, video.damaged, second.damaged if found.joined_at >= 0 else [])
    return found


def _damage_kept(found: Detections, first: list[DamagedSpan], second: list[DamagedSpan]) -> list[DamagedSpan]:
    """The damage before the frames kept. Joined, the second decoder's: it decoded the whole file
    (skipping is decoding, io/video.py) and finds the same damage as the first, which stopped at
    the join, perhaps inside a span."""
    return [d for d in (second if found.joined_at >= 0 else first) if d.i_next < len(found.t_s)]


def detect_frames(
    frames: Iterable[tuple[float, np.ndarray]], size_wh: tuple[int, int], cfg: PoseConfig,
    progress: Progress | None = None, expected: int = -1,
) -> Detections:
    """Pose (t_s, frame_bgr) pairs in time order with one landmarker, in this thread."""
    t_list: list[float] = []
    cands = PackedCandidates(cfg.outline_levels)
    interrupted = False
    with open_poser(cfg) as poser:
        try:
            for t_s, found in _posed(frames, poser, cfg, size_wh):
                cands.append(found)
                t_list.append(t_s)
                if progress:
                    progress(len(t_list), expected)
        except KeyboardInterrupt:
            interrupted = True
    return Detections(None, np.asarray(t_list, dtype=np.float64), cands, poser.layout, interrupted=interrupted)


def _posed(
    frames: Iterable[tuple[float, np.ndarray]], poser: Poser, cfg: PoseConfig, size_wh: tuple[int, int],
) -> Iterator[tuple[float, list[PoseCandidate]]]:
    """(t_s, people found) for each frame."""
    from formcheck.io.video import pose_input

    for t_s, frame in frames:
        yield t_s, poser.detect(t_s, pose_input(frame, cfg.max_side_px), size_wh)


def _same(a: list[PoseCandidate], b: list[PoseCandidate]) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(x.xy_px, y.xy_px) and np.array_equal(x.visibility, y.visibility)
        and np.array_equal(x.world_m, y.world_m) and np.array_equal(x.z_px, y.z_px)
        and np.array_equal(x.back_offset_px, y.back_offset_px, equal_nan=True)
        for x, y in zip(a, b)
    )


def _first_half(video, cfg: PoseConfig, second: _SecondHalf,  # noqa: ANN001 - VideoFile
                progress: Progress | None) -> Detections:
    """Pose from the start until a frame the second thread posed the same way, one that leaves
    no state behind (Poser.independent_after); join the second thread's frames after it."""
    info = video.info
    t_list: list[float] = []
    cands = PackedCandidates(cfg.outline_levels)
    joined_at = -1
    interrupted = False
    with open_poser(cfg) as poser:
        layout = poser.layout
        try:
            with closing(_posed(video, poser, cfg, (info.width_px, info.height_px))) as posed:
                for i, (t_s, found) in enumerate(posed):
                    t_list.append(t_s)
                    cands.append(found)
                    if progress:
                        progress(i + 1 + second.done_after(i), info.n_frames_nominal)
                    if i >= second.start and poser.independent_after(found):
                        theirs = second.wait_for(i)
                        if theirs is not None and _same(found, theirs):
                            joined_at = i
                            break
                    second.raise_error()
        except KeyboardInterrupt:
            interrupted = True
    if joined_at < 0 or interrupted:
        second.stop()
        return Detections(None, np.asarray(t_list, dtype=np.float64), cands, layout, interrupted=interrupted)
    try:
        second.wait()
    except KeyboardInterrupt:
        return Detections(None, np.asarray(t_list, dtype=np.float64), cands, layout, interrupted=True)
    second.raise_error()
    k = joined_at - second.start + 1  # the second thread's first frame kept
    t = np.concatenate([np.asarray(t_list, dtype=np.float64), second.t_s[k:]])
    if progress:
        progress(len(t), info.n_frames_nominal)
    return Detections(None, t, Joined(cands, len(cands), second.cands, k), layout, joined_at=joined_at)


class _SecondHalf:
    """A thread posing the video from frame ``start`` to its end with its own decoder."""

    def __init__(self, path: str | os.PathLike, cfg: PoseConfig, start: int,
                 transform: FrameTransform | None) -> None:
        self.path, self.cfg, self.start, self.transform = path, cfg, start, transform
        self.t_list: list[float] = []  # frame start + k
        self.cands = PackedCandidates(cfg.outline_levels)
        self.ended_early = False
        self.damaged: list[DamagedSpan] = []
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._finished = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-pose-2", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from formcheck.io.video import open_video

        try:
            with open_video(self.path, transform=self.transform) as video:
                size = (video.info.width_px, video.info.height_px)
                if video.skip(self.start) == self.start:
                    with open_poser(self.cfg) as poser, closing(_posed(video, poser, self.cfg, size)) as posed:
                        for t_s, found in posed:
                            with self._cond:
                                self.cands.append(found)
                                self.t_list.append(t_s)
                                self._cond.notify_all()
                            if self._stop.is_set():
                                return
                self.ended_early = video.ended_early
                self.damaged = list(video.damaged)
        except BaseException as exc:  # noqa: BLE001 - raised in the first thread
            self.error = exc
        finally:
            with self._cond:
                self._finished = True
                self._cond.notify_all()

    @property
    def t_s(self) -> np.ndarray:
        return np.asarray(self.t_list, dtype=np.float64)

    def done_after(self, i: int) -> int:
        """Frames this thread has posed beyond frame ``i`` (for progress)."""
        return max(0, self.start + len(self.t_list) - 1 - i)

    def wait_for(self, i: int) -> list[PoseCandidate] | None:
        """Frame ``i`` as posed here, waiting for it; None if it never will be."""
        k = i - self.start
        with self._cond:
            self._cond.wait_for(lambda: len(self.t_list) > k or self._finished)
            return self.cands[k] if len(self.t_list) > k else None

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(timeout=0.2)

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
