"""A batch job: one video to analyse, keyed by what decides its result.

The key hashes the video's bytes, formcheck's version and the options that change the analysis
(the movement family forced, the pose model's bytes), so a rerun skips a set whose key is recorded
and redoes one whose file, version or options changed. Where the file is, who lifted and when are
not in the key: they are the set's labels, updated without analysing again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from formcheck.batching.inputs import SetInput
from formcheck.version import __version__

CHUNK = 1 << 20


@dataclass(frozen=True)
class JobOptions:
    """What, besides the video, decides a set's result."""

    exercise: str | None = None  # a movement family forced for every set (a CSV row may force its own)
    model_path: str | None = None  # None: the bundled model
    model_sha256: str = ""  # the model file's content ("" for the bundled one: the version names it)


@dataclass(frozen=True)
class Job:
    """One set to analyse: where it is, what it is, and its key."""

    key: str  # sha256 hex of the content hash, the version and the options
    path: str  # the video (or .pose.npz), absolute
    name: str  # its file name, as reports show it
    content_sha256: str
    exercise: str | None  # the family forced for this set, if any
    options: JobOptions
    lifter: str = ""
    date: str = ""
    date_from: str = ""
    notes: str = ""

    @property
    def short(self) -> str:
        """The key's first 10 characters, for file names."""
        return self.key[:10]


def file_sha256(path: str | Path) -> str:
    """The file's content as a sha256 hex digest, read in 1-MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def job_key(content_sha256: str, exercise: str | None, options: JobOptions) -> str:
    """The key of a job: its content, formcheck's version and the options, as a sha256 hex digest."""
    what = {"content": content_sha256, "version": __version__, "exercise": exercise,
            "model": options.model_sha256 or options.model_path}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def make_job(item: SetInput, options: JobOptions) -> Job:
    """The job for ``item``. Raises OSError when the file cannot be read."""
    content = file_sha256(item.path)
    exercise = item.exercise or options.exercise
    return Job(
        key=job_key(content, exercise, options), path=str(item.path), name=item.path.name,
        content_sha256=content, exercise=exercise, options=options, lifter=item.lifter, date=item.date,
        date_from=item.date_from, notes=item.notes,
    )


def options_json(job: Job) -> str:
    """The job's options as the database records them."""
    return json.dumps({**asdict(job.options), "exercise": job.exercise}, sort_keys=True)
