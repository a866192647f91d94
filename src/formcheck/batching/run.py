"""``formcheck.batching(...)``: analyse many sets once each into one output folder.

The folder holds the results database (batch/store.py), each set's JSON report and HTML page under
``sets/``, and the coach's dashboard (``index.html``). This process is the one writer: an engine
(batch/engines.py) runs the jobs, and each result is recorded here as it comes back: files first,
each written whole beside its name and moved over it, then the database rows in one transaction.
A batch stopped at any point (Ctrl-C, kill -9, a power cut) has recorded every set fully or not at
all, and a rerun of the same command analyses only what is not recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.batching.engines import make_engine
from formcheck.batching.inputs import SetInput, find_inputs
from formcheck.batching.jobs import Job, JobOptions, file_sha256, make_job
from formcheck.batching.store import Store, report_dict
from formcheck.batching.worker import JobResult
from formcheck.config import Config
from formcheck.errors import InputNotFound, InvalidOption
from formcheck.outputs import write_text
from formcheck.version import __version__


@dataclass
class BatchProgress:
    """How far a batch is, as the progress callback sees it after each set."""

    total: int  # sets to analyse in this run
    done: int = 0  # analysed (or failed) so far in this run
    failed: int = 0
    last: str = ""  # the set just finished
    last_ok: bool = True


@dataclass
class BatchResult:
    """What a batch run did."""

    out_dir: Path
    database: Path
    dashboard: Path
    inputs: int  # sets named (each path once)
    analysed: list[str] = field(default_factory=list)  # keys analysed in this run
    failed: list[str] = field(default_factory=list)  # keys that failed in this run
    skipped: int = 0  # already recorded: results and failures of an earlier run
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, path with the same video)
    failed_before: int = 0  # named sets recorded as failed in an earlier run (kept; --retry-failed reruns)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        """Named sets with no result: failed now or before."""
        return len(self.failed) + self.failed_before

    def summary(self) -> str:
        parts = [f"{len(self.analysed)} set(s) analysed", f"{len(self.failed)} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate(s)")
        return f"{', '.join(parts)} in {self.seconds:.0f} s; dashboard: {self.dashboard}"


Progress = Callable[[BatchProgress], None]
Say = Callable[[str], None]


def batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    engine: str = "pool",
    workers: int = 0,
    address: str | None = None,
    send_videos: bool = False,
    exercise: str | None = None,
    model: str | Path | None = None,
    retry_failed: bool = False,
    config: Config | None = None,
    progress: Progress | None = None,
    say: Say | None = None,
) -> BatchResult:
    """Analyse every set ``inputs`` name (folders, globs, files, CSV lists; formcheck.batching.inputs)
    into ``out_dir``; sets recorded by an earlier run with the same video, version and options are
    skipped. ``engine`` "pool" runs ``workers`` local processes (0: sized to the machine), "ray"
    runs Ray tasks on the cluster at ``address`` (``send_videos``: ship each video's bytes to the
    task). Ctrl-C (KeyboardInterrupt) stops it cleanly: the result says how far it got
    (``interrupted``), the dashboard covers what was recorded."""
    t0 = time.perf_counter()
    cfg = config or Config()
    say = say or (lambda _msg: None)
    items = find_inputs([str(i) for i in inputs], cfg.batch)
    if not items:
        raise InputNotFound(f"no videos found in {', '.join(map(str, inputs))}")
    out = Path(out_dir)
    _make_folder(out)
    store = Store(out / cfg.batch.db_name)
    result = BatchResult(out, store.path, out / cfg.batch.dashboard_name, len(items))
    try:
        options = _options(exercise, model)
        run_engine = make_engine(engine, workers=workers, address=address, send_bytes=send_videos, config=cfg)
        todo = _plan(items, options, store, retry_failed, result, say)
        state = BatchProgress(len(todo))
        if progress:
            progress(state)
        try:
            for job, res in run_engine.run(todo):
                _record(store, out / cfg.batch.sets_folder, job, res, result)
                state.done, state.failed = state.done + 1, len(result.failed)
                state.last, state.last_ok = job.name, res.ok
                if progress:
                    progress(state)
        except KeyboardInterrupt:
            result.interrupted = True
        write_dashboard(store, result.dashboard)
    finally:
        store.close()
    result.seconds = time.perf_counter() - t0
    return result


def _plan(items: list[SetInput], options: JobOptions, store: Store, retry_failed: bool, result: BatchResult,
          say: Say) -> list[Job]:
    """The jobs still to run; records what cannot even be read, relabels what is done."""
    recorded = store.recorded()
    seen: dict[str, str] = {}
    todo = []
    for item in items:
        try:
            job = make_job(item, options)
        except OSError as exc:
            job = _unreadable(item, options)
            store.record_error(job, JobResult(job.key, exit_code=InputNotFound.exit_code, error_kind="InputNotFound",
                                              message=f"cannot read {item.path}: {exc.strerror or exc}"))
            result.failed.append(job.key)
            continue
        if job.key in seen:
            result.duplicates.append((job.path, seen[job.key]))
            say(f"{job.path} is the same video as {seen[job.key]}: analysed once")
            continue
        seen[job.key] = job.path
        done = recorded.get(job.key)
        if done is not None and not (done.failed and retry_failed):
            if done.path == job.path:
                store.relabel(job)
            result.skipped += 1
            result.failed_before += done.failed
            continue
        todo.append(job)
    return todo


def _unreadable(item: SetInput, options: JobOptions) -> Job:
    """A job for a file that cannot be read, keyed by its path (it has no content to hash)."""
    key = hashlib.sha256(f"unreadable:{item.path}:{__version__}".encode()).hexdigest()
    return Job(key, str(item.path), item.path.name, "", item.exercise or options.exercise, options,
               item.lifter, item.date, item.date_from, item.notes)


def _record(store: Store, sets_dir: Path, job: Job, res: JobResult, result: BatchResult) -> None:
    """Record one job's result: its files, then its rows in one transaction."""
    if not res.ok:
        store.record_error(job, res)
        result.failed.append(job.key)
        return
    sets_dir.mkdir(exist_ok=True)
    stem = f"{Path(job.name).stem.removesuffix('.pose')}-{job.short}"
    json_file, page_file = f"{sets_dir.name}/{stem}.json", f"{sets_dir.name}/{stem}.html"
    write_text(res.report_json, str(sets_dir.parent / json_file), durable=True)
    write_text(res.page_html, str(sets_dir.parent / page_file), durable=True)
    stale = store.record_set(job, res, report_dict(res.report_json), json_file, page_file)
    for old in set(stale) - {json_file, page_file}:
        with contextlib.suppress(OSError):
            (sets_dir.parent / old).unlink()
    result.analysed.append(job.key)


def write_dashboard(store: Store, dest: Path) -> None:
    """The coach's dashboard, from everything the database holds."""
    from formcheck.report.html.dashboard import to_dashboard

    write_text(to_dashboard(store.summaries(), store.failures()), str(dest), durable=True)


def _options(exercise: str | None, model: str | Path | None) -> JobOptions:
    if model is None:
        return JobOptions(exercise)
    path = Path(model)
    if not path.is_file():
        raise InvalidOption(f"--model {model}: no such file")
    return JobOptions(exercise, str(path.resolve()), file_sha256(path))


def _make_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidOption(f"--out {out} is a file: give a folder for the batch's results")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidOption(f"cannot make the folder {out}: {exc.strerror or exc}") from exc


def export_csv(out_dir: str | Path, config: Config | None = None) -> str:
    """The spreadsheet of a batch folder's results (one row per set; Store.to_csv)."""
    cfg = config or Config()
    db = Path(out_dir) / cfg.batch.db_name
    if not db.is_file():
        raise InputNotFound(f"no batch results in {out_dir} (no {cfg.batch.db_name})")
    store = Store(db)
    try:
        return store.to_csv()
    finally:
        store.close()
