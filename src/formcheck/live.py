"""The live loop: newest frame -> pose -> streaming analysis -> annotators -> window and sound.

``run_live(options)`` runs until the user quits (Q, Esc, closing the window, Ctrl-C), the file
ends or the camera stops, and always returns what was measured: the whole session analysed as a
recorded set, the recording and cue track finished, and the loop's speed. Errors of the session's
end (camera lost, no one seen) are returned with it, not raised, so nothing is lost.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from formcheck.analysis.live import LiveAnalyzer
from formcheck.audio.player import Player, open_player
from formcheck.audio.track import CueTrack
from formcheck.config import Config
from formcheck.errors import CameraError, FormcheckError, PartialVideo
from formcheck.io.video_writer import AnnotatedVideo, ConstantRateRecorder, output_fps
from formcheck.pose.backend import layout_for
from formcheck.pose.live_posers import LivePosers
from formcheck.pose.runner import workers_for
from formcheck.render.annotators import annotate_frame
from formcheck.render.live_overlay import LiveStatus, annotate_live
from formcheck.render.window import Window
from formcheck.types import LegZones, PoseCandidate, PoseSequence, Rep, Report

if TYPE_CHECKING:
    from formcheck.io.live_source import Captured, LatestFrame

FPS_WINDOW_S = 1.0  # processing rate shown on screen: frames done over the last second
GET_TIMEOUT_S = 5.0  # a camera silent this long counts as gone


@dataclass(frozen=True)
class LiveOptions:
    camera: int = 0
    source: str | None = None  # a video file played at real pace instead of the camera
    speed: float = 1.0  # --source plays at this multiple of real time
    target: str | None = None  # the hamstring head being trained (config.ZONES' heads)
    exercise: str | None = None  # a family from config.EXERCISE_FAMILIES, or None to detect
    mute: bool = False
    headless: bool = False  # no window
    record: str | None = None  # write the annotated frames to this .mp4
    cues_wav: str | None = None  # write the session's sound cues to this .wav
    max_s: float | None = None  # stop after this many seconds of source time


@dataclass
class LiveStats:
    frames_read: int = 0  # frames the source delivered
    frames_processed: int = 0
    wall_s: float = 0.0
    latency_ms: list[float] = field(default_factory=list)  # capture to overlay, per frame

    @property
    def frames_dropped(self) -> int:
        return max(0, self.frames_read - self.frames_processed)

    def summary(self) -> str:
        if not self.frames_processed:
            return "live: no frame was processed"
        lat = np.asarray(self.latency_ms)
        fps = self.frames_processed / self.wall_s if self.wall_s > 0 else math.nan
        return (
            f"live: {self.frames_processed} of {self.frames_read} frames processed "
            f"({self.frames_dropped} dropped to keep up), {fps:.1f} fps; capture-to-overlay "
            f"latency median {np.median(lat):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms"
        )


@dataclass
class LiveSession:
    """What a live session leaves behind."""

    end: str  # "quit", "interrupted", "ended", "time limit", "lost", "broke off", "error: ..."
    stats: LiveStats
    report: Report | None  # None when there was nothing to analyse (see ``error``)
    error: FormcheckError | None  # why the session ended badly or has no report
    cues: list[tuple[float, str]]  # (t_s, sound id) of every cue sounded
    pose: PoseSequence | None = None  # the session's tracked pose
    live_reps: list[Rep] = field(default_factory=list)  # reps as counted live, frame by frame
    live_zones: list[tuple[LegZones, LegZones]] = field(default_factory=list)  # per live rep
    recording: AnnotatedVideo | None = None  # the session recorded with its overlay (--record)
    cues_wav: str | None = None  # the cue track's WAV, when written
    t0_s: float = math.nan  # source time of the first processed frame
    source: str | None = None  # the file played as a camera (--source); None for a camera


def run_live(
    options: LiveOptions, cfg: Config | None = None,
    say: Callable[[str], None] = lambda _msg: None,
    frames: LatestFrame | None = None,
    stop: threading.Event | None = None,
) -> LiveSession:
    """Run a live session. Raises only for a source that cannot start (CameraError,
    InputNotFound, NotAVideo), a bad option (InvalidOption) or a missing model (ModelError);
    everything after the first frame ends in a returned LiveSession. ``frames``: an open source
    to use instead of the one ``options`` names (tests hand in a camera that fails). ``stop``:
    set it (from a signal handler, say) to end the session as Ctrl-C would, at a safe point."""
    from formcheck.io.live_source import open_live  # looked up when called: tests replace it

    cfg = cfg or Config()
    source = frames or open_live(options.camera, options.source, options.speed, cfg.live.max_side_px, start=False)
    run = _Run(options, cfg, source, say)
    try:
        run.open()
        run.loop(stop)
    finally:
        run.close()
    return run.finish()


class _Run:
    """One session's moving parts: opened in order, stepped frame by frame (pose -> analysis ->
    sounds -> overlay -> recording and window -> stats), closed whatever happens, and summed up
    in a LiveSession."""

    def __init__(self, options: LiveOptions, cfg: Config, source: LatestFrame, say: Callable[[str], None]) -> None:
        self.options, self.cfg, self.source, self.say = options, cfg, source, say
        self.info = source.info
        self.stats = LiveStats()
        self.track = CueTrack()
        self.rate = _Rate()
        self.analyzer: LiveAnalyzer | None = None
        self.window: Window | None = None
        self.recorder: ConstantRateRecorder | None = None
        self.recording: AnnotatedVideo | None = None
        self.error: FormcheckError | None = None  # the first thing that went wrong at the end
        self.end = ""  # why the loop ended (LiveSession.end)
        self.t0_s = math.nan  # source time of the first processed frame
        self.latency_ms = math.nan  # the last frame's, shown on the next one
        self.sound = ""  # the status strip's word for the sound: "on", "muted" or "off"

    def open(self) -> None:
        """The streaming analysis, the window and the recorder (the posers and the sound player
        are opened by ``loop``, for as long as it runs)."""
        opts, info = self.options, self.info
        self.analyzer = LiveAnalyzer(
            info.width_px, info.height_px, self.cfg, exercise=opts.exercise, target=opts.target,
            source=info.source, layout=layout_for(self.cfg.pose),
        )
        if not opts.headless:
            self.window = Window(f"formcheck live: {info.source}", info.width_px, info.height_px)
        if opts.record:
            fps = info.fps_nominal if math.isfinite(info.fps_nominal) else output_fps(np.zeros(0))
            self.recorder = ConstantRateRecorder(opts.record, (info.width_px, info.height_px), fps)

    def loop(self, stop: threading.Event | None) -> None:
        """Process frames until the session ends (``self.end`` says why), timing the loop."""
        posers = LivePosers(self.source, self.cfg.pose, workers_for(self.cfg.pose), GET_TIMEOUT_S)
        self.source.start()  # once the models are loaded: a file plays from its first frame
        with posers, open_player(self.options.mute) as player:
            self._tell(player)
            self.sound = "on" if player.available else ("muted" if self.options.mute else "off")
            wall0 = time.monotonic()
            try:
                self.end = self._frames(posers, player, stop)
            except KeyboardInterrupt:
                self.end = "interrupted"
            self.stats.wall_s = time.monotonic() - wall0

    def _frames(self, posers: LivePosers, player: Player, stop: threading.Event | None) -> str:
        """Step through the posed frames; the reason the session ended."""
        while True:
            got = posers.next(stop)
            if stop is not None and stop.is_set():
                return "interrupted"
            if got is None:
                return self.source.end or "lost"
            cap, found = got
            if not math.isfinite(self.t0_s):
                self.t0_s = cap.t_s
            if self.options.max_s is not None and cap.t_s - self.t0_s > self.options.max_s:
                return "time limit"
            if not self._step(cap, found, player):
                return "quit"

    def _step(self, cap: Captured, found: list[PoseCandidate], player: Player) -> bool:
        """One frame: analysis, sounds, overlay, recording, window, stats. False: the user quit."""
        live = self.analyzer.update(cap.t_s, found)
        for s in live.sounds:
            player.play(s)
            self.track.add(cap.t_s, s)
        if self._tell(player):
            self.sound = "off"
        frame = annotate_frame(cap.frame, live.view)
        status = LiveStatus(
            self.rate.tick(), self.latency_ms, live.cue, live.target, live.in_target_zone, self.sound
        )
        annotate_live(frame, status)
        if self.recorder is not None:
            self.recorder.add(cap.t_s, frame)
        keep_going = self.window.show(frame) if self.window is not None else True
        self.latency_ms = (time.monotonic() - cap.wall_s) * 1000.0
        self.stats.frames_processed += 1
        self.stats.latency_ms.append(self.latency_ms)
        return keep_going

    def _tell(self, player: Player) -> bool:
        """Pass on what the player has to say (it cannot play, say); whether it said anything."""
        msg = player.take_message()
        if msg:
            self.say(msg)
        return bool(msg)

    def close(self) -> None:
        """Stop the source, close the window and finish the recording (a failure is kept)."""
        self.source.stop()
        self.stats.frames_read = self.source.read
        if self.window is not None:
            self.window.close()
        if self.recorder is not None:
            try:
                self.recording = self.recorder.close()
            except OSError as exc:
                self.error = FormcheckError(f"cannot finish the recording {self.options.record}: {exc}")

    def finish(self) -> LiveSession:
        """The cue track written, the whole session analysed as a recorded set, and the error
        the session ended with, if any (the first of: recording, cue track, analysis, end)."""
        cues_wav = self._write_cues()
        report, pose = self._analysed()
        error = self.error or _end_error(self.end, self.info.source, self.stats)
        return LiveSession(
            self.end, self.stats, report, error, self.track.events, pose, self.analyzer.reps,
            self.analyzer.rep_zones(), self.recording, cues_wav, self.t0_s, self.options.source,
        )

    def _write_cues(self) -> str | None:
        """The session's sound cues on its timeline as a WAV, if asked for; its path when written."""
        path = self.options.cues_wav
        if not path:
            return None
        try:
            self.track.write_wav(path, (time_span(self.analyzer) if self.stats.frames_processed else 0.0))
        except OSError as exc:
            self.error = self.error or FormcheckError(f"cannot write {path}: {exc.strerror or exc}")
            return None
        return path

    def _analysed(self) -> tuple[Report | None, PoseSequence | None]:
        """The session's report and tracked pose (None without a processed frame)."""
        report = pose = None
        try:
            if self.stats.frames_processed:
                pose = self.analyzer.session_pose()
                report = self.analyzer.report(pose)
                report.truncated = self.end in ("lost", "broke off") or self.end.startswith("error")
        except FormcheckError as exc:
            self.error = self.error or exc
        return report, pose


class _Rate:
    """Frames done per second over the last FPS_WINDOW_S (NaN until there are three)."""

    def __init__(self) -> None:
        self.done_at: deque[float] = deque()

    def tick(self) -> float:
        now = time.monotonic()
        self.done_at.append(now)
        while self.done_at and now - self.done_at[0] > FPS_WINDOW_S:
            self.done_at.popleft()
        n = len(self.done_at)
        return (n - 1) / (self.done_at[-1] - self.done_at[0]) if n > 2 else math.nan


def time_span(analyzer: LiveAnalyzer) -> float:
    """Seconds from the session's first processed frame to its last, on the source's clock:
    the cue track covers the same span (its t=0 is the source's t=0)."""
    t = analyzer.pose.t_s.view()
    return float(t[-1]) if len(t) else 0.0


def _end_error(end: str, source: str, stats: LiveStats) -> FormcheckError | None:
    if end == "lost":
        return CameraError(
            f"{source} stopped delivering frames after {stats.frames_processed} processed; "
            "the session so far was kept",
            hint="check the cable or that no other program took the camera",
        )
    if end == "broke off":
        return PartialVideo(f"{source} could not be decoded to its end; the session so far was kept")
    if end.startswith("error: "):
        return FormcheckError(f"reading {source} failed ({end[7:]}); the session so far was kept")
    return None
