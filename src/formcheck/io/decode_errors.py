"""Frames FFmpeg decoded with errors concealed: damage no failed read shows.

A flipped byte inside an H.264 frame rarely makes the read fail. The decoder conceals the broken
macroblocks (copies them from the last frame, or guesses them) and hands the frame over glitched;
every frame predicted from it carries the glitch on until the next keyframe. On 30 one-byte-flip
copies of deadlift_side_02, no read failed and 2 counted 3 reps instead of 2. The one sign FFmpeg
gives is an INFO line, "concealing N DC, N AC, N MV errors in P frame", logged as the frame is
decoded (its ERROR lines, "error while decoding MB", came for 9 of the 30 only).

OpenCV neither exposes that line nor lets FFmpeg's log through at INFO level, so this module puts
a callback on the ``libavutil`` OpenCV loaded (``av_log_set_callback``, through ctypes, after
OpenCV's FFmpeg set its own logging up on the first open). The callback counts "concealing" lines
per Python thread, and a file is decoded in the reading thread (one decoder thread,
``capture_params``), so the lines of two files read side by side (pose/runner.py) never mix and
a line falls on the read that returned the concealed frame. Every message is handed on to FFmpeg's
default callback, which prints what it printed before (errors, on stderr). Where that library
cannot be found (a build with FFmpeg linked in statically, or on Windows), nothing is installed,
decoding keeps its threads and concealed frames go unseen.

``Glitches`` turns the concealed frames of one file into ``DamagedSpan``s with no frame lost
(``frames`` 0): from the last clean frame before the first concealed one to the next keyframe
(``CAP_PROP_FRAME_TYPE`` 'I'), the frames in between showing the glitch, or to the file's last
frame. A clean frame before that keyframe does not end it: it was predicted from the glitched one.
"""

from __future__ import annotations

import _thread
import atexit
import ctypes
import glob
import os
import signal
import sys
import threading
from collections.abc import Sequence

import cv2

from formcheck.types import DamagedSpan

KEY_FRAME_TYPE = ord("I")  # CAP_PROP_FRAME_TYPE of an intra frame, where a glitch ends
_CONCEAL = b"concealing"
_LOG_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

_counts = threading.local()  # .n: "concealing" lines since this thread's last start()
_lock = threading.Lock()
_lib: ctypes.CDLL | None | bool = False  # False: not looked for yet
_installed = False


def _find_libavutil() -> str | None:
    """The path of the libavutil OpenCV uses, already loaded in this process, or None."""
    cv2_dir = os.path.dirname(os.path.dirname(os.path.abspath(cv2.__file__)))
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                paths = {line.split(None, 5)[-1].strip() for line in f if "libavutil" in line}
        except OSError:
            return None
        paths = {p for p in paths if os.path.basename(p).startswith("libavutil")}
        ours = sorted(p for p in paths if p.startswith(cv2_dir))  # the wheel's own, not a system one
        return (ours or sorted(paths) or [None])[0]
    if sys.platform == "darwin":
        found = sorted(glob.glob(os.path.join(cv2_dir, "cv2", ".dylibs", "libavutil*.dylib")))
        return found[0] if found else None
    return None


def _libavutil() -> ctypes.CDLL | None:
    global _lib
    if _lib is False:
        path = _find_libavutil()
        try:
            _lib = ctypes.CDLL(path) if path else None
            if _lib is not None:
                _lib.av_log_set_callback.argtypes = [ctypes.c_void_p]
                _lib.av_log_default_callback.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p,
                                                         ctypes.c_void_p]
                _lib.av_log_get_level.restype = ctypes.c_int
        except (OSError, AttributeError):
            _lib = None
    return _lib


def available() -> bool:
    """Whether concealed frames can be seen in this process."""
    return _libavutil() is not None


def capture_params() -> list[int]:
    """``cv2.VideoCapture`` parameters for a file: one decoder thread where concealment is seen
    (the frames are the same; 1080p H.264 decodes about as fast on the 2 cores measured)."""
    return [cv2.CAP_PROP_N_THREADS, 1] if available() else []


@_LOG_CB
def _on_log(avcl: int | None, level: int, fmt: bytes | None, args: int | None) -> None:
    if fmt is not None and fmt.startswith(_CONCEAL):
        _counts.n = getattr(_counts, "n", 0) + 1
    lib = _lib
    if lib and level <= lib.av_log_get_level():  # FFmpeg's default callback filters the same way
        lib.av_log_default_callback(avcl, level, fmt, args)


def _redeliver_interrupts(unraisable) -> None:  # noqa: ANN001 - sys.UnraisableHookArgs
    """ctypes hands an exception raised in a callback to sys.unraisablehook, which prints and
    drops it: a Ctrl-C (or a SIGTERM the CLI takes as one) that lands while FFmpeg logs, even on
    the callback's first line, was lost and the run went on to exit 0. Deliver it again, to run
    once the callback returns; anything else goes to the hook that was there before."""
    if unraisable.exc_type is KeyboardInterrupt:
        for sig in (signal.SIGINT, signal.SIGTERM):
            if callable(signal.getsignal(sig)):
                _thread.interrupt_main(sig)
                return
    _previous_hook(unraisable)


_previous_hook = sys.unraisablehook
sys.unraisablehook = _redeliver_interrupts


def _uninstall() -> None:
    """FFmpeg's own callback back, before the interpreter frees ours (registered with atexit)."""
    lib = _libavutil()
    if lib is not None:
        lib.av_log_set_callback(ctypes.cast(lib.av_log_default_callback, ctypes.c_void_p))


def install() -> bool:
    """Count "concealing" lines from now on (once per process; call it after OpenCV opened a file,
    which sets FFmpeg's logging up the first time). Returns whether they are counted."""
    global _installed
    with _lock:
        lib = _libavutil()
        if lib is not None and not _installed:
            lib.av_log_set_callback(ctypes.cast(_on_log, ctypes.c_void_p))
            atexit.register(_uninstall)
            _installed = True
        return _installed


def start() -> None:
    """Count this thread's concealed frames from zero."""
    _counts.n = 0


def concealed() -> int:
    """"concealing" lines in this thread since ``start()``."""
    return getattr(_counts, "n", 0)


class Glitches:
    """The concealed frames of one file, as spans (module docstring). ``decoded`` is told about
    frame ``j`` as it is decoded (frames are delivered in decoding order, so j is the index it is
    delivered at), ``stamp`` as it is delivered at time ``t_s``."""

    def __init__(self) -> None:
        self.spans: list[DamagedSpan] = []
        self._concealed: set[int] = set()  # decoded, not yet delivered
        self._keys: set[int] = set()
        self._open_s: float | None = None  # start of the span the frames delivered are in
        self._last: tuple[int, float] = (-1, 0.0)  # the last frame delivered: index, t_s

    def decoded(self, j: int, n_concealed: int, frame_type: float) -> None:
        if n_concealed:
            self._concealed.add(j)
        if frame_type == KEY_FRAME_TYPE:
            self._keys.add(j)

    def stamp(self, k: int, prev_s: float, t_s: float) -> None:
        key = k in self._keys
        self._keys.discard(k)
        if k in self._concealed:
            self._concealed.discard(k)
            if self._open_s is None:
                self._open_s = prev_s if k > 0 else min(0.0, t_s)
        elif key and self._open_s is not None:
            self.spans.append(DamagedSpan(self._open_s, t_s, 0, k))
            self._open_s = None
        self._last = (k, t_s)

    def all_spans(self) -> list[DamagedSpan]:
        """The spans so far; one still open ends at the last frame delivered."""
        k, t_s = self._last
        if self._open_s is None or k < 0:
            return list(self.spans)
        return [*self.spans, DamagedSpan(self._open_s, t_s, 0, k)]


def add_lost(spans: list[DamagedSpan], k: int, prev_s: float, t_s: float, lost: int) -> None:
    """Record ``lost`` frames before frame ``k`` (delivered at ``t_s``, the one before it at
    ``prev_s``) in ``spans``; one frame decoded between two spans makes them one."""
    last = spans[-1] if spans else None
    if last is not None and last.end_s == prev_s:
        spans[-1] = DamagedSpan(last.start_s, t_s, last.frames + lost, k)
    else:
        spans.append(DamagedSpan(prev_s if k > 0 else min(0.0, t_s), t_s, lost, k))


def merged(lost: Sequence[DamagedSpan], glitched: Sequence[DamagedSpan]) -> list[DamagedSpan]:
    """Both kinds of span in time order, overlapping ones made one (frames lost added up)."""
    if not glitched:
        return list(lost)
    out: list[DamagedSpan] = []
    for d in sorted([*lost, *glitched], key=lambda d: (d.start_s, d.end_s)):
        last = out[-1] if out else None
        if last is not None and d.start_s <= last.end_s:
            later = d if d.end_s > last.end_s else last
            out[-1] = DamagedSpan(last.start_s, later.end_s, last.frames + d.frames, later.i_next)
        else:
            out.append(d)
    return out
