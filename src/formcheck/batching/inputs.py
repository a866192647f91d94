"""What a batch was given, as one ``SetInput`` per video: folders (searched for videos, the first
folder level under the one given naming the lifter), globs, single files, and CSV files listing
videos with optional columns (lifter, date, exercise, notes).

A set's date is the CSV's, else a date in the file's path (``2026-11-02``, ``VID_20261102_...``),
else the file's modification day; ``date_from`` says which.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.config import EXERCISE_ALIASES, EXERCISE_FAMILIES, BatchConfig
from formcheck.errors import InputNotFound, InvalidOption

CSV_PATH_COLUMNS = ("path", "video", "file")  # the first one present names the video
CSV_COLUMNS = ("lifter", "date", "exercise", "notes")
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True)
class SetInput:
    """One video to analyse and what the coach said about it."""

    path: Path  # absolute
    lifter: str = ""  # "" when not given
    date: str = ""  # "YYYY-MM-DD"
    date_from: str = ""  # "csv" | "name" | "file time"
    exercise: str | None = None  # a movement family forced for this set (config.EXERCISE_FAMILIES)
    notes: str = ""


def find_inputs(args: Sequence[str], cfg: BatchConfig | None = None) -> list[SetInput]:
    """The sets named by ``args`` (folders, globs, video or pose files, CSV lists), each path once
    (the first mention wins), in the order given. Raises InputNotFound for an argument that names
    nothing, InvalidOption for a CSV that cannot be read as a list of sets."""
    cfg = cfg or BatchConfig()
    found: dict[Path, SetInput] = {}
    for arg in args:
        for item in _expand(arg, cfg):
            found.setdefault(item.path, item)
    return list(found.values())


def _expand(arg: str, cfg: BatchConfig) -> Iterable[SetInput]:
    path = Path(arg).expanduser()
    if path.is_dir():
        return _folder(path, cfg)
    if path.is_file():
        return _csv(path) if path.suffix.lower() == ".csv" else [_dated(SetInput(path.resolve()))]
    if glob.has_magic(arg):
        matches = sorted(glob.glob(os.path.expanduser(arg), recursive=True))
        files = [Path(m) for m in matches if Path(m).is_file()]
        if files:
            return [_dated(SetInput(f.resolve())) for f in files]
        raise InputNotFound(f"no file matches {arg}")
    raise InputNotFound(f"{arg} does not exist")


def _folder(root: Path, cfg: BatchConfig) -> list[SetInput]:
    """The videos under ``root``, sorted by path; one in a sub-folder is that sub-folder's lifter's."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(cfg.video_suffixes):
                continue
            path = (Path(dirpath) / name).resolve()
            parts = Path(dirpath).relative_to(root).parts
            out.append(_dated(SetInput(path, lifter=parts[0] if parts else "")))
    return sorted(out, key=lambda s: str(s.path))


def _csv(listing: Path) -> list[SetInput]:
    """The sets a CSV lists. Relative paths are relative to the CSV's folder."""
    try:
        with listing.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
            header = [h.strip().lower() for h in (rows[0].keys() if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidOption(f"cannot read {listing} as a CSV list of videos: {exc}") from exc
    column = next((c for c in CSV_PATH_COLUMNS if c in header), None)
    if column is None:
        raise InvalidOption(
            f"{listing}: a CSV list of sets needs a column named {' or '.join(CSV_PATH_COLUMNS)} "
            f"(optional: {', '.join(CSV_COLUMNS)})"
        )
    out = []
    for line, row in enumerate(rows, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not cells.get(column):
            continue
        path = Path(cells[column]).expanduser()
        path = (path if path.is_absolute() else listing.parent / path).resolve()
        where = f"{listing}, line {line}"
        item = SetInput(path, lifter=cells.get("lifter", ""), exercise=_exercise(cells.get("exercise", ""), where),
                        notes=cells.get("notes", ""))
        date = cells.get("date", "")
        out.append(_dated(item) if not date else _with_date(item, _iso_date(date, where), "csv"))
    return out


def _exercise(name: str, where: str) -> str | None:
    if not name:
        return None
    family = EXERCISE_ALIASES.get(name.lower(), name.lower())
    if family not in EXERCISE_FAMILIES:
        known = ", ".join(EXERCISE_FAMILIES + tuple(EXERCISE_ALIASES))
        raise InvalidOption(f"{where}: unknown exercise {name!r} (one of: {known})")
    return family


def _iso_date(text: str, where: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InvalidOption(f"{where}: the date {text!r} is not a date like 2026-11-02") from None


def _dated(item: SetInput) -> SetInput:
    """``item`` with the date its path names, else its file's modification day."""
    for part in reversed(item.path.parts):
        m = _DATE_IN_NAME.search(part)
        if m:
            try:
                return _with_date(item, dt.date(*map(int, m.groups())).isoformat(), "name")
            except ValueError:
                continue
    try:
        day = dt.date.fromtimestamp(item.path.stat().st_mtime).isoformat()
    except OSError:
        return item  # missing: the job records why
    return _with_date(item, day, "file time")


def _with_date(item: SetInput, date: str, source: str) -> SetInput:
    return SetInput(item.path, item.lifter, date, source, item.exercise, item.notes)

