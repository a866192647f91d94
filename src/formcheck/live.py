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
from formcheck.config import Config
from formcheck.errors import CameraError, FormcheckError, PartialVideo
from formcheck.types import LegZones, PoseSequence, Rep, Report

if TYPE_CHECKING:
    from formcheck.io.live_source import LatestFrame

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
    recording: object | None = None  # io.video_writer.AnnotatedVideo
    cues_wav: str | None = None
    t0_s: float = math.nan  # source time of the first processed frame


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
    from formcheck.audio.player import open_player
    from formcheck.audio.track import CueTrack
    from formcheck.io.live_source import open_live
    from formcheck.io.video_writer import ConstantRateRecorder, output_fps
    from formcheck.pose.live_posers import LivePosers
    from formcheck.pose.runner import workers_for
    from formcheck.render.annotators import annotate_frame
    from formcheck.render.live_overlay import LiveStatus, annotate_live

    cfg = cfg or Config()
    source = frames or open_live(options.camera, options.source, options.speed, cfg.live.max_side_px)
    info = source.info
    stats = LiveStats()
    track = CueTrack()
    end, error = "", None
    window = recorder = recording = None
    t0_s = math.nan
    try:
        analyzer = LiveAnalyzer(
            info.width_px, info.height_px, cfg, exercise=options.exercise, target=options.target,
            source=info.source,
        )
        if not options.headless:
            from formcheck.render.window import Window

            window = Window(f"formcheck live: {info.source}", info.width_px, info.height_px)
        if options.record:
            fps = info.fps_nominal if math.isfinite(info.fps_nominal) else output_fps(np.zeros(0))
            recorder = ConstantRateRecorder(options.record, (info.width_px, info.height_px), fps)
        posers = LivePosers(source, cfg.pose, workers_for(cfg.pose), GET_TIMEOUT_S)
        with posers, open_player(options.mute) as player:
            msg = player.take_message()
            if msg:
                say(msg)
            sound = "on" if player.available else ("muted" if options.mute else "off")
            done_at: deque[float] = deque()
            wall0 = time.monotonic()
            latency_ms = math.nan
            try:
                while True:
                    got = posers.next(stop)
                    if stop is not None and stop.is_set():
                        end = "interrupted"
                        break
                    if got is None:
                        end = source.end or "lost"
                        break
                    cap, found = got
                    if not math.isfinite(t0_s):
                        t0_s = cap.t_s
                    if options.max_s is not None and cap.t_s - t0_s > options.max_s:
                        end = "time limit"
                        break
                    live = analyzer.update(cap.t_s, found)
                    for s in live.sounds:
                        player.play(s)
                        track.add(cap.t_s, s)
                    msg = player.take_message()
                    if msg:
                        say(msg)
                        sound = "off"
                    frame = annotate_frame(cap.frame, live.view)
                    now = time.monotonic()
                    done_at.append(now)
                    while done_at and now - done_at[0] > FPS_WINDOW_S:
                        done_at.popleft()
                    fps = (len(done_at) - 1) / (done_at[-1] - done_at[0]) if len(done_at) > 2 else math.nan
                    status = LiveStatus(fps, latency_ms, live.cue, live.target, live.in_target_zone, sound)
                    annotate_live(frame, status)
                    if recorder is not None:
                        recorder.add(cap.t_s, frame)
                    keep_going = window.show(frame) if window is not None else True
                    latency_ms = (time.monotonic() - cap.wall_s) * 1000.0
                    stats.frames_processed += 1
                    stats.latency_ms.append(latency_ms)
                    if not keep_going:
                        end = "quit"
                        break
            except KeyboardInterrupt:
                end = "interrupted"
            stats.wall_s = time.monotonic() - wall0
    finally:
        source.stop()
        stats.frames_read = source.read
        if window is not None:
            window.close()
        if recorder is not None:
            try:
                recording = recorder.close()
            except OSError as exc:
                error = FormcheckError(f"cannot finish the recording {options.record}: {exc}")
    cues_wav = None
    if options.cues_wav:
        try:
            track.write_wav(options.cues_wav, (time_span(analyzer) if stats.frames_processed else 0.0))
            cues_wav = options.cues_wav
        except OSError as exc:
            error = error or FormcheckError(f"cannot write {options.cues_wav}: {exc.strerror or exc}")
    report = pose = None
    try:
        if stats.frames_processed:
            pose = analyzer.session_pose()
            report = analyzer.report(pose)
            report.truncated = end in ("lost", "broke off") or end.startswith("error")
    except FormcheckError as exc:
        error = error or exc
    error = error or _end_error(end, info.source, stats)
    return LiveSession(
        end, stats, report, error, track.events, pose, analyzer.reps, analyzer.rep_zones(),
        recording, cues_wav, t0_s,
    )


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
