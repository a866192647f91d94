"""The robustness corpus: odd but intact videos and seeded damaged copies, made with FFmpeg.

    python tools/robustness_corpus.py                  # the full corpus into ~/.cache/formcheck/robustness
    python tools/robustness_corpus.py --quick --out D  # the fast subset the tests run
    python tools/robustness_corpus.py --list           # what would be made, one line each

Everything is made from the repository's rendered sample (``samples/synthetic_rdl_side.mp4``,
3 reps) and, when the real clips are there (FORMCHECK_FOOTAGE or ../shared/footage), a few short
ones of them. FFmpeg is imageio-ffmpeg's. Encoders run single-threaded, muxers bit-exact and the
mutants from fixed seeds, so the same FFmpeg makes the same files.

* **variants** (intact files, each a format or an edit a phone or editor makes): ``-c copy`` trims
  at a keyframe and between keyframes (an MP4 edit list hides the stored frames before the cut),
  a tail cut, display-matrix rotations, variable frame rate, HEVC, VP9/WebM, MJPEG/AVI, MOV,
  10-bit, 4:4:4, 4K; and intact files whose picture loses the lifter: a black gap mid-set, the
  lifter blacked out for the end of the set, the picture sliding out of frame.
* **mutants** of intact MP4s (moov at the end and moov first, the real clips as recorded): bytes
  flipped or zeroed inside the media data (``mdat``), in the sample tables and headers of the
  ``moov`` box and in ``ftyp``, and the file truncated.

Every file has a record in ``corpus.json``: whether it is intact, the reps it should count when
known, the frames a player shows (intact files), and how it was made. A corpus already made with
the same version, profile and FFmpeg is reused. Never written inside the repository.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CORPUS_VERSION = 4
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "synthetic_rdl_side.mp4"
SAMPLE_REPS = 3
FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))
DEFAULT_OUT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "formcheck" / "robustness"
SEED = 12  # the number; every mutant's own seed derives from it and its name

SYNTH_FPS = 15  # the rendered sample is re-encoded at 15 fps: half the frames to pose
QUICK_FPS, QUICK_S = 10, 3  # the quick profile's base: its first 3 s at 10 fps (30 frames)
FOOTAGE_VARIANT_CLIP = "deadlift_side_02.mp4"  # 2 reps, 11.6 s, a real encoder's GOP
FOOTAGE_MUTANT_CLIPS = ("deadlift_side_bad_01.mp4", "deadlift_side_bad_02.mp4", "deadlift_side_good_02.mp4")
TABLE_ORDER = ("stsz", "stco", "co64", "stts", "stss", "ctts", "stsc", "elst", "stsd", "tkhd", "mdhd", "mvhd", "hdlr")
CONTAINER_BOXES = {"moov", "trak", "mdia", "minf", "stbl", "edts", "dinf", "udta"}

X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-threads", "1"]


def x264_gop(fps: int) -> list[str]:
    """H.264 with a keyframe every second exactly (so cut points are known) and B-frames."""
    return [*X264, "-g", str(fps), "-keyint_min", str(fps), "-sc_threshold", "0", "-bf", "2"]


@dataclass
class Item:
    """One corpus file and what a good outcome on it is."""

    name: str  # file name in the corpus folder
    group: str  # "base" (an intact source of mutants), "variant" or "mutant"
    kind: str  # the variant ("trim-key", "vfr", ...) or the mutant kind ("mdat-flip", "trunc", ...)
    source: str  # the base it was made from
    how: str  # what was done, in words
    intact: bool  # every stored frame decodes: must not be called broken (exit 7)
    reps: int | None = None  # reps it should count, when known (the whole set kept)
    shown_frames: int | None = None  # frames a player shows (intact files)
    trimmed: bool = False  # cut without re-encoding: must exit 0 with every shown frame
    footage: bool = False  # made from the real clips


@dataclass
class Corpus:
    folder: Path
    items: list[Item] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # variant -> why it was not made

    def path(self, item: Item) -> Path:
        return self.folder / item.name

    def by_name(self) -> dict[str, Item]:
        return {i.name: i for i in self.items}


# --------------------------------------------------------------------------- FFmpeg


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_version() -> str:
    out = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def ff(*args: str | Path) -> None:
    """Run FFmpeg quietly, bit-exact output; raise with its message on failure."""
    cmd = [ffmpeg_exe(), "-y", "-nostdin", "-hide_banner", "-loglevel", "error", *map(str, args)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr[-2000:]}")


def bitexact(out: Path) -> list[str]:
    """Output options shared by every encode: no audio, no encoder tags, the file last."""
    return ["-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", str(out)]


def has_encoder(name: str) -> bool:
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-encoders"], capture_output=True, text=True)
    return re.search(rf"^\s*V\S*\s+{re.escape(name)}\s", run.stdout, re.M) is not None


def shown_frames(path: Path, timeout_s: float = 300.0) -> int | None:
    """Frames FFmpeg decodes and presents (edit lists and rotation applied), one CRC line each;
    None if FFmpeg takes longer than ``timeout_s``."""
    try:
        run = subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v:0", "-fps_mode", "passthrough",
             "-f", "framecrc", "-"], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    return sum(1 for ln in run.stdout.splitlines() if ln and not ln.startswith("#"))


def keyframe_times(path: Path) -> list[float]:
    """Presentation times of the keyframes (decoding only those)."""
    run = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-skip_frame", "nokey", "-i", str(path), "-map", "0:v:0",
         "-vf", "showinfo", "-fps_mode", "passthrough", "-f", "null", "-"], capture_output=True, text=True)
    return [float(t) for t in re.findall(r"pts_time:\s*([-\d.]+)", run.stderr)]


def duration_s(path: Path) -> float:
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", run.stderr).groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


# --------------------------------------------------------------------------- the variants

Make = Callable[[Path, Path, float], None]  # (source, output, the source's seconds): writes a variant


def _cut_keyframes(src: Path, dur: float) -> tuple[float, float]:
    """The first keyframe between 15% and 60% of the clip, and the keyframe after it (or +0.3 s)."""
    keys = keyframe_times(src)
    first = next(t for t in keys if 0.15 * dur < t < 0.6 * dur)
    return first, next((t for t in keys if t > first), first + 0.3)


def _trim_at_keyframe(src: Path, out: Path, dur: float) -> None:
    ff("-ss", f"{_cut_keyframes(src, dur)[0]:.6f}", "-i", src, "-c", "copy", *bitexact(out))


def _trim_between_keyframes(src: Path, out: Path, dur: float) -> None:
    """Cut halfway between two keyframes: the frames from the first stay stored, an edit list hides them."""
    key, after = _cut_keyframes(src, dur)
    ff("-ss", f"{(key + after) / 2:.6f}", "-i", src, "-c", "copy", *bitexact(out))


def _trim_tail(src: Path, out: Path, dur: float) -> None:
    ff("-i", src, "-t", f"{0.7 * dur:.3f}", "-c", "copy", *bitexact(out))


def _rotate(deg: int) -> Make:
    """As a phone records: the pixels stored turned ``deg`` clockwise, a display matrix turning them
    back ``deg`` counter-clockwise, so the lifter shows upright as in the source."""
    turn = {90: "transpose=clock", 180: "transpose=clock,transpose=clock", 270: "transpose=cclock"}[deg]

    def make(src: Path, out: Path, dur: float) -> None:
        stored = out.with_name(f"{out.stem}.stored.mp4")
        ff("-i", src, "-vf", turn, *X264, "-pix_fmt", "yuv420p", *bitexact(stored))
        ff("-display_rotation", str(deg), "-i", stored, "-c", "copy", *bitexact(out))
        stored.unlink()

    return make


def _vfr(src: Path, out: Path, dur: float) -> None:
    """Frames dropped in an uneven pattern, the rest keeping their times: gaps of 1 to 3 frames."""
    ff("-i", src, "-vf", r"select='not(eq(mod(n\,7)\,2))*not(eq(mod(n\,11)\,5))*not(eq(mod(n\,5)\,4))'",
       "-fps_mode", "vfr", *X264, "-pix_fmt", "yuv420p", *bitexact(out))


def _encode(*opts: str) -> Make:
    def make(src: Path, out: Path, dur: float) -> None:
        ff("-i", src, *opts, *bitexact(out))

    return make


def _four_k(src: Path, out: Path, dur: float) -> None:
    """The first 3 s upscaled to 4K on the longer side."""
    scale = "scale='if(gt(iw,ih),3840,-2)':'if(gt(iw,ih),-2,3840)'"
    ff("-i", src, "-t", "3", "-vf", scale, "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
       "-pix_fmt", "yuv420p", *bitexact(out))


def _black(enable: str) -> Make:
    def make(src: Path, out: Path, dur: float) -> None:
        box = f"drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='{enable.format(d=dur)}'"
        ff("-i", src, "-vf", box, *X264, "-pix_fmt", "yuv420p", *bitexact(out))

    return make


def _slide_out(src: Path, out: Path, dur: float) -> None:
    """From 60% of the clip, the picture slides out to the right over 1.5 s (the lifter walks off)."""
    t0 = 0.6 * dur
    graph = (f"[0:v]split[a][b];[a]drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill[bg];"
             f"[bg][b]overlay=x='if(gte(t,{t0:.3f}),(t-{t0:.3f})*W/1.5,0)'")
    ff("-i", src, "-filter_complex", graph, *X264, "-pix_fmt", "yuv420p", *bitexact(out))


@dataclass(frozen=True)
class Variant:
    name: str
    ext: str
    make: Make
    encoder: str | None = None  # the FFmpeg encoder it needs
    keeps_reps: bool = True  # the whole set is there, unchanged: same reps as the source
    trimmed: bool = False  # cut without re-encoding


VARIANTS = (
    Variant("trim-key", "mp4", _trim_at_keyframe, keeps_reps=False, trimmed=True),
    Variant("trim-nonkey", "mp4", _trim_between_keyframes, keeps_reps=False, trimmed=True),
    Variant("trim-tail", "mp4", _trim_tail, keeps_reps=False, trimmed=True),
    Variant("rot90", "mp4", _rotate(90), "libx264"),
    Variant("rot180", "mp4", _rotate(180), "libx264"),
    Variant("rot270", "mp4", _rotate(270), "libx264"),
    Variant("vfr", "mp4", _vfr, "libx264"),
    Variant("hevc", "mp4", _encode("-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1",
                                   "-x265-params", "pools=none:frame-threads=1:log-level=error",
                                   "-pix_fmt", "yuv420p"), "libx265"),
    Variant("vp9", "webm", _encode("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                   "-b:v", "0", "-crf", "40", "-threads", "1", "-pix_fmt", "yuv420p"), "libvpx-vp9"),
    Variant("mjpeg", "avi", _encode("-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p"), "mjpeg"),
    Variant("mov", "mov", _encode("-c", "copy")),
    Variant("10bit", "mp4", _encode(*X264, "-pix_fmt", "yuv420p10le"), "libx264"),
    Variant("yuv444", "mp4", _encode(*X264, "-pix_fmt", "yuv444p"), "libx264"),
    Variant("4k", "mp4", _four_k, "libx264", keeps_reps=False),
    Variant("black-gap", "mp4", _black("between(t,{d}*0.4,{d}*0.4+1.5)"), "libx264", keeps_reps=False),
    Variant("leave-black", "mp4", _black("gte(t,{d}*0.6)"), "libx264", keeps_reps=False),
    Variant("leave-slide", "mp4", _slide_out, "libx264", keeps_reps=False),
)
QUICK_VARIANTS = ("trim-key", "trim-nonkey", "rot90", "vfr")
FOOTAGE_VARIANTS = ("trim-key", "trim-nonkey", "trim-tail", "rot90", "vfr", "hevc", "black-gap", "leave-slide")


# --------------------------------------------------------------------------- MP4 boxes and mutants


def boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int, int]]:
    """(type, box start, payload start, box end) of the boxes in ``data[start:end]``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8].decode("latin-1")
        payload = pos + 8
        if size == 1:
            size, payload = int.from_bytes(data[pos + 8:pos + 16], "big"), pos + 16
        elif size == 0:
            size = end - pos
        if size < payload - pos or pos + size > end:
            return
        yield kind, pos, payload, pos + size
        pos += size


def leaf_boxes(data: bytes, start: int, end: int, path: str = "") -> Iterator[tuple[str, int, int]]:
    """(path like moov/trak/mdia/minf/stbl/stsz, box start, box end) of every leaf box inside."""
    for kind, box, payload, stop in boxes(data, start, end):
        here = f"{path}/{kind}" if path else kind
        if kind in CONTAINER_BOXES:
            yield from leaf_boxes(data, payload, stop, here)
        else:
            yield here, box, stop


def top_region(data: bytes, kind: str) -> tuple[int, int] | None:
    """Byte range to damage of a top-level box: the payload of ``mdat``, the whole of ``ftyp``."""
    for k, box, payload, stop in boxes(data):
        if k == kind:
            return (payload, stop) if kind == "mdat" else (box, stop)
    return None


def moov_tables(data: bytes) -> list[tuple[str, int, int]]:
    """The moov's leaf boxes with their paths, the sample tables first (the mutants cycle through
    them in this order): sizes, chunk offsets, times, keyframes, then the headers."""
    top = {kind: (payload, stop) for kind, _, payload, stop in boxes(data)}
    if "moov" not in top:
        return []
    leaves = list(leaf_boxes(data, *top["moov"], "moov"))

    def rank(leaf: tuple[str, int, int]) -> tuple[int, int]:
        kind = leaf[0].rsplit("/", 1)[-1]
        return (TABLE_ORDER.index(kind) if kind in TABLE_ORDER else len(TABLE_ORDER), leaf[1])

    return sorted(leaves, key=rank)


def _flip(data: bytearray, rng: random.Random, lo: int, hi: int) -> str:
    n = rng.choice((1, 1, 2, 4, 8, 16))
    spots = sorted(rng.randrange(lo, hi) for _ in range(n))
    for p in spots:
        data[p] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
    return f"{n} byte(s) flipped at {spots[0]}..{spots[-1]}"


def _zero(data: bytearray, rng: random.Random, lo: int, hi: int) -> str:
    length = min(hi - lo, rng.choice((16, 256, 4096, 32768)))
    at = rng.randrange(lo, hi - length + 1)
    data[at:at + length] = bytes(length)
    return f"{length} bytes zeroed at {at}"


# A mutant kind: (name, what is hit, how many per base in the full corpus, in the quick one)
MUTANT_KINDS = (
    ("mdat-flip", "mdat", 12, 1),
    ("mdat-zero", "mdat", 8, 1),
    ("moov-flip", "moov", 10, 1),
    ("moov-zero", "moov", 4, 1),
    ("ftyp-flip", "ftyp", 2, 0),
    ("trunc", "file", 8, 2),
)


def mutate(data: bytes, kind: str, where: str, index: int, rng: random.Random) -> tuple[bytes, str] | None:
    """A damaged copy of ``data`` and what was done; None when the file has no such region."""
    if kind == "trunc":
        cut = int(len(data) * rng.uniform(0.05, 0.98))
        return data[:cut], f"truncated to {cut} of {len(data)} bytes"
    out = bytearray(data)
    if where == "moov":  # cycle through the tables so each is hit: stsz, stco, stts, avcC ...
        tables = moov_tables(data)
        if not tables:
            return None
        path, lo, hi = tables[(index + kind.endswith("zero")) % len(tables)]
        what = (_flip if kind.endswith("flip") else _zero)(out, rng, lo, hi)
        return bytes(out), f"{path}: {what}"
    span = top_region(data, where)
    if span is None or span[1] - span[0] < 16:
        return None
    lo, hi = span
    what = (_flip if kind.endswith("flip") else _zero)(out, rng, lo, hi)
    return bytes(out), f"{where}: {what}"


def make_mutants(corpus: Corpus, base: Item, quick: bool) -> None:
    data = corpus.path(base).read_bytes()
    stem = Path(base.name).stem
    for kind, where, n_full, n_quick in MUTANT_KINDS:
        for i in range(n_quick if quick else n_full):
            name = f"{stem}__{kind}{i:02d}.mp4"
            rng = random.Random(f"{SEED}:{name}")
            got = mutate(data, kind, where, i, rng)
            if got is None:
                continue
            (corpus.folder / name).write_bytes(got[0])
            corpus.items.append(Item(name, "mutant", kind, base.name, got[1], intact=False, reps=base.reps,
                                     footage=base.footage))


# --------------------------------------------------------------------------- building


def _record(corpus: Corpus, item: Item) -> Item:
    if item.intact:
        item.shown_frames = shown_frames(corpus.path(item))
    corpus.items.append(item)
    return item


def make_bases(corpus: Corpus, quick: bool, footage: bool) -> list[Item]:
    """The intact sources: the rendered sample re-encoded (moov last and moov first; the quick
    profile's is its first 4 s), and in the full corpus, real clips as recorded."""
    out = []
    if quick:
        name = f"synth{QUICK_S}s.mp4"
        ff("-i", SAMPLE, "-t", str(QUICK_S), "-vf", f"fps={QUICK_FPS}", *x264_gop(QUICK_FPS), "-pix_fmt", "yuv420p",
           "-movflags", "+faststart", *bitexact(corpus.folder / name))
        how = f"sample's first {QUICK_S} s, H.264 {QUICK_FPS} fps, moov first"
        return [_record(corpus, Item(name, "base", "base", "sample", how, intact=True))]
    for name, flags, how in (("synth.mp4", [], "moov last"), ("synth-faststart.mp4", ["-movflags", "+faststart"],
                                                               "moov first")):
        ff("-i", SAMPLE, "-vf", f"fps={SYNTH_FPS}", *x264_gop(SYNTH_FPS), "-pix_fmt", "yuv420p", *flags,
           *bitexact(corpus.folder / name))
        out.append(_record(corpus, Item(name, "base", "base", "sample", f"sample re-encoded, H.264 15 fps, {how}",
                                        intact=True, reps=SAMPLE_REPS)))
    if footage:
        for clip in FOOTAGE_MUTANT_CLIPS:
            shutil.copyfile(FOOTAGE / clip, corpus.folder / clip)
            out.append(_record(corpus, Item(clip, "base", "base", clip, "real clip as recorded", intact=True,
                                            reps=_footage_reps(clip), footage=True)))
    return out


def _footage_reps(clip: str) -> int | None:
    reps = json.loads((FOOTAGE / "expect.json").read_text()).get(clip, {}).get("reps")
    return reps[0] if reps and reps[0] == reps[1] else None


def make_variants(corpus: Corpus, src: Path, source: str, reps: int | None, names: tuple[str, ...],
                  footage: bool) -> None:
    dur = duration_s(src)
    stem = Path(source).stem
    for v in VARIANTS:
        if v.name not in names:
            continue
        name = f"{stem}__{v.name}.{v.ext}"
        if v.encoder and not has_encoder(v.encoder):
            corpus.skipped[name] = f"this FFmpeg has no {v.encoder} encoder"
            continue
        v.make(src, corpus.folder / name, dur)
        _record(corpus, Item(name, "variant", v.name, source, v.name, intact=True, reps=reps if v.keeps_reps else None,
                             trimmed=v.trimmed, footage=footage))


def build(folder: Path, quick: bool = False, footage: bool | None = None) -> Corpus:
    """Make the corpus in ``folder`` (emptied first) and write its ``corpus.json``."""
    folder = folder.resolve()
    if folder.is_relative_to(ROOT):
        raise ValueError(f"the corpus is not written inside the repository: {folder}")
    footage = (FOOTAGE / "expect.json").is_file() if footage is None else footage
    footage = footage and not quick
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    corpus = Corpus(folder)
    bases = make_bases(corpus, quick, footage)
    src = bases[0]
    make_variants(corpus, corpus.path(src), src.name, src.reps, QUICK_VARIANTS if quick else
                  tuple(v.name for v in VARIANTS), footage=False)
    if footage:
        make_variants(corpus, FOOTAGE / FOOTAGE_VARIANT_CLIP, FOOTAGE_VARIANT_CLIP,
                      _footage_reps(FOOTAGE_VARIANT_CLIP), FOOTAGE_VARIANTS, footage=True)
    for base in bases:
        make_mutants(corpus, base, quick)
    _save(corpus, quick, footage)
    return corpus


def _stamp(quick: bool, footage: bool) -> dict:
    return {"version": CORPUS_VERSION, "profile": "quick" if quick else "full", "footage": footage,
            "ffmpeg": ffmpeg_version(), "seed": SEED}


def _save(corpus: Corpus, quick: bool, footage: bool) -> None:
    doc = {**_stamp(quick, footage), "skipped": corpus.skipped,
           "items": [dataclasses.asdict(i) for i in corpus.items]}
    (corpus.folder / "corpus.json").write_text(json.dumps(doc, indent=1) + "\n")


def load(folder: Path) -> Corpus | None:
    """The corpus in ``folder``, or None when there is none or a file is missing."""
    try:
        doc = json.loads((folder / "corpus.json").read_text())
    except (OSError, ValueError):
        return None
    corpus = Corpus(folder.resolve(), [Item(**i) for i in doc["items"]], doc.get("skipped", {}))
    return corpus if all(corpus.path(i).is_file() for i in corpus.items) else None


def ensure(folder: Path, quick: bool = False) -> Corpus:
    """The corpus in ``folder``: reused when it was made by this version, profile and FFmpeg."""
    footage = (FOOTAGE / "expect.json").is_file() and not quick
    try:
        doc = json.loads((folder / "corpus.json").read_text())
        same = all(doc.get(k) == v for k, v in _stamp(quick, footage).items())
    except (OSError, ValueError):
        same = False
    corpus = load(folder) if same else None
    return corpus if corpus is not None else build(folder, quick, footage)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help=f"corpus folder (default {DEFAULT_OUT}/full or /quick)")
    ap.add_argument("--quick", action="store_true", help="the fast subset the tests run")
    ap.add_argument("--force", action="store_true", help="make it again even if it is there")
    ap.add_argument("--list", action="store_true", help="print one line per file")
    args = ap.parse_args(argv)
    folder = args.out or DEFAULT_OUT / ("quick" if args.quick else "full")
    corpus = build(folder, args.quick) if args.force else ensure(folder, args.quick)
    groups = {g: sum(i.group == g for i in corpus.items) for g in ("base", "variant", "mutant")}
    print(f"{corpus.folder}: {groups['base']} bases, {groups['variant']} variants, {groups['mutant']} mutants")
    for name, why in corpus.skipped.items():
        print(f"not made: {name}: {why}")
    if args.list:
        for i in corpus.items:
            print(f"{i.group:8} {i.name:55} intact={i.intact!s:5} reps={i.reps} shown={i.shown_frames}  {i.how}")


if __name__ == "__main__":
    sys.exit(main())
