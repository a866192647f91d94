"""Live frames posed by one landmarker per core, handed back in the order they were captured.

Each landmarker has a thread that takes the newest frame from the source whenever it is free
(io.live_source.LatestFrame hands each frame out once, in order), so with two of them a frame
waits for a free landmarker far less and twice as many frames are posed. MediaPipe releases the
GIL while it works. ``next()`` returns the oldest posed frame once no older frame is still being
posed, so the streaming analysis sees time go forward.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

from formcheck.config import PoseConfig
from formcheck.pose.backend import Poser, open_poser
from formcheck.types import PoseCandidate

if TYPE_CHECKING:
    from formcheck.io.live_source import Captured, LatestFrame

WAIT_STEP_S = 0.2  # waits are sliced so Ctrl-C is seen


class LivePosers:
    """``n`` landmarkers posing ``source``'s frames; a context manager (stops and closes them)."""

    def __init__(self, source: LatestFrame, cfg: PoseConfig, n: int, get_timeout_s: float) -> None:
        self.source = source
        self.cfg = cfg
        self.size_wh = (source.info.width_px, source.info.height_px)
        self.get_timeout_s = get_timeout_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.models: list[Poser] = []
        try:
            for _ in range(n):
                self.models.append(open_poser(cfg))
        except BaseException:
            self.close()
            raise
        self.layout = self.models[0].layout  # the points each candidate holds
        self._cond = threading.Condition()
        self._done: dict[int, tuple[Captured, list[PoseCandidate]]] = {}
        self._busy: dict[int, int] = {}  # landmarker -> index of the frame it is posing
        self._alive = n
        self._returned = 0
        self._error: BaseException | None = None
        self._threads = [
            threading.Thread(target=self._run, args=(k,), name=f"formcheck-live-pose-{k}", daemon=True)
            for k in range(n)
        ]
        for t in self._threads:
            t.start()

    def _run(self, k: int) -> None:
        from formcheck.io.video import pose_input

        model = self.models[k]
        try:
            while not self._stop.is_set():
                cap = self.source.get(self.get_timeout_s)
                if cap is None:  # the source ended, or a camera went silent
                    return
                with self._cond:
                    self._busy[k] = cap.index
                found = model.detect(cap.t_s, pose_input(cap.frame, self.cfg.max_side_px), self.size_wh)
                with self._cond:
                    del self._busy[k]
                    self._done[cap.index] = (cap, found)
                    self._cond.notify_all()
        except BaseException as exc:  # noqa: BLE001 - raised by next(), in the loop's thread
            with self._cond:
                self._error = exc
        finally:
            with self._cond:
                self._busy.pop(k, None)
                self._alive -= 1
                self._cond.notify_all()

    def _oldest_ready(self) -> bool:
        """Whether the oldest posed frame can go: no older one is being posed, and every frame
        the source handed out is known here (one just taken is not yet marked busy)."""
        if not self._done or min(self._done) > min(self._busy.values(), default=math.inf):
            return False
        return self.source.taken == self._returned + len(self._done) + len(self._busy)

    def _ready(self) -> bool:
        return self._error is not None or self._alive == 0 or self._oldest_ready()

    def next(self, stop: threading.Event | None = None) -> tuple[Captured, list[PoseCandidate]] | None:
        """The oldest posed frame not yet returned, waiting for it; None once the source has
        ended (or gone silent) and every frame taken from it was returned, or ``stop`` is set."""
        with self._cond:
            while not self._ready():
                if stop is not None and stop.is_set():
                    return None
                self._cond.wait(WAIT_STEP_S)
            if self._error is not None:
                raise self._error
            if self._done:  # in order: when all have ended, nothing older is out
                self._returned += 1
                return self._done.pop(min(self._done))
            return None

    def close(self) -> None:
        """Stop the source (so no thread waits on it), then the threads; close the landmarkers."""
        self.source.stop()
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)
        for m in self.models:
            m.close()
        self.models = []

    def __enter__(self) -> LivePosers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
