"""The ``formcheck`` command: a thin click layer over formcheck.api, formcheck.outputs (what is
written, checked before any work, and in which order) and formcheck.live.

Library errors (formcheck.errors) become a one-line message and their own exit code here, and
only here (``_Formcheck.invoke``). Heavy modules are imported inside commands so
``formcheck --help`` stays fast.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO, TypeVar

import click

from formcheck.config import EXERCISE_ALIASES, EXERCISE_FAMILIES, TARGET_ALIASES, ZONES, Config
from formcheck.errors import FormcheckError, Interrupted
from formcheck.version import __version__

F = TypeVar("F", bound=Callable[..., object])


class _Progress:
    """A click progress bar on stderr, opened on the first frame; a context manager that closes it.

    It writes to a copy of stderr taken when it is made, before any model loads: a landmarker
    loading in another thread points fd 2 at /dev/null for a moment (pose/mediapipe_pose.py), and
    a bar opened then took stderr for no terminal and stayed hidden for the whole pose run."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled = enabled
        self.label = label
        self.bar = None
        self.done = 0
        self.stream = _stderr_copy() if enabled else sys.stderr

    def __call__(self, done: int, expected: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=expected if expected > 0 else None, label=self.label, file=self.stream,
                show_pos=True,
            )
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.stream is not sys.stderr:
            self.stream.close()
            self.stream = sys.stderr

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stderr_copy() -> TextIO:
    """A text stream on a duplicate of stderr's file descriptor (stderr itself where it has none,
    as under click's CliRunner)."""
    try:
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", buffering=1, encoding=sys.stderr.encoding)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return sys.stderr


class _Formcheck(click.Group):
    """The one place library errors become messages: ``formcheck: error: <message>`` on stderr
    and the error's own exit code (formcheck.errors). A Ctrl-C that nothing below turned into
    errors.Interrupted (one during start-up or the model's load) says so the same way. While a
    command runs, the native libraries' log lines are kept off the terminal
    (io/native_stderr.py)."""

    def invoke(self, ctx: click.Context) -> object:
        from formcheck.io.native_stderr import native_stderr_silenced

        try:
            with native_stderr_silenced():
                try:
                    return super().invoke(ctx)
                except KeyboardInterrupt:
                    raise Interrupted(Interrupted.EARLY) from None
        except FormcheckError as exc:
            click.echo(f"formcheck: error: {exc}", err=True)
            sys.exit(exc.exit_code)


def _say(quiet: bool) -> Callable[[str], None]:
    """Status lines ("report written to ..."): on stderr, none with --quiet."""
    return (lambda _msg: None) if quiet else _stderr


def _stderr(msg: str) -> None:
    click.echo(msg, err=True)


def _warn(msg: str) -> None:
    """Warnings: on stderr, even with --quiet."""
    click.echo(f"warning: {msg}", err=True)


def _bars(quiet: bool) -> Callable[[str], _Progress]:
    """A progress bar on stderr for each pass over the frames, given its label (none with --quiet)."""
    return lambda label: _Progress(not quiet, label)


# --------------------------------------------------------------------------- shared options


def _config(_ctx: click.Context, _param: click.Parameter, model: str | None) -> Config:
    """--model as the Config the library takes."""
    cfg = Config()
    return cfg if not model else replace(cfg, pose=replace(cfg.pose, model_path=Path(model)))


def _family(_ctx: click.Context, _param: click.Parameter, exercise: str | None) -> str | None:
    """--exercise as a movement family (the names lifters use are aliases)."""
    return None if exercise is None else EXERCISE_ALIASES.get(exercise.lower(), exercise.lower())


def _head(_ctx: click.Context, _param: click.Parameter, target: str | None) -> str | None:
    """--target as a hamstring head (config.ZONES' heads, or an alias)."""
    return None if target is None else TARGET_ALIASES.get(target.lower(), target.lower())


model_option = click.option(
    "--model", "config", type=click.Path(readable=False), default=None, callback=_config,
    help="A MediaPipe pose_landmarker .task file (default: the bundled full model).",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
exercise_option = click.option(
    "--exercise", type=click.Choice(EXERCISE_FAMILIES + tuple(EXERCISE_ALIASES), case_sensitive=False),
    default=None, callback=_family,
    help="Movement family, if detection gets it wrong: hinge (or rdl, deadlift, good-morning), "
    "squat, or knee_flexion (or leg-curl, nordic).",
)


def json_option(whose: str) -> Callable[[F], F]:
    """--json FILE ('-': stdout), the report of ``whose``."""
    return click.option("--json", "json_out", metavar="FILE", help=f"Write {whose} report as JSON ('-' for stdout).")


def report_option(help_text: str) -> Callable[[F], F]:
    """--report OUT.html, the one-file HTML page ('-': stdout)."""
    return click.option("--report", "report_out", metavar="OUT.html", help=help_text)


def save_pose_option(help_text: str) -> Callable[[F], F]:
    """--save-pose FILE, a .pose.npz to re-analyse without the model."""
    return click.option("--save-pose", metavar="FILE", help=help_text)


# --------------------------------------------------------------------------- the commands


@click.group(cls=_Formcheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formcheck")
def main() -> None:
    """Check hamstring training form from video: which hamstring head a set loaded, whether
    the toes biased the medial or lateral hamstrings, and whether the low back arched in RDLs."""


@main.command()
@click.argument("path", type=click.Path(readable=False))
@exercise_option
@json_option("the")
@click.option("--csv", "csv_out", metavar="FILE", help="Write one CSV row per frame.")
@save_pose_option("Also save the tracked pose (.pose.npz) for re-analysis.")
@click.option("--video", "video_out", metavar="OUT.mp4",
              help="Also write the set with the measures drawn on it (needs the video, not a pose file).")
@report_option("Also write a one-file HTML report to open anywhere or send to a coach.")
@model_option
@quiet_option
def analyze(
    path: str, exercise: str | None, json_out: str | None, csv_out: str | None,
    save_pose: str | None, video_out: str | None, report_out: str | None, config: Config,
    quiet: bool,
) -> None:
    """Analyse a recorded set (a video, or a .pose.npz saved by `formcheck pose`)."""
    from formcheck.api import analyze_with_pose
    from formcheck.outputs import Outputs, write_outputs

    outputs = Outputs(
        json=json_out, csv=csv_out, report=report_out, video=video_out, pose=save_pose, summary=not quiet
    )
    outputs.check(path)  # before the pose model runs, not after
    with _Progress(not quiet, "pose") as progress:  # SIGTERM interrupts it as Ctrl-C does (entry.py)
        report, pose = analyze_with_pose(path, exercise=exercise, config=config, progress=progress)
    write_outputs(
        report, pose, path, outputs, config=config, progress=_bars(quiet), say=_say(quiet), warn=_warn,
        out=click.echo,
    )


@main.command()
@click.option("--camera", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which camera to use (0 is the default one).")
@click.option("--source", metavar="FILE",
              help="Play a video file at its real pace as if it were the camera (frames the "
              "analysis cannot keep up with are dropped, as live).")
@click.option("--speed", type=click.FloatRange(min=0.05, max=8.0), default=1.0, show_default=True,
              help="With --source: play at this multiple of real time.")
@click.option("--target", type=click.Choice(tuple(z.head for z in ZONES) + tuple(TARGET_ALIASES),
              case_sensitive=False), default=None, callback=_head,
              help="The hamstring head you are training: a tone sounds as your knee enters its "
              "zone and another as it leaves, and toe cues point your toes its way.")
@exercise_option
@click.option("--mute", is_flag=True, help="No sound (cues still show on screen).")
@click.option("--headless", is_flag=True, help="No window (for machines without a display).")
@click.option("--record", "record_out", metavar="OUT.mp4", help="Record the session with the overlay.")
@json_option("the session's")
@report_option("Write the session's HTML report.")
@click.option("--cues-wav", metavar="OUT.wav", help="Write the session's sound cues on its timeline.")
@save_pose_option("Save the session's pose (.pose.npz) to re-analyse.")
@click.option("--max-seconds", type=click.FloatRange(min=0.1), default=None,
              help="Stop after this many seconds.")
@model_option
@quiet_option
def live(
    camera: int, source: str | None, speed: float, target: str | None, exercise: str | None,
    mute: bool, headless: bool, record_out: str | None, json_out: str | None,
    report_out: str | None, cues_wav: str | None, save_pose: str | None,
    max_seconds: float | None, config: Config, quiet: bool,
) -> None:
    """Feedback while you train, from a webcam (or a video played as one). Q, Esc or Ctrl-C
    ends the session; what was measured is summarised and saved."""
    from formcheck.live import LiveOptions, run_live
    from formcheck.outputs import Outputs, save_session

    outputs = Outputs(
        json=json_out, report=report_out, video=record_out, pose=save_pose, cues_wav=cues_wav, summary=not quiet
    )
    opts = LiveOptions(
        camera=camera, source=source, speed=speed, target=target, exercise=exercise, mute=mute,
        headless=headless, record=outputs.video, cues_wav=outputs.cues_wav, max_s=max_seconds,
    )
    outputs.check()
    say = _say(quiet)
    say(f"live from {source or f'camera {camera}'}: Q or Esc in the window, or Ctrl-C here, to finish")
    stop = threading.Event()
    with _stop_on_signals(stop):
        session = run_live(opts, config, say, stop=stop)
    save_session(session, outputs, say=say, out=click.echo)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C and SIGTERM (a service manager, `kill`) end a live session at the loop's next safe
    point, saved, not lost: the handler only sets ``stop`` (an exception raised inside a lock
    wait could leave the landmarker threads locked out). A second Ctrl-C interrupts at once."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):  # noqa: ANN001, ANN202, ARG001
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(readable=False))
@click.option("--out", "out_dir", required=True, metavar="DIR",
              help="The batch's folder: results database, each set's JSON and page, the dashboard (index.html).")
@exercise_option
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default="0: sized to the machine",
              help="Worker processes of the local pool.")
@click.option("--engine", type=click.Choice(("pool", "ray")), default="pool", show_default=True,
              help="pool: worker processes on this machine; ray: Ray tasks on a Ray cluster (formcheck[ray]).")
@click.option("--address", metavar="ADDR", help="With --engine ray: the cluster (default $RAY_ADDRESS, else a "
              "local Ray started for the batch).")
@click.option("--send-videos", is_flag=True, help="With --engine ray: send each video's bytes to its task "
              "(for workers that cannot see the folder).")
@click.option("--retry-failed", is_flag=True, help="Analyse again the sets an earlier run could not.")
@click.option("--csv", "csv_out", metavar="FILE", help="Also write one row per set as CSV ('-' for stdout); "
              "with no INPUTS, just export DIR's results.")
@model_option
@quiet_option
def batch(
    inputs: tuple[str, ...], out_dir: str, exercise: str | None, workers: int, engine: str, address: str | None,
    send_videos: bool, retry_failed: bool, csv_out: str | None, config: Config, quiet: bool,
) -> None:
    """Analyse many sets into one folder: INPUTS are videos, folders (a sub-folder per lifter),
    globs, or CSV files listing videos (columns path, lifter, date, exercise, notes). Each set
    is analysed once: a rerun skips what is done and redoes what changed, and picks up where a
    stopped batch left off."""
    from formcheck.batching.run import batch as run_batch
    from formcheck.batching.run import export_csv
    from formcheck.errors import SetsFailed

    if not inputs and not csv_out:
        raise click.UsageError("give the videos or folders to analyse (or --csv FILE to export DIR's results)")
    model = config.pose.model_path
    result = None
    if inputs:
        with _BatchBar(not quiet) as bar:
            result = run_batch(inputs, out_dir, engine=engine, workers=workers, address=address,
                               send_videos=send_videos, exercise=exercise, model=model, retry_failed=retry_failed,
                               progress=bar, say=_say(quiet))
    if csv_out:
        from formcheck.outputs import write_text

        write_text(export_csv(out_dir), csv_out, click.echo)
    if result is None:
        return
    _say(quiet)(result.summary())
    if result.interrupted:
        left = result.inputs - result.skipped - len(result.analysed) - len(result.failed) - len(result.duplicates)
        raise Interrupted(
            f"interrupted: {len(result.analysed)} set(s) analysed and {len(result.failed)} failed in this run, "
            f"{left} left; everything finished is recorded in {result.database}: run the same command to go on"
        )
    if result.failures:
        raise SetsFailed(
            f"{result.failures} of {result.inputs} set(s) could not be analysed: their messages are in the "
            f"dashboard ({result.dashboard}) and the errors table of {result.database}"
        )


class _BatchBar:
    """A progress bar over a batch's sets on stderr: sets done of those to run, failures, ETA."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.done = 0
        self.stream = _stderr_copy() if enabled else sys.stderr

    def __call__(self, state: object) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=max(state.total, 1), label="sets", file=self.stream, show_pos=True, show_eta=True,
                item_show_func=lambda s: None if s is None else f"{s.failed} failed, last: {s.last}",
            )
            self.bar.__enter__()
        self.bar.update(state.done - self.done, current_item=state if state.done else None)
        self.done = state.done

    def __enter__(self) -> _BatchBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        if self.stream is not sys.stderr:
            self.stream.close()


@main.command()
@click.argument("video", type=click.Path(readable=False))
@click.option("--output", "-o", required=True, metavar="FILE.pose.npz", help="Where to save the pose.")
@model_option
@quiet_option
def pose(video: str, output: str, config: Config, quiet: bool) -> None:
    """Run the pose model once and save the lifter's landmarks, for analysis without the model."""
    from formcheck.api import pose_video
    from formcheck.outputs import Outputs, write_pose_outputs

    outputs = Outputs(pose=output, summary=not quiet)
    outputs.check()
    with _Progress(not quiet, "pose") as progress:
        run = pose_video(video, config, progress)
    write_pose_outputs(run.pose, video, outputs, truncated=run.ended_early, interrupted=run.interrupted,
                       out=click.echo)
