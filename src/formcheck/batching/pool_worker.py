"""A local pool's worker process (batch/engines.py: LocalPool), run as
``python -m formcheck.batching.pool_worker JOBS_FD RESULTS_FD BATCH_PID``: the Config, then jobs,
arrive as pickles on one pipe; each job's JobResult goes back on the other, until the pipe closes
or the batch process is gone."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection


def main(job_fd: int, result_fd: int, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the batch decides
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    from formcheck.batching.worker import run_job
    from formcheck.io.native_stderr import native_stderr_silenced

    jobs, results = Connection(job_fd, writable=False), Connection(result_fd, readable=False)
    with native_stderr_silenced():
        try:
            config = jobs.recv()
            while (job := jobs.recv()) is not None:
                results.send(run_job(job, config=config))
        except (EOFError, OSError):
            return


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker at once when the batch process is gone (kill -9 leaves it orphaned)."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    main(*map(int, sys.argv[1:4]))
