"""Shared fixtures: where the real footage and the stored pose files live."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
POSES = HERE / "data" / "poses"
DEFAULT_FOOTAGE = HERE.parents[1] / "shared" / "footage"


def footage_dir() -> Path:
    return Path(os.environ.get("FORMCHECK_FOOTAGE", DEFAULT_FOOTAGE))


def expectations() -> dict:
    """Clip name -> expected reps/family/flags. The stored copy mirrors shared/footage/expect.json."""
    path = footage_dir() / "expect.json"
    if not path.is_file():
        path = HERE / "data" / "expect.json"
    data = json.loads(path.read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.fixture
def footage() -> Path:
    d = footage_dir()
    if not (d / "expect.json").is_file():
        pytest.skip(f"real footage not found at {d} (set FORMCHECK_FOOTAGE to the clips' folder)")
    return d
