"""What a command writes, and in which order: the report as JSON, CSV and an HTML page, the
annotated video, the pose file, the text summary.

``Outputs`` names the files (``"-"`` puts JSON, CSV or the page on stdout); ``Outputs.check()``
finds what cannot be written before any work is done; ``write_outputs`` writes a recorded set's,
``save_session`` a live session's and ``write_pose_outputs`` a posed video's. Text files and pose
files are written beside their destination and moved over it once complete, so an interrupted
write never leaves half a file where a good one was.

The words go where the caller says: ``say`` (lines about what was done; the CLI's stderr, nothing
with --quiet), ``warn`` (always shown), ``out`` (stdout: outputs given as ``"-"`` and the summary).
Heavy imports (OpenCV) happen inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from formcheck.config import Config
from formcheck.errors import FormcheckError, Interrupted, InvalidOption, NoPersonFound, PartialVideo
from formcheck.io.landmarks import SUFFIX, is_pose_file, save_pose
from formcheck.report.csv_report import to_csv
from formcheck.report.json_report import to_json
from formcheck.report.text_report import to_text
from formcheck.types import PoseSequence, Report

if TYPE_CHECKING:
    from formcheck.io.video_writer import AnnotatedVideo
    from formcheck.live import LiveSession

Say = Callable[[str], None]
Progress = Callable[[int, int], None]  # (frames done, frames expected or -1), as in formcheck.api
ProgressBar = Callable[[str], AbstractContextManager[Progress | None]]  # label -> a bar while a pass runs

MAX_THUMBNAILS = 12  # stills embedded in one HTML report
STDOUT = "-"


def silent(_msg: str) -> None:
    """A ``say`` or ``warn`` that shows nothing."""


def write_stdout(text: str) -> None:
    """The default ``out``: a line of text on stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def no_bar(_label: str) -> AbstractContextManager[Progress | None]:
    """The default ``progress``: no progress display."""
    return nullcontext(None)


@dataclass(frozen=True)
class Outputs:
    """The files a command was asked to write (None: not wanted)."""

    json: str | None = None  # the report as JSON; "-" for stdout
    csv: str | None = None  # one row per frame; "-" for stdout
    report: str | None = None  # the one-file HTML page; "-" for stdout
    video: str | None = None  # the annotated video: drawn on a second pass by write_outputs (a
    # recorded set), recorded as it goes by formcheck.live.run_live (LiveOptions.record)
    pose: str | None = None  # the tracked pose, a .pose.npz
    cues_wav: str | None = None  # a live session's sound cues (run_live writes it: LiveOptions.cues_wav)
    summary: bool = False  # the text summary on stdout, unless an output already goes there

    @property
    def to_stdout(self) -> bool:
        """Whether the JSON, the CSV or the page goes to stdout (the summary then does not)."""
        return STDOUT in (self.json, self.csv, self.report)

    def check(self, source: str | Path | None = None) -> None:
        """Raise what would stop a write, before the pose model runs: ``video`` drawn on a pose
        file (``source``), a folder that does not exist, a pose file not named .pose.npz."""
        if self.video and source is not None and is_pose_file(source):
            raise InvalidOption(
                f"--video draws on the original video, and {source} is a pose file: give the video"
            )
        for dest in (self.json, self.csv, self.pose, self.video, self.report, self.cues_wav):
            if dest and dest != STDOUT and not Path(dest).resolve().parent.is_dir():
                raise FormcheckError(f"cannot write {dest}: the folder {Path(dest).parent} does not exist")
        if self.pose and not self.pose.endswith(SUFFIX):
            raise FormcheckError(f"pose files must end in {SUFFIX}: {self.pose}")


# --------------------------------------------------------------------------- the three commands


def write_outputs(
    report: Report, pose: PoseSequence, source: str | Path, outputs: Outputs, *,
    config: Config | None = None, progress: ProgressBar = no_bar, say: Say = silent, warn: Say = silent,
    out: Say = write_stdout,
) -> None:
    """Write a recorded set's outputs: the pose file, JSON, CSV, the summary, then the page and
    the annotated video (see :func:`_page_and_video` for their order). ``source``: the video or
    pose file analysed. After writing everything, raises Interrupted when Ctrl-C cut the pose run
    short (``report.interrupted``), PartialVideo when the video was not read to the end
    (``report.truncated``); Interrupted, naming what was written, for a Ctrl-C while writing."""
    written: list[str] = []
    try:
        if outputs.pose:
            write_pose(pose, outputs.pose)
            written.append(outputs.pose)
        if outputs.json:
            _write_text(to_json(report), outputs.json, out, written)
        if outputs.csv:
            _write_text(to_csv(report), outputs.csv, out, written)
        if outputs.summary and not outputs.to_stdout:
            out(to_text(report))
        _page_and_video(report, pose, source, outputs, config, progress, say, warn, out, written)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted while writing the outputs; {_kept(written)}") from None
    except Interrupted as exc:
        raise Interrupted(f"{exc.message}; {_kept(written)}") from None
    if outputs.report and outputs.report != STDOUT:
        say(f"report written to {outputs.report}")
    if report.interrupted:
        raise Interrupted(
            f"interrupted after {report.duration_s:.1f} s of {source} ({report.n_frames} frames); "
            f"{_kept(written, 'covering them')}"
        )
    if report.truncated:
        raise PartialVideo(
            f"{source} was not read to the end; the report covers the {report.n_frames} frames measured"
        )


def _kept(written: list[str], what: str = "") -> str:
    """What an interrupted command still wrote, in words."""
    files = list(dict.fromkeys(written))
    if not files:
        return "nothing was written"
    return f"written {what + ' ' if what else ''}before it: {', '.join(files)}"


def _page_and_video(
    report: Report, pose: PoseSequence, source: str | Path, outputs: Outputs, config: Config | None,
    progress: ProgressBar, say: Say, warn: Say, out: Say, written: list[str],
) -> None:
    """The HTML page and the annotated video (a second pass over the frames). With both, the page
    is written first without stills, so an interrupted video loses nothing else, and then again
    with the annotated frames the video's pass took at the flagged moments. On stdout the page
    comes once, at the end."""
    page, video = outputs.report, outputs.video
    if page and not (video and page == STDOUT):
        _write_text(html_report(report, video=None if video else source), page, out, written)
    if not video:
        return
    stills = dict.fromkeys(still_times_s(report), b"") if page else None
    with progress("video") as bar:
        result = write_annotated_video(source, pose, report, video, progress=bar, config=config, stills=stills)
    written.append(str(result.path))
    if result.warning:
        warn(result.warning)
    say(f"annotated video written to {result.path} ({result.codec})")
    taken = {t: jpg for t, jpg in (stills or {}).items() if jpg}
    if page and (taken or page == STDOUT):
        _write_text(html_report(report, stills=taken), page, out, written)


def save_session(session: LiveSession, outputs: Outputs, *, say: Say = silent, out: Say = write_stdout) -> None:
    """Keep what a live session measured: how the loop ran and what it wrote as it went (the
    recording, the cue track), then the JSON, the page, the pose file and the summary. Raises
    ``session.error`` after saving everything (a lost camera, a file that broke off)."""
    say(session.stats.summary())
    if session.recording is not None:
        say(f"recording written to {session.recording.path} ({session.recording.codec})")
    if session.cues_wav:
        say(f"sound cues written to {session.cues_wav} ({len(session.cues)} cues)")
    report = session.report
    if report is not None:
        if outputs.json:
            _write_text(to_json(report), outputs.json, out)
        if outputs.report:
            page = html_report(report, video=session.source, stills=_session_stills(session, report))
            _write_text(page, outputs.report, out)
            if outputs.report != STDOUT:
                say(f"report written to {outputs.report}")
        if outputs.pose and session.pose is not None:
            write_pose(session.pose, outputs.pose)
        if outputs.summary and not outputs.to_stdout:
            out(to_text(report))
    if session.error:
        raise session.error
    if report is None:
        asked = [f for f in (outputs.json, outputs.report, outputs.pose) if f and f != STDOUT]
        unwritten = f"; not written: {', '.join(asked)}" if asked else ""
        if session.end == "interrupted":
            raise Interrupted(f"stopped before the first frame was analysed{unwritten}")
        raise NoPersonFound(f"the session ended before any frame was analysed{unwritten}")


def _session_stills(session: LiveSession, report: Report) -> dict[float, bytes] | None:
    """A camera session's stills, from its recording (whose clock starts at the first frame).
    None for a --source file: html_report grabs them from the file."""
    if session.source or session.recording is None:
        return None
    from formcheck.render.thumbnails import grab_stills

    shifted = {t - session.t0_s: t for t in still_times_s(report)}
    got = grab_stills(session.recording.path, list(shifted))
    return {shifted[t]: jpg for t, jpg in got.items()}


def write_pose_outputs(
    pose: PoseSequence, source: str | Path, outputs: Outputs, *, truncated: bool = False,
    interrupted: bool = False, out: Say = write_stdout,
) -> None:
    """``formcheck pose``: the pose file, a line saying what it holds (``outputs.summary``), then
    Interrupted after saving when Ctrl-C cut the run short (``interrupted``), PartialVideo when
    the video broke off early (``truncated``)."""
    try:
        if outputs.pose:
            write_pose(pose, outputs.pose)
            if outputs.summary:
                out(f"saved {len(pose)} frames ({_share(pose.detected)} with the lifter) to {outputs.pose}")
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted while writing {outputs.pose}; it was not written") from None
    if interrupted:
        saved = f"saved the {len(pose)} frames posed before it" if outputs.pose else "nothing was written"
        raise Interrupted(f"interrupted part-way through {source}; {saved}")
    if truncated:
        raise PartialVideo(f"{source} broke off early; saved the {len(pose)} frames that decoded")


def _share(mask: np.ndarray) -> str:
    return f"{mask.mean():.0%}" if len(mask) else "0%"


# --------------------------------------------------------------------------- the writers


def still_times_s(report: Report) -> list[float]:
    """The moments the HTML report shows a still of (one per fault, at most MAX_THUMBNAILS)."""
    from formcheck.report.html.page import flagged_frame_times_s

    return flagged_frame_times_s(report)[:MAX_THUMBNAILS]


def html_report(
    report: Report, video: str | Path | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    stills: dict[float, bytes] | None = None,
) -> str:
    """The one-file HTML report. ``stills`` (time -> JPEG) are embedded; without them and given the
    source ``video``, the flagged moments are grabbed from it (a pose file has no pixels)."""
    from formcheck.report.html.page import to_html

    if stills is None and video is not None and not is_pose_file(video):
        from formcheck.render.thumbnails import grab_stills

        stills = grab_stills(video, still_times_s(report), transform)
    return to_html(report, stills)


def write_annotated_video(
    video: str | Path, pose: PoseSequence, report: Report, out: str | Path,
    progress: Progress | None = None, transform: Callable[[np.ndarray], np.ndarray] | None = None,
    config: Config | None = None, stills: dict[float, bytes] | None = None,
) -> AnnotatedVideo:
    """Write the set with the measures drawn on every frame (a second pass over the video);
    ``stills`` keyed by time are filled with the annotated frames at those times."""
    from formcheck.io.video_writer import partial_file
    from formcheck.render.annotated_video import annotate_video

    cfg = config or Config()
    try:
        return annotate_video(
            video, pose, report, out, transform=transform, progress=progress, back=cfg.back,
            stills=stills,
        )
    except OSError as exc:
        raise FormcheckError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        part = partial_file(Path(out))
        kept = f"the frames drawn so far are in {part}" if part.is_file() else f"{out} was not written"
        raise Interrupted(f"interrupted while drawing the annotated video: {kept}") from None


def write_pose(pose: PoseSequence, dest: str | Path) -> None:
    """Save ``pose`` as a .pose.npz (formcheck.io.landmarks), whole or not at all."""
    _replace(str(dest), lambda path: save_pose(pose, path))


def write_text(text: str, dest: str, out: Say = write_stdout, *, durable: bool = False) -> None:
    """``text`` to the file ``dest``, written whole, or to ``out`` for "-". ``durable``: on disk
    (fsync) before it replaces ``dest``, so a crash leaves the old file or the new, never a hole
    (the batch records a set's rows once its files are there)."""
    _write_text(text, dest, out, durable=durable)


def _write_text(text: str, dest: str, out: Say, written: list[str] | None = None, *, durable: bool = False) -> None:
    """``text`` to the file ``dest`` (ending in a newline), or to ``out`` for "-"; the file's
    name appended to ``written`` once it is there."""
    if dest == STDOUT:
        out(text)
        return
    text = text if text.endswith("\n") else text + "\n"

    def write(path: str) -> None:
        Path(path).write_text(text, encoding="utf-8")
        if durable:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    _replace(dest, write)
    if written is not None:
        written.append(dest)


def _replace(dest: str, write: Callable[[str], object]) -> None:
    """``write(path)`` to a new file beside ``dest``, moved over it once complete; in place when no
    file can be made there (a device such as /dev/stdout, a folder that is not writable)."""
    target = os.path.realpath(dest)  # through a symlink: replace the file, keep the link
    tmp = _file_beside(target)
    try:
        if tmp is None:
            write(dest)
            return
        try:
            write(tmp)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise FormcheckError(f"cannot write {dest}: {exc.strerror or exc}") from exc


def _file_beside(target: str) -> str | None:
    """A new empty file in ``target``'s folder, with the permissions a plain write would give it,
    or None when ``target`` is not a regular file or the folder takes no new files."""
    if os.path.exists(target) and not os.path.isfile(target):
        return None
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # 0o666 less the umask
    except OSError:
        return None
    if os.path.isfile(target):
        with contextlib.suppress(OSError):
            shutil.copymode(target, tmp)
    return tmp
