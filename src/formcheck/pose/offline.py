"""MediaPipe with its network switched off: only pose/mediapipe_pose.py uses this.

MediaPipe's PyPI wheels (0.10.30 on, 1.x) carry a usage-log uploader that no option turns off
(mediapipe issues #6291, #6306): every Tasks landmarker starts an HTTP client thread (libcurl built
into libmediapipe.so) that posts to play.googleapis.com when the landmarker closes or its buffer
fills, and loading the library opens an AF_INET socket to see whether IPv4 works. formcheck
handles people's training videos and makes no network call, so it shuts this off three ways:

1. ``GOOGLE_SANDBOX_NO_NETWORK=1`` before the library loads: MediaPipe's own switch for
   Google's network-less sandboxes; the load then opens no socket.
2. While a landmarker is open, ``https_proxy`` names a proxy scheme that curl does not know, so
   the uploader's request fails before it looks up the host: no name lookup, no connection.
   The variable is put back when the last landmarker closes.
3. On Linux (x86-64, arm64), landmarkers are created on a thread that may not open sockets of
   any kind (a seccomp filter on that thread only). Every thread MediaPipe starts from it, the
   uploader's among them, inherits the filter; the rest of the process keeps its network.

tests/test_offline.py runs ``analyze`` and ``live --source`` and checks that no name lookup is
made and no network socket opened.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

LOAD_ENV = {"GOOGLE_SANDBOX_NO_NETWORK": "1"}  # read once, when libmediapipe.so loads
# curl reads these when the uploader posts; an unknown scheme fails before any lookup
UPLOADER_ENV = {"https_proxy": "formcheck-offline://none", "no_proxy": ""}

_env_lock = threading.Lock()
_env_users = 0  # landmarkers open now
_env_saved: dict[str, str | None] = {}


def prepare_load() -> None:
    """Set what MediaPipe reads when its native library loads: call before importing mediapipe."""
    for key, value in LOAD_ENV.items():
        os.environ[key] = value


@contextlib.contextmanager
def uploader_disabled() -> Iterator[None]:
    """Point MediaPipe's usage-log uploader at nothing while a landmarker lives.

    The environment belongs to the whole process: the first landmarker in sets it, the last one
    out puts the user's values back (as pose/mediapipe_pose.py does for stderr)."""
    global _env_users
    with _env_lock:
        if _env_users == 0:
            _env_saved.clear()
            for key, value in UPLOADER_ENV.items():
                _env_saved[key] = os.environ.get(key)
                os.environ[key] = value
        _env_users += 1
    try:
        yield
    finally:
        with _env_lock:
            _env_users -= 1
            if _env_users == 0:
                for key, old in _env_saved.items():
                    if old is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = old


# seccomp: a classic-BPF program run on each system call of the filtered thread
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS: load a 32-bit word of struct seccomp_data
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_NR_OFFSET, _ARCH_OFFSET = 0, 4
# machine -> (AUDIT_ARCH_*, numbers of socket() and io_uring_setup(), which can open sockets too)
_SYSCALLS = {
    "x86_64": (0xC000003E, (41, 425)),
    "aarch64": (0xC00000B7, (198, 425)),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def socket_filter(machine: str) -> list[tuple[int, int, int, int]] | None:
    """The seccomp program refusing socket() and io_uring_setup() with EACCES on ``machine``
    (None where formcheck does not know the system call numbers)."""
    if machine not in _SYSCALLS:
        return None
    arch, numbers = _SYSCALLS[machine]
    prog = [
        (_LD_W_ABS, 0, 0, _ARCH_OFFSET),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _RET_ALLOW),  # another ABI: numbers differ; MediaPipe does not use it
        (_LD_W_ABS, 0, 0, _NR_OFFSET),
    ]
    for i, nr in enumerate(numbers):
        prog.append((_JEQ_K, len(numbers) - i, 0, nr))  # to the refusal below
    prog += [(_RET_K, 0, 0, _RET_ALLOW), (_RET_K, 0, 0, _RET_ERRNO | errno.EACCES)]
    return prog


def block_sockets_here() -> bool:
    """Stop this thread, and threads it starts from now on, from opening sockets (for good).

    False where that is not available (not Linux, an unknown CPU, a kernel without seccomp)."""
    prog = socket_filter(platform.machine()) if sys.platform.startswith("linux") else None
    if prog is None:
        return False
    insns = (_SockFilter * len(prog))(*(_SockFilter(*insn) for insn in prog))
    fprog = _SockFprog(len(prog), insns)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def run_without_sockets(make: Callable[[], T]) -> T:
    """``make()`` on a new thread that cannot open sockets where block_sockets_here can do that,
    so the native threads it starts cannot either; its result or exception comes back here."""
    out: list[T] = []
    err: list[BaseException] = []

    def target() -> None:
        block_sockets_here()
        try:
            out.append(make())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who re-raises it
            err.append(exc)

    thread = threading.Thread(target=target, name="formcheck-pose-open")
    thread.start()
    thread.join()
    if err:
        raise err[0]
    return out[0]
