"""formcheck makes no network call (issue 12, finding 8): MediaPipe's wheels carry a usage-log
uploader that looks up play.googleapis.com; pose/offline.py shuts it off.

The CLI runs under tests/netwatch.c (compiled here with gcc, put in with LD_PRELOAD), which logs
and refuses every name lookup through libc and, with a seccomp filter, every system call opening
a socket other than AF_UNIX, even one made by libmediapipe.so's own socket() code."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from formcheck.pose import offline

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SAMPLE = HERE.parent / "samples" / "synthetic_rdl_side.mp4"
SOCKET_SYSCALL = {"x86_64": 41, "aarch64": 198}

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.machine() not in SOCKET_SYSCALL,
    reason="the watch and the socket block use Linux seccomp on x86-64 or arm64",
)


@pytest.fixture(scope="module")
def netwatch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("needs gcc to build tests/netwatch.c")
    lib = tmp_path_factory.mktemp("netwatch") / "netwatch.so"
    subprocess.run(
        [gcc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(HERE / "netwatch.c"), "-lpthread"],
        check=True,
        capture_output=True,
    )
    return lib


def watched(netwatch: Path, log: Path, *args: str, timeout_s: float = 240) -> list[str]:
    """Run ``python args`` under the watch; the attempts it logged (the run must succeed)."""
    env = dict(os.environ, LD_PRELOAD=str(netwatch), NETWATCH_LOG=str(log))
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout_s)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = log.read_text().splitlines() if log.exists() else []
    assert any(line.startswith("watching kernel") for line in lines), "the seccomp watch did not start"
    return [line for line in lines if not line.startswith("watching")]


def short_clip(path: Path, frames: int = 60) -> Path:
    import cv2

    cap = cv2.VideoCapture(str(SAMPLE))
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), cap.get(cv2.CAP_PROP_FPS), size)
    for _ in range(frames):
        ok, frame = cap.read()
        assert ok
        out.write(frame)
    out.release()
    cap.release()
    return path


@linux_only
def test_the_watch_sees_a_lookup_and_a_raw_socket(netwatch: Path, tmp_path: Path) -> None:
    """Positive control: a libc lookup, and a socket() system call made without libc's wrapper
    (as libmediapipe.so makes them), are both logged."""
    code = textwrap.dedent(f"""
        import ctypes, socket
        try:
            socket.getaddrinfo("example.invalid", 443)
        except OSError:
            pass
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.syscall({SOCKET_SYSCALL[platform.machine()]}, socket.AF_INET6, socket.SOCK_DGRAM, 0) == -1
    """)
    seen = watched(netwatch, tmp_path / "net.log", "-c", code)
    assert any(line.startswith("getaddrinfo example.invalid") for line in seen), seen
    assert any(line.startswith(f"sys_socket kernel {int(socket.AF_INET6)} ") for line in seen), seen


@linux_only
def test_mediapipe_on_its_own_looks_up_google(netwatch: Path, tmp_path: Path) -> None:
    """What formcheck guards against, seen by the same watch: a bare landmarker, opened and closed.
    (If this fails, MediaPipe may have dropped its uploader: see pose/offline.py.)"""
    model = SRC / "formcheck" / "models" / "pose_landmarker_full.task"
    code = textwrap.dedent(f"""
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions
        opts = PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path={str(model)!r}))
        PoseLandmarker.create_from_options(opts).close()
    """)
    seen = watched(netwatch, tmp_path / "net.log", "-c", code)
    assert any(line.startswith("getaddrinfo play.googleapis.com") for line in seen), seen


@linux_only
@pytest.mark.parametrize(
    "command",
    [
        ["analyze", "{clip}", "-q", "--json", "{out}"],
        ["live", "--source", "{clip}", "--headless", "--mute", "--max-seconds", "2", "-q"],
    ],
    ids=["analyze", "live-source"],
)
def test_formcheck_looks_up_no_name_and_opens_no_socket(netwatch: Path, tmp_path: Path, command: list[str]) -> None:
    clip = short_clip(tmp_path / "clip.mp4")
    args = [a.format(clip=clip, out=tmp_path / "out.json") for a in command]
    seen = watched(netwatch, tmp_path / "net.log", "-m", "formcheck", *args)
    assert seen == [], "network attempts:\n" + "\n".join(seen)


@linux_only
def test_threads_that_open_a_landmarker_cannot_open_sockets() -> None:
    def try_socket() -> str:
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
        except PermissionError:
            return "refused"
        return "opened"

    assert offline.run_without_sockets(try_socket) == "refused"
    assert try_socket() == "opened"  # the rest of the process keeps its network


def test_uploader_settings_are_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    with offline.uploader_disabled(), offline.uploader_disabled():
        assert os.environ["https_proxy"] == offline.UPLOADER_ENV["https_proxy"]
        assert os.environ["no_proxy"] == ""
    assert os.environ["https_proxy"] == "http://proxy.example:3128"
    assert "no_proxy" not in os.environ


def test_unknown_machines_get_no_filter() -> None:
    assert offline.socket_filter("sparc64") is None
    prog = offline.socket_filter("x86_64")
    assert prog is not None and prog[-1][3] & 0xFFFF == 13  # refused with EACCES
