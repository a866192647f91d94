"""How long an MP4 or MOV file says its video is shown for, read from the file's own header.

Phones and ``ffmpeg -ss ... -c copy`` trim clips without re-encoding: the file keeps the stored
frames before the cut and an edit list tells players to skip them. The stored frame count then
overstates what is shown (deadlift_side_bad_01: 118 stored, 102 shown), so "fewer frames decoded
than stored" is no sign of a broken file. The video track's header (``tkhd``) gives the duration
as presented, edits applied: a file broke off only when decoding ends well before that.

The track's sample table (``stts``) says whether its frames are stored at one constant interval:
then a timestamp gap of several intervals between two decoded frames means frames were lost to
damage (io/video.py), where in a variable-rate file it may be the camera slowing down.

Only box headers and the sample-duration table are read (seeking past the media data), never the
media.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO


def _boxes(f: BinaryIO, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(type, payload start, box end) of the boxes between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        payload = pos + 8
        if size == 1:  # 64-bit size follows
            ext = f.read(8)
            if len(ext) < 8:
                return
            size, payload = struct.unpack(">Q", ext)[0], pos + 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < payload - pos or pos + size > end:
            return  # a damaged or cut-off header: stop here
        yield kind.decode("latin-1"), payload, pos + size
        pos += size


def _child(f: BinaryIO, start: int, end: int, kind: str) -> tuple[int, int] | None:
    return next(((a, b) for k, a, b in _boxes(f, start, end) if k == kind), None)


def _full_box_u32_or_u64(f: BinaryIO, payload: int, v0_offset: int, v1_offset: int) -> int:
    """A field stored as 32 bits in version 0 and 64 bits in version 1 of a full box."""
    f.seek(payload)
    version = f.read(1)[0]
    if version == 1:
        f.seek(payload + v1_offset)
        return struct.unpack(">Q", f.read(8))[0]
    f.seek(payload + v0_offset)
    return struct.unpack(">I", f.read(4))[0]


def video_duration_s(path: str) -> float | None:
    """Seconds the first video track is presented for (its ``tkhd`` duration, edit lists applied,
    in the ``mvhd`` timescale); None for files that are not MP4/MOV, fragmented files (duration
    0 in the header) and headers that cannot be read."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            moov = _child(f, 0, size, "moov")
            if moov is None:
                return None
            mvhd = _child(f, *moov, "mvhd")
            if mvhd is None:
                return None
            timescale = _mvhd_timescale(f, mvhd[0])
            for kind, a, b in _boxes(f, *moov):
                if kind != "trak" or not _is_video(f, a, b):
                    continue
                tkhd = _child(f, a, b, "tkhd")
                if tkhd is None or timescale <= 0:
                    return None
                # tkhd: version/flags 4, created/modified 4+4 (v0) or 8+8 (v1), track id 4,
                # reserved 4, then the duration
                duration = _full_box_u32_or_u64(f, tkhd[0], 20, 28)
                return duration / timescale if 0 < duration < 0xFFFFFFFF else None
    except (OSError, struct.error, IndexError):
        return None
    return None


def _mvhd_timescale(f: BinaryIO, payload: int) -> int:
    """mvhd: version/flags 4, created/modified 4+4 (v0) or 8+8 (v1), then the timescale."""
    f.seek(payload)
    version = f.read(1)[0]
    f.seek(payload + (20 if version == 1 else 12))
    return struct.unpack(">I", f.read(4))[0]


def _is_video(f: BinaryIO, trak_start: int, trak_end: int) -> bool:
    """Whether a track's media handler is 'vide'."""
    mdia = _child(f, trak_start, trak_end, "mdia")
    hdlr = _child(f, *mdia, "hdlr") if mdia else None
    if hdlr is None:
        return False
    f.seek(hdlr[0] + 8)  # version/flags 4, pre-defined 4, then the handler type
    return f.read(4) == b"vide"


MAX_STTS_ENTRIES = 1_000_000  # a longer duration table is not read (8 bytes an entry)


def constant_frame_s(path: str) -> float | None:
    """Seconds between frames when the first video track stores every frame at one interval (its
    ``stts`` has one sample duration, the last sample's aside); None for variable-rate tracks,
    files that are not MP4/MOV and headers that cannot be read."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            moov = _child(f, 0, f.tell(), "moov")
            if moov is None:
                return None
            for kind, a, b in _boxes(f, *moov):
                if kind == "trak" and _is_video(f, a, b):
                    return _stts_interval_s(f, a, b)
    except (OSError, struct.error, IndexError):
        return None
    return None


def _stts_interval_s(f: BinaryIO, trak_start: int, trak_end: int) -> float | None:
    """The one sample duration of a track's ``stts`` in seconds (mdhd timescale), or None."""
    mdia = _child(f, trak_start, trak_end, "mdia")
    mdhd = _child(f, *mdia, "mdhd") if mdia else None
    minf = _child(f, *mdia, "minf") if mdia else None
    stbl = _child(f, *minf, "stbl") if minf else None
    stts = _child(f, *stbl, "stts") if stbl else None
    if mdhd is None or stts is None:
        return None
    timescale = _mvhd_timescale(f, mdhd[0])  # mdhd lays out version, times and timescale alike
    f.seek(stts[0] + 4)  # version/flags
    (n,) = struct.unpack(">I", f.read(4))
    if not 0 < n <= MAX_STTS_ENTRIES or stts[0] + 8 + 8 * n > stts[1] or timescale <= 0:
        return None
    table = f.read(8 * n)
    deltas = {struct.unpack_from(">I", table, 8 * k + 4)[0] for k in range(max(1, n - 1))}
    if len(deltas) != 1:
        return None
    delta = deltas.pop()
    return delta / timescale if delta > 0 else None
