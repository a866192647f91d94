"""The ``formcheck`` command: a thin click layer over formcheck.api.

Library errors (formcheck.errors) become a one-line message and their own exit code here, and
only here. Heavy modules are imported inside commands so ``formcheck --help`` stays fast.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from formcheck.config import EXERCISE_ALIASES, EXERCISE_FAMILIES, TARGET_ALIASES, ZONES
from formcheck.errors import FormcheckError, InvalidOption, PartialVideo
from formcheck.version import __version__


class _Progress:
    """A click progress bar on stderr, opened on the first frame."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled = enabled
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, expected: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=expected if expected > 0 else None, label=self.label, file=sys.stderr,
                show_pos=True,
            )
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _fail(exc: FormcheckError) -> None:
    click.echo(f"formcheck: error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _write(text: str, dest: str) -> None:
    if dest == "-":
        click.echo(text)
        return
    try:
        Path(dest).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise FormcheckError(f"cannot write {dest}: {exc.strerror}") from exc


model_option = click.option(
    "--model", type=click.Path(dir_okay=False), default=None,
    help="A MediaPipe pose_landmarker .task file (default: the bundled full model).",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formcheck")
def main() -> None:
    """Check hamstring training form from video: which hamstring head a set loaded, whether
    the toes biased the medial or lateral hamstrings, and whether the low back arched in RDLs."""


exercise_option = click.option(
    "--exercise", type=click.Choice(EXERCISE_FAMILIES + tuple(EXERCISE_ALIASES), case_sensitive=False),
    default=None,
    help="Movement family, if detection gets it wrong: hinge (or rdl, deadlift, good-morning), "
    "squat, or knee_flexion (or leg-curl, nordic).",
)


def _family(exercise: str | None) -> str | None:
    return None if exercise is None else EXERCISE_ALIASES.get(exercise.lower(), exercise.lower())


@main.command()
@click.argument("path", type=click.Path())
@exercise_option
@click.option("--json", "json_out", metavar="FILE", help="Write the report as JSON ('-' for stdout).")
@click.option("--csv", "csv_out", metavar="FILE", help="Write one CSV row per frame.")
@click.option("--save-pose", metavar="FILE", help="Also save the tracked pose (.pose.npz) for re-analysis.")
@click.option("--video", "video_out", metavar="OUT.mp4",
              help="Also write the set with the measures drawn on it (needs the video, not a pose file).")
@click.option("--report", "report_out", metavar="OUT.html",
              help="Also write a one-file HTML report to open anywhere or send to a coach.")
@model_option
@quiet_option
def analyze(
    path: str, exercise: str | None, json_out: str | None, csv_out: str | None,
    save_pose: str | None, video_out: str | None, report_out: str | None, model: str | None,
    quiet: bool,
) -> None:
    """Analyse a recorded set (a video, or a .pose.npz saved by `formcheck pose`)."""
    from formcheck.api import analyze_with_pose
    from formcheck.io.landmarks import is_pose_file

    exercise = _family(exercise)
    progress = _Progress(not quiet, "pose")
    try:
        if video_out and is_pose_file(path):
            raise InvalidOption(
                f"--video draws on the original video, and {path} is a pose file: give the video"
            )
        for dest in (json_out, csv_out, save_pose, video_out, report_out):
            _check_folder(dest)  # before the pose model runs, not after
        try:
            report, pose = analyze_with_pose(path, exercise=exercise, model=model, progress=progress)
        finally:
            progress.close()
        if save_pose:
            from formcheck.io.landmarks import save_pose as _save

            _save(pose, _check_suffix(save_pose))
        _emit(report, json_out, csv_out, quiet or report_out == "-")  # stdout: the page alone
        _visual_outputs(path, pose, report, video_out, report_out, quiet)
        if report.truncated:
            raise PartialVideo(
                f"{path} was not read to the end; the report covers the {report.n_frames} frames "
                "measured"
            )
    except FormcheckError as exc:
        _fail(exc)


def _visual_outputs(
    path: str, pose, report, video_out: str | None, report_out: str | None, quiet: bool  # noqa: ANN001
) -> None:
    """The HTML report and the annotated video (a second pass over the frames). With both, the
    page is written first without stills, so an interrupted video loses nothing else, and then
    again with the annotated frames the video's pass took at the flagged moments."""
    from formcheck.api import html_report, still_times_s, write_annotated_video

    to_stdout = report_out == "-"
    if report_out and not (video_out and to_stdout):  # stdout gets the page once, at the end
        _write(html_report(report, video=None if video_out else path), report_out)
    if video_out:
        stills = dict.fromkeys(still_times_s(report), b"") if report_out else None
        progress = _Progress(not quiet, "video")
        try:
            result = write_annotated_video(path, pose, report, video_out, progress=progress, stills=stills)
        finally:
            progress.close()
        if result.warning:
            click.echo(f"warning: {result.warning}", err=True)
        if not quiet:
            click.echo(f"annotated video written to {result.path} ({result.codec})", err=True)
        taken = {t: jpg for t, jpg in (stills or {}).items() if jpg}
        if report_out and (taken or to_stdout):
            _write(html_report(report, stills=taken), report_out)
    if report_out and not quiet and not to_stdout:
        click.echo(f"report written to {report_out}", err=True)


def _check_folder(dest: str | None) -> None:
    if dest and dest != "-" and not Path(dest).resolve().parent.is_dir():
        raise FormcheckError(f"cannot write {dest}: the folder {Path(dest).parent} does not exist")


def _check_suffix(dest: str) -> str:
    from formcheck.io.landmarks import SUFFIX

    if not dest.endswith(SUFFIX):
        raise FormcheckError(f"pose files must end in {SUFFIX}: {dest}")
    return dest


def _emit(report, json_out: str | None, csv_out: str | None, quiet: bool) -> None:  # noqa: ANN001
    from formcheck.report.csv_report import to_csv
    from formcheck.report.json_report import to_json
    from formcheck.report.text_report import to_text

    if json_out:
        _write(to_json(report), json_out)
    if csv_out:
        _write(to_csv(report), csv_out)
    if not quiet and json_out != "-" and csv_out != "-":
        click.echo(to_text(report))


@main.command()
@click.option("--camera", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which camera to use (0 is the default one).")
@click.option("--source", metavar="FILE",
              help="Play a video file at its real pace as if it were the camera (frames the "
              "analysis cannot keep up with are dropped, as live).")
@click.option("--speed", type=click.FloatRange(min=0.05, max=8.0), default=1.0, show_default=True,
              help="With --source: play at this multiple of real time.")
@click.option("--target", type=click.Choice(tuple(z.head for z in ZONES) + tuple(TARGET_ALIASES),
              case_sensitive=False), default=None,
              help="The hamstring head you are training: a tone sounds as your knee enters its "
              "zone and another as it leaves, and toe cues point your toes its way.")
@exercise_option
@click.option("--mute", is_flag=True, help="No sound (cues still show on screen).")
@click.option("--headless", is_flag=True, help="No window (for machines without a display).")
@click.option("--record", "record_out", metavar="OUT.mp4", help="Record the session with the overlay.")
@click.option("--json", "json_out", metavar="FILE", help="Write the session's report as JSON ('-' for stdout).")
@click.option("--report", "report_out", metavar="OUT.html", help="Write the session's HTML report.")
@click.option("--cues-wav", metavar="OUT.wav", help="Write the session's sound cues on its timeline.")
@click.option("--save-pose", metavar="FILE", help="Save the session's pose (.pose.npz) to re-analyse.")
@click.option("--max-seconds", type=click.FloatRange(min=0.1), default=None,
              help="Stop after this many seconds.")
@model_option
@quiet_option
def live(
    camera: int, source: str | None, speed: float, target: str | None, exercise: str | None,
    mute: bool, headless: bool, record_out: str | None, json_out: str | None,
    report_out: str | None, cues_wav: str | None, save_pose: str | None,
    max_seconds: float | None, model: str | None, quiet: bool,
) -> None:
    """Feedback while you train, from a webcam (or a video played as one). Q, Esc or Ctrl-C
    ends the session; what was measured is summarised and saved."""
    from dataclasses import replace

    from formcheck.config import Config
    from formcheck.live import LiveOptions, run_live

    cfg = Config()
    if model:
        cfg = replace(cfg, pose=replace(cfg.pose, model_path=Path(model)))
    if target is not None:
        target = TARGET_ALIASES.get(target.lower(), target.lower())
    opts = LiveOptions(
        camera=camera, source=source, speed=speed, target=target, exercise=_family(exercise),
        mute=mute, headless=headless, record=record_out, cues_wav=cues_wav, max_s=max_seconds,
    )
    say = (lambda _msg: None) if quiet else (lambda msg: click.echo(msg, err=True))
    try:
        for dest in (json_out, report_out, cues_wav, save_pose, record_out):
            _check_folder(dest)
        if save_pose:
            _check_suffix(save_pose)
        if not quiet:
            what = source or f"camera {camera}"
            click.echo(f"live from {what}: Q or Esc in the window, or Ctrl-C here, to finish", err=True)
        stop = threading.Event()
        with _stop_on_signals(stop):
            session = run_live(opts, cfg, say, stop=stop)
        _save_live(session, opts, json_out, report_out, save_pose, quiet)
        if session.error:
            raise session.error
    except FormcheckError as exc:
        _fail(exc)


def _save_live(session, opts, json_out, report_out, save_pose, quiet: bool) -> None:  # noqa: ANN001
    """Everything the session asked to keep, and the summary."""
    from formcheck.report.json_report import to_json
    from formcheck.report.text_report import to_text

    report = session.report
    if not quiet:
        click.echo(session.stats.summary(), err=True)
        if session.recording is not None:
            click.echo(f"recording written to {session.recording.path} ({session.recording.codec})", err=True)
        if session.cues_wav:
            click.echo(f"sound cues written to {session.cues_wav} ({len(session.cues)} cues)", err=True)
    if report is None:
        return
    if json_out:
        _write(to_json(report), json_out)
    if report_out:
        from formcheck.api import html_report, still_times_s

        stills = None  # from --source, html_report grabs them from the file
        if not opts.source and session.recording is not None:
            from formcheck.render.thumbnails import grab_stills

            shifted = {t - session.t0_s: t for t in still_times_s(report)}
            got = grab_stills(session.recording.path, list(shifted))
            stills = {shifted[t]: jpg for t, jpg in got.items()}
        _write(html_report(report, video=opts.source, stills=stills), report_out)
        if not quiet and report_out != "-":
            click.echo(f"report written to {report_out}", err=True)
    if save_pose:
        from formcheck.io.landmarks import save_pose as _save

        _save(session.pose, save_pose)
    if not quiet and json_out != "-" and report_out != "-":
        click.echo(to_text(report))


@contextmanager
def _stop_on_signals(stop):  # noqa: ANN001, ANN202 - threading.Event
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
@click.argument("video", type=click.Path())
@click.option("--output", "-o", required=True, metavar="FILE.pose.npz", help="Where to save the pose.")
@model_option
@quiet_option
def pose(video: str, output: str, model: str | None, quiet: bool) -> None:
    """Run the pose model once and save the lifter's landmarks, for analysis without the model."""
    from dataclasses import replace

    from formcheck.api import estimate_pose
    from formcheck.config import Config
    from formcheck.io.landmarks import save_pose

    cfg = Config()
    if model:
        cfg = replace(cfg, pose=replace(cfg.pose, model_path=Path(model)))
    progress = _Progress(not quiet, "pose")
    try:
        _check_suffix(output)
        try:
            seq, truncated = estimate_pose(video, cfg, progress)
        finally:
            progress.close()
        save_pose(seq, output)
        if not quiet:
            click.echo(f"saved {len(seq)} frames ({seq.detected.mean():.0%} with the lifter) to {output}")
        if truncated:
            raise PartialVideo(f"{video} broke off early; saved the {len(seq)} frames that decoded")
    except FormcheckError as exc:
        _fail(exc)
