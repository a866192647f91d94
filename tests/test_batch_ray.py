"""`formcheck batch --engine ray` on a real local Ray cluster: a head node and a worker node started
with `ray start` on 127.0.0.1 (no mock). The same sets give the same database rows (timings
aside), the same JSON reports and pages, and the same dashboard as the local pool, with the
videos read from their shared path or sent as bytes.

The test cluster runs without Ray's token authentication (RAY_AUTH_MODE=disabled, for its nodes
and this driver only): a driver started by a test does not find the token `ray start` made.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import formcheck
from test_batch import DATA, VIDEO, count, make_sets, rows

ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[test]' brings it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A head node and one worker node, one CPU each, on 127.0.0.1; stopped after the module."""
    exe = str(Path(sys.executable).with_name("ray"))
    port = _free_port()
    address = f"127.0.0.1:{port}"
    tmp = tmp_path_factory.mktemp("ray")
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    old_auth = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"  # this driver's, and the probes'

    common = ["--block", "--num-cpus=1", "--disable-usage-stats"]
    logs = [open(tmp / "head.log", "w"), open(tmp / "worker.log", "w")]  # noqa: SIM115 - closed below
    head = subprocess.Popen([exe, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1",
                             "--include-dashboard=false", *common], stdout=logs[0], stderr=subprocess.STDOUT, env=env)
    nodes = [head]
    try:
        _wait_for_cpus(address, 1, head, tmp / "head.log")
        nodes.append(subprocess.Popen([exe, "start", f"--address={address}", "--node-ip-address=127.0.0.1", *common],
                                      stdout=logs[1], stderr=subprocess.STDOUT, env=env))
        _wait_for_cpus(address, 2, nodes[1], tmp / "worker.log")
        yield address
    finally:
        for node in reversed(nodes):
            node.terminate()
        for node in nodes:
            try:
                node.wait(timeout=60)
            except subprocess.TimeoutExpired:
                node.kill()
        for f in logs:
            f.close()
        if old_auth is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = old_auth


def _wait_for_cpus(address: str, cpus: int, proc: subprocess.Popen, log: Path, timeout_s: float = 120) -> None:
    """Until the cluster at ``address`` has ``cpus`` CPUs (asked from a separate driver process)."""
    probe = ("import ray, sys; ray.init(address=sys.argv[1], logging_level='error', configure_logging=False); "
             "print(int(ray.cluster_resources().get('CPU', 0)))")
    t_end = time.monotonic() + timeout_s
    while time.monotonic() < t_end:
        assert proc.poll() is None, f"ray start exited: {log.read_text()[-2000:]}"
        got = subprocess.run([sys.executable, "-c", probe, address], capture_output=True, text=True, timeout=120)
        if got.returncode == 0 and got.stdout.strip().splitlines()[-1:] == [str(cpus)]:
            return
        time.sleep(1)
    raise AssertionError(f"the Ray cluster at {address} did not reach {cpus} CPUs: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sets")
    make_sets(folder, 3, broken=1)
    shutil.copy(VIDEO, folder / "2026-11-04-rdl.mp4")
    return folder


@pytest.fixture(scope="module")
def pool_out(sets: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pool")
    res = formcheck.batch([sets / "*"], out, workers=2)
    assert len(res.analysed) == 4 and len(res.failed) == 1
    return out


def _same_outputs(a: Path, b: Path) -> None:
    for table in ("sets", "reps", "zones", "faults", "errors"):
        assert rows(a / "formcheck.db", table) == rows(b / "formcheck.db", table), table
    files_a = sorted(p.name for p in (a / "sets").iterdir())
    assert files_a == sorted(p.name for p in (b / "sets").iterdir()) and len(files_a) == 8
    for name in files_a:
        assert (a / "sets" / name).read_bytes() == (b / "sets" / name).read_bytes(), name
    assert (a / "index.html").read_bytes() == (b / "index.html").read_bytes()


@pytest.mark.parametrize("send_videos", [False, True], ids=["shared-path", "bytes-sent"])
def test_ray_on_a_local_cluster_matches_the_pool(cluster: str, sets: Path, pool_out: Path, tmp_path: Path,
                                                 send_videos: bool) -> None:
    res = formcheck.batch([sets / "*"], tmp_path, engine="ray", address=cluster, send_videos=send_videos)
    assert len(res.analysed) == 4 and len(res.failed) == 1 and not res.interrupted
    _same_outputs(pool_out, tmp_path)
    workers = {w for (w,) in __import__("sqlite3").connect(tmp_path / "formcheck.db").execute(
        "select distinct worker from sets")}
    assert len(workers) >= 1 and count(tmp_path / "formcheck.db", "errors", "exit_code = 4") == 1
    assert DATA.is_dir()
