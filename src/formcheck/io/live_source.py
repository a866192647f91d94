"""Frames for live mode, newest first: a camera, or a video file played at its real pace.

A thread reads the source and keeps only the newest frame. Whoever processes frames takes the
newest one when ready; frames that arrived in between are dropped (and counted), never queued,
so feedback never falls behind the lifter. A file plays as a camera would deliver it: each frame
is released at its timestamp (divided by ``speed``) on the wall clock, counted from when its first
frame is taken, so the file starts playing once the pose model is loaded and ready (loading takes
seconds, more on a busy machine: a clock started at open skipped the clip's first reps).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from formcheck.io.video import CameraSource, VideoFile, open_camera, open_video, shrink, shrunk_size
from formcheck.types import VideoInfo


@dataclass(frozen=True)
class Captured:
    t_s: float  # the frame's time: the file's timestamp, or seconds since the camera started
    wall_s: float  # time.monotonic() when it was captured (a file's frame: when it was due)
    frame: np.ndarray  # BGR uint8
    index: int  # the frame's number in the source; dropped frames leave gaps


class LatestFrame:
    """Runs ``source`` in a thread, holding its newest frame. ``get()`` returns each frame at most
    once; None once the source has ended and its last frame was taken.

    ``end`` tells why the source stopped: "ended" (a file's end), "lost" (a camera stopped
    delivering), "broke off" (a file that could not be decoded to its end), "stopped" (``stop()``),
    or "error: ..." (the reader raised).
    """

    def __init__(
        self, source: VideoFile | CameraSource, paced: bool, speed: float = 1.0,
        max_side_px: int | None = None,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.source = source
        self.max_side_px = max_side_px
        info = source.info
        # frames are delivered shrunk to max_side_px (in the reading thread, off the loop's path)
        w, h = shrunk_size(info.width_px, info.height_px, max_side_px)
        self.info: VideoInfo = replace(info, width_px=w, height_px=h)
        self.paced = paced
        self.speed = speed
        self.read = 0  # frames the source delivered
        self.taken = 0  # frames handed to get()
        self.end = ""
        self._slot: Captured | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._playing = threading.Event()  # paced: set when the first frame is taken
        self._t0_wall = 0.0  # paced: when the first frame was taken (the file's clock starts)
        self._thread = threading.Thread(target=self._run, name="formcheck-frames", daemon=True)

    def start(self) -> LatestFrame:
        """Start reading (a file's clock starts with its first frame); starting twice is fine."""
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()
        return self

    def _run(self) -> None:
        end = "ended"
        t0_s = None
        frames: Iterator[tuple[float, np.ndarray]] = iter(self.source)
        try:
            for index, (t_s, frame) in enumerate(frames):
                if self._stop.is_set():
                    end = "stopped"
                    break
                if self.paced and t0_s is None:
                    t0_s = t_s  # the first frame is handed out when asked for; the clock starts then
                elif self.paced:
                    if not self._wait_playing():
                        end = "stopped"
                        break
                    due = self._t0_wall + (t_s - t0_s) / self.speed
                    if self._stop.wait(max(0.0, due - time.monotonic())):
                        end = "stopped"
                        break
                wall_s = time.monotonic()
                frame = shrink(frame, self.max_side_px)
                with self._cond:
                    self._slot = Captured(t_s, wall_s, frame, index)
                    self.read += 1
                    self._cond.notify_all()
            else:
                if getattr(self.source, "lost", False):
                    end = "lost"
                elif getattr(self.source, "ended_early", False):
                    end = "broke off"
        except Exception as exc:  # noqa: BLE001 - the reader died: say so, keep what was processed
            end = f"error: {exc}"
        finally:
            self.source.close()
            with self._cond:
                self.end = end
                self._cond.notify_all()

    def get(self, timeout_s: float | None = None) -> Captured | None:
        """The newest frame not yet taken; waits for one. None when the source has ended (or on
        timeout, with ``end`` still "")."""
        with self._cond:
            ok = self._cond.wait_for(lambda: self._slot is not None or self.end, timeout_s)
            if not ok or self._slot is None:
                return None
            got, self._slot = self._slot, None
            self.taken += 1
            if self.paced and not self._playing.is_set():
                self._t0_wall = time.monotonic()
                got = replace(got, wall_s=self._t0_wall)  # due now: the file starts playing
                self._playing.set()
            return got

    def _wait_playing(self) -> bool:
        """Wait until the first frame was taken; False if stopped first."""
        while not self._playing.wait(0.1):
            if self._stop.is_set():
                return False
        return True

    def stop(self) -> None:
        """Stop reading (the source is closed by the thread); waits briefly for it."""
        self._stop.set()
        if self._thread.ident is None:  # never started: nothing reads it
            self.source.close()
            with self._cond:
                self.end = self.end or "stopped"
                self._cond.notify_all()
            return
        self._thread.join(timeout=2.0)

    def __enter__(self) -> LatestFrame:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def open_live(
    camera: int | None = None, path: str | None = None, speed: float = 1.0,
    max_side_px: int | None = None, start: bool = True,
) -> LatestFrame:
    """A LatestFrame over camera ``camera`` or the file ``path`` played at real pace (times
    ``speed``), frames shrunk to ``max_side_px``; started unless ``start`` is False (live mode
    starts it once the pose model is loaded, so a file's first seconds are not played to no one).
    Raises the io errors (CameraError, InputNotFound, NotAVideo)."""
    if path is not None:
        frames = LatestFrame(open_video(path), paced=True, speed=speed, max_side_px=max_side_px)
    else:
        frames = LatestFrame(open_camera(camera or 0), paced=False, max_side_px=max_side_px)
    return frames.start() if start else frames
