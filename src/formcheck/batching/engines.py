"""Where a batch's jobs run: a local pool of worker processes (the default), or Ray tasks on a Ray
cluster. Both take the same jobs and give back ``(job, JobResult)`` as each finishes; the batch's
one writer (formcheck.batching.run) records them, so the engine never changes a result.

The pool is a few worker processes, one job each at a time over a pipe, so a worker that dies
(a crash in a native library, the kernel's OOM killer) costs exactly its own job, recorded as an
error, and is replaced. Workers ignore Ctrl-C (the batch stops them) and end themselves when the
batch process is gone (kill -9), so an orphan never writes or lingers.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from formcheck.batching.jobs import Job
from formcheck.batching.worker import JobResult, run_job
from formcheck.config import Config
from formcheck.errors import InvalidOption

ENGINES = ("pool", "ray")


class Engine(Protocol):
    """Runs jobs; yields each job with its result as it finishes, in any order."""

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, JobResult]]: ...


def pool_size(workers: int = 0) -> int:
    """Worker processes for the local pool: ``workers``, or one per core. Each poses with the two
    landmarker threads a single `analyze` uses; on 2 cores two such workers ran 8 clips 1.31x as
    fast as one (bench/batch.py): one worker leaves a core idle while it decodes, analyses and
    draws each set's page."""
    if workers > 0:
        return workers
    return max(1, os.cpu_count() or 1)


def died(job: Job, how: str, seconds: float = 0.0) -> JobResult:
    """The result of a job whose worker died under it."""
    return JobResult(job.key, exit_code=1, error_kind="WorkerDied", seconds=seconds,
                     message=f"the worker analysing {job.name} {how}; the rest of the batch went on")


# ---------------------------------------------------------------------- the local pool


class LocalPool:
    """``workers`` worker processes, each posing with ``Config.pose.workers`` threads."""

    def __init__(self, workers: int = 0, config: Config | None = None) -> None:
        self.workers = pool_size(workers)
        self.config = config or Config()

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, JobResult]]:
        todo = list(reversed(jobs))
        slots: list[_Slot] = []
        try:
            for _ in range(min(self.workers, len(todo))):
                slots.append(_Slot.start(self.config))
            for slot in slots:
                slot.give(todo)
            while any(s.job is not None for s in slots):
                ready = wait([s.results for s in slots if s.job is not None])
                for k, slot in enumerate(slots):
                    if slot.job is None or slot.results not in ready:
                        continue
                    job, result = slot.collect()
                    if slot.process.poll() is not None:
                        slot.stop()
                        slots[k] = slot = _Slot.start(self.config)
                    slot.give(todo)  # the next job runs while this one's result is recorded
                    yield job, result
        finally:
            for slot in slots:
                slot.stop()


class _Slot:
    """One worker process (``python -m formcheck.batching.pool_worker``: a fresh interpreter that
    imports nothing of the caller's script) and the job it holds. Jobs and results cross two
    pipes as pickles."""

    def __init__(self, process: subprocess.Popen, jobs: Connection, results: Connection) -> None:
        self.process = process
        self.jobs = jobs
        self.results = results
        self.job: Job | None = None
        self.t0 = 0.0

    @classmethod
    def start(cls, config: Config) -> _Slot:
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "formcheck.batching.pool_worker", str(job_r), str(res_w), str(os.getpid())],
                pass_fds=(job_r, res_w), stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(job_r)
            os.close(res_w)
        slot = cls(process, Connection(job_w, readable=False), Connection(res_r, writable=False))
        slot.jobs.send(config)
        return slot

    def give(self, todo: list[Job]) -> None:
        if todo:
            self.job, self.t0 = todo.pop(), time.perf_counter()
            self.jobs.send(self.job)

    def collect(self) -> tuple[Job, JobResult]:
        job, self.job = self.job, None
        assert job is not None
        with contextlib.suppress(EOFError, OSError):
            return job, self.results.recv()
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        how = (f"was killed by signal {-code}" if code is not None and code < 0
               else f"exited with code {code}" if code is not None else "stopped answering")
        return job, died(job, how, time.perf_counter() - self.t0)

    def stop(self) -> None:
        for conn in (self.jobs, self.results):
            with contextlib.suppress(OSError):
                conn.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=3)


# ---------------------------------------------------------------------- Ray


class RayEngine:
    """The jobs as Ray tasks on the cluster at ``address`` (None: $RAY_ADDRESS, else a local Ray
    started for the batch and stopped after it). Tasks read the video from its path, which must
    be visible to every node, or with ``send_bytes`` receive its bytes from the batch process.
    At most ``in_flight`` tasks per cluster CPU are out at once, so the bytes sent stay bounded."""

    def __init__(self, address: str | None = None, send_bytes: bool = False, config: Config | None = None,
                 in_flight: int = 2) -> None:
        try:
            import ray
        except ImportError:
            raise InvalidOption(
                "--engine ray needs Ray: install formcheck with the ray extra (pip install 'formcheck[ray]')"
            ) from None
        self.ray = ray
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.send_bytes = send_bytes
        self.config = config or Config()
        self.in_flight = in_flight

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, JobResult]]:
        ray = self.ray
        started = not ray.is_initialized()
        if started:
            try:
                # "local": a new Ray of our own, never a stale one /tmp/ray/ray_current_cluster names
                ray.init(address=self.address or "local", include_dashboard=False, log_to_driver=False,
                         logging_level="error", configure_logging=False)
            except Exception as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
                raise InvalidOption(f"cannot start or reach {where}: {exc}") from exc
        task = ray.remote(num_cpus=1, max_retries=0)(run_job)
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        todo = list(reversed(jobs))
        pending: dict[object, tuple[Job, float]] = {}
        try:
            while todo or pending:
                while todo and len(pending) < cpus * self.in_flight:
                    job = todo.pop()
                    data = Path(job.path).read_bytes() if self.send_bytes else None
                    pending[task.remote(job, data, self.config)] = (job, time.perf_counter())
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    job, t0 = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except ray.exceptions.RayError as exc:
                        result = died(job, f"failed in Ray ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                                      time.perf_counter() - t0)
                    yield job, result
        finally:
            for ref in pending:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            if started:
                ray.shutdown()


def make_engine(engine: str, *, workers: int = 0, address: str | None = None, send_bytes: bool = False,
                config: Config | None = None) -> Engine:
    """The engine named ``engine`` (one of ENGINES)."""
    cfg = config or Config()
    if engine == "pool":
        if address or send_bytes:
            raise InvalidOption("--address and --send-videos are for --engine ray")
        return LocalPool(workers or cfg.batch.workers, cfg)
    if engine == "ray":
        return RayEngine(address, send_bytes, cfg, cfg.batch.in_flight_per_worker)
    raise InvalidOption(f"unknown engine {engine!r} (one of: {', '.join(ENGINES)})")

