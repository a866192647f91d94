"""One job run where the engine puts it (a pool process, a Ray task): analyse one set, return its
report as JSON text and its HTML page, or the error ``formcheck analyze`` would have ended with.

Nothing here writes results: the batch's one writer (formcheck.batching.run) records what comes back,
so a worker killed mid-job leaves nothing behind. The same job gives the same text in any process.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.batching.jobs import Job
from formcheck.config import Config
from formcheck.errors import FormcheckError


@dataclass(frozen=True)
class JobResult:
    """What a job gave: the report and page, or the error; and what it cost (timings differ
    from run to run, nothing else does)."""

    key: str
    report_json: str = ""  # formcheck.report JSON ("" on error)
    page_html: str = ""  # the set's one-file HTML page
    exit_code: int = 0  # 0; 7 for a video that broke off (the report covers what decoded); else the error's
    error_kind: str = ""  # the formcheck.errors class name; "" when it analysed
    message: str = ""  # the error, or the warning with exit code 7
    seconds: float = 0.0  # wall time of the job
    peak_rss_mb: float = 0.0  # the worker process's peak memory so far
    worker: str = ""  # host:pid that ran it

    @property
    def ok(self) -> bool:
        """The set was analysed (exit code 0, or 7 with a report of what decoded)."""
        return bool(self.report_json)


def run_job(job: Job, video_bytes: bytes | None = None, config: Config | None = None) -> JobResult:
    """Analyse ``job``'s set and draw its page. With ``video_bytes`` (a Ray worker that cannot see
    the file) the bytes are analysed from a temporary file; the report still names ``job.path``."""
    t0 = time.perf_counter()
    path = job.path
    try:
        with _local_copy(job, video_bytes) as path:
            report_json, page_html, code, message = _analyse(job, path, config or Config())
        kind = "PartialVideo" if code else ""
    except FormcheckError as exc:  # said of the job's own path, wherever its bytes were read from
        report_json, page_html, code, kind = "", "", exc.exit_code, type(exc).__name__
        message = str(exc).replace(path, job.path)
    except MemoryError:
        report_json, page_html, code, kind, message = "", "", 1, "MemoryError", "ran out of memory"
    except Exception as exc:  # noqa: BLE001 - a bug on one video must not stop the batch: recorded with its type
        report_json, page_html, code = "", "", 1
        kind, message = "InternalError", f"formcheck failed on this video ({type(exc).__name__}: {exc})"
    return JobResult(
        job.key, report_json, page_html, code, kind, message, time.perf_counter() - t0, peak_rss_mb(),
        f"{os.uname().nodename}:{os.getpid()}",
    )


def _analyse(job: Job, path: str, cfg: Config) -> tuple[str, str, int, str]:
    """(report JSON, page, exit code, warning) for the set at ``path``."""
    from formcheck.api import analyze_with_pose
    from formcheck.errors import PartialVideo
    from formcheck.outputs import html_report
    from formcheck.report.json_report import to_json

    if job.options.model_path:
        cfg = replace(cfg, pose=replace(cfg.pose, model_path=Path(job.options.model_path)))
    report, _pose = analyze_with_pose(path, exercise=job.exercise, config=cfg)
    stills_from = path  # grabbed before the report is renamed to the set's own path
    report.source = job.path
    page = html_report(report, video=stills_from)
    if report.truncated:
        warning = PartialVideo(f"{job.name} broke off early; the report covers the {report.n_frames} frames decoded")
        return to_json(report), page, warning.exit_code, str(warning)
    return to_json(report), page, 0, ""


@contextlib.contextmanager
def _local_copy(job: Job, video_bytes: bytes | None):  # noqa: ANN202 - a context manager of a path
    """The path to analyse: the job's own, or a temporary file holding ``video_bytes``."""
    if video_bytes is None:
        yield job.path
        return
    suffix = "".join(Path(job.name).suffixes[-2:]) if job.name.endswith(".pose.npz") else Path(job.name).suffix
    fd, tmp = tempfile.mkstemp(prefix="formcheck-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(video_bytes)
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024
