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

A recorded set is posed at ``PoseConfig.pose_hz``: every ``stride``-th frame of the file (counted
from its first, so both threads pose the same frames) and its last; the frames between are
decoded for their timestamps only, and analysis/frame_fill.py gives them the lifter's pose by
interpolation. ``Detections.frame_t_s`` holds every decoded frame's time.
"""

from __future__ import annotations

import bisect
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

# Posed frames a half needs for a second landmarker to pay for its load (LiteRT ~0.1 s, MediaPipe
# ~0.4 s, a posed 1080p frame ~60 ms on a slow core). At 60 frames (as before posing at pose_hz)
# an 8.5-s 1080p clip posed at 15 Hz ran on one thread.
MIN_POSED_PER_HALF = 20
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
    # every decoded frame's time when only some were posed (pose_hz); None: t_s, all were posed
    frame_t_s: np.ndarray | None = None


def workers_for(cfg: PoseConfig) -> int:
    """Landmarkers to run side by side: cfg.workers, or one per core, at most 2; one when the
    backend never leaves a frame independent of the last (backend.can_split)."""
    if not can_split(cfg):
        return 1
    return max(1, min(2, cfg.workers or os.cpu_count() or 1))


def pose_stride(cfg: PoseConfig, fps: float) -> int:
    """Posed frames are this many frames apart: the most that keeps ``cfg.pose_hz`` (a 10% margin,
    so 29.97 fps counts as 30), 1 when pose_hz is None or the frame rate unknown."""
    if not cfg.pose_hz or not math.isfinite(fps) or fps <= 0:
        return 1
    return max(1, int(fps / cfg.pose_hz + 0.1))


class _Schedule:
    """Which frames of a file are posed: every ``stride``-th from the first, and the last."""

    def __init__(self, stride: int, n_frames: int) -> None:
        self.stride, self.last = max(1, stride), n_frames - 1

    def __call__(self, i: int) -> bool:
        return i % self.stride == 0 or i == self.last


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
        stride = pose_stride(cfg, fps)
        posed = _Schedule(stride, n)
        lead = max(1, round(LEAD_S * fps))
        skip = SKIP_COST * stride / (1.0 + SKIP_COST * (stride - 1))  # posing 1 in stride frames
        cut = math.ceil((n + lead) / (2.0 - skip))
        halves_too_short = min(n - cut, cut - lead) < MIN_POSED_PER_HALF * stride
        if workers_for(cfg) < 2 or halves_too_short:
            found = _one_thread(video, cfg, posed, progress)
        else:
            second = _SecondHalf(path, cfg, cut - lead, transform, posed)
            try:
                found = _first_half(video, cfg, second, posed, progress)
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
    n = len(found.t_s if found.frame_t_s is None else found.frame_t_s)
    return [d for d in (second if found.joined_at >= 0 else first) if d.i_next < n]


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


def _posed_file(
    video, poser: Poser, cfg: PoseConfig, posed: _Schedule, first: int = 0,  # noqa: ANN001 - VideoFile
) -> Iterator[tuple[int, float, list[PoseCandidate] | None]]:
    """(frame index, t_s, people found) for each frame of ``video`` from frame ``first`` on; the
    people only for the frames ``posed`` picks (the others are passed over: None)."""
    from formcheck.io.video import pose_input

    size_wh = (video.info.width_px, video.info.height_px)
    i = first
    while True:
        if posed(i):
            item = next(video, None)
            if item is None:
                return
            t_s, frame = item
            yield i, t_s, poser.detect(t_s, pose_input(frame, cfg.max_side_px), size_wh)
        else:
            t_s = video.pass_frame()
            if t_s is None:
                return
            yield i, t_s, None
        i += 1


class _Posing:
    """What a thread has posed: every frame's time, and the people in the posed frames."""

    def __init__(self, cfg: PoseConfig) -> None:
        self.frame_t: list[float] = []
        self.t_list: list[float] = []  # posed frames only
        self.at: list[int] = []  # their frame indices
        self.cands = PackedCandidates(cfg.outline_levels)

    def add(self, i: int, t_s: float, found: list[PoseCandidate] | None) -> None:
        self.frame_t.append(t_s)
        if found is not None:
            self.cands.append(found)
            self.t_list.append(t_s)
            self.at.append(i)

    def detections(self, layout: KeypointLayout, interrupted: bool = False) -> Detections:
        t = np.asarray(self.t_list, dtype=np.float64)
        all_t = np.asarray(self.frame_t, dtype=np.float64)
        return Detections(None, t, self.cands, layout, interrupted=interrupted,
                          frame_t_s=None if len(all_t) == len(t) else all_t)


def _one_thread(video, cfg: PoseConfig, posed: _Schedule,  # noqa: ANN001 - VideoFile
                progress: Progress | None) -> Detections:
    """Pose the frames ``posed`` picks with one landmarker, in this thread."""
    done = _Posing(cfg)
    interrupted = False
    with open_poser(cfg) as poser:
        try:
            with closing(_posed_file(video, poser, cfg, posed)) as frames:
                for i, t_s, found in frames:
                    done.add(i, t_s, found)
                    if progress:
                        progress(i + 1, video.info.n_frames_nominal)
        except KeyboardInterrupt:
            interrupted = True
    return done.detections(poser.layout, interrupted)


def _same(a: list[PoseCandidate], b: list[PoseCandidate]) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(x.xy_px, y.xy_px) and np.array_equal(x.visibility, y.visibility)
        and np.array_equal(x.world_m, y.world_m) and np.array_equal(x.z_px, y.z_px)
        and np.array_equal(x.back_offset_px, y.back_offset_px, equal_nan=True)
        for x, y in zip(a, b)
    )


def _first_half(video, cfg: PoseConfig, second: _SecondHalf, posed: _Schedule,  # noqa: ANN001 - VideoFile
                progress: Progress | None) -> Detections:
    """Pose from the start until a frame the second thread posed the same way, one that leaves
    no state behind (Poser.independent_after); join the second thread's frames after it."""
    info = video.info
    done = _Posing(cfg)
    joined_at = -1
    interrupted = False
    with open_poser(cfg) as poser:
        layout = poser.layout
        try:
            with closing(_posed_file(video, poser, cfg, posed)) as frames:
                for i, t_s, found in frames:
                    done.add(i, t_s, found)
                    if progress:
                        progress(i + 1 + second.done_after(i), info.n_frames_nominal)
                    if found is not None and i >= second.start and poser.independent_after(found):
                        theirs = second.wait_for(i)
                        if theirs is not None and _same(found, theirs):
                            joined_at = i
                            break
                    second.raise_error()
        except KeyboardInterrupt:
            interrupted = True
    if joined_at < 0 or interrupted:
        second.stop()
        return done.detections(layout, interrupted)
    try:
        second.wait()
    except KeyboardInterrupt:
        return done.detections(layout, True)
    second.raise_error()
    theirs = second.done
    k = bisect.bisect_right(theirs.at, joined_at)  # the second thread's first posed frame kept
    t = np.concatenate([np.asarray(done.t_list, dtype=np.float64), np.asarray(theirs.t_list[k:], dtype=np.float64)])
    frame_t = np.concatenate([np.asarray(done.frame_t, dtype=np.float64),
                              np.asarray(theirs.frame_t[joined_at - second.start + 1:], dtype=np.float64)])
    if progress:
        progress(len(frame_t), info.n_frames_nominal)
    cands = Joined(done.cands, len(done.cands), theirs.cands, k)
    every = None if len(frame_t) == len(t) else frame_t
    return Detections(None, t, cands, layout, joined_at=joined_at, frame_t_s=every)


class _SecondHalf:
    """A thread posing the video from frame ``start`` to its end with its own decoder."""

    def __init__(self, path: str | os.PathLike, cfg: PoseConfig, start: int,
                 transform: FrameTransform | None, posed: _Schedule) -> None:
        self.path, self.cfg, self.start, self.transform, self.posed = path, cfg, start, transform, posed
        self.done = _Posing(cfg)  # frame_t[k]: frame start + k
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
                if video.skip(self.start) == self.start:
                    with open_poser(self.cfg) as poser, \
                            closing(_posed_file(video, poser, self.cfg, self.posed, self.start)) as frames:
                        for i, t_s, found in frames:
                            with self._cond:
                                self.done.add(i, t_s, found)
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

    def done_after(self, i: int) -> int:
        """Frames this thread has gone through beyond frame ``i`` (for progress)."""
        return max(0, self.start + len(self.done.frame_t) - 1 - i)

    def wait_for(self, i: int) -> list[PoseCandidate] | None:
        """Frame ``i`` as posed here, waiting for it; None if it never will be."""
        k = i - self.start
        with self._cond:
            self._cond.wait_for(lambda: len(self.done.frame_t) > k or self._finished)
            if len(self.done.frame_t) <= k:
                return None
            j = bisect.bisect_left(self.done.at, i)
            return self.done.cands[j] if j < len(self.done.at) and self.done.at[j] == i else None

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(timeout=0.2)

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
