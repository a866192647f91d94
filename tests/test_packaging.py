"""A normal (non-editable) install finds its model: the wheel carries the pose model as package
data, and the installed `formcheck` analyses the sample from a folder outside the checkout."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from formcheck.cli import main
from formcheck.io.landmarks import load_pose

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "synthetic_rdl_side.mp4"
MODEL = "formcheck/models/pose_landmarker_full.task"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # no build isolation: setuptools comes with the test extra, so no index is needed here
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (found,) = out.glob("formcheck-*.whl")
    return found


def test_wheel_carries_the_model_and_its_licence(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert MODEL in names
        assert "formcheck/models/LICENSE-mediapipe-models.txt" in names
        assert z.getinfo(MODEL).file_size > 1_000_000


def test_installed_wheel_analyses_the_sample_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    # formcheck's dependencies (mediapipe, numpy, click) from this test environment: its
    # site-packages is put on the new venv's path, its .pth files (the editable install) are not run
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORMCHECK_MODEL")}
    where = subprocess.run([str(py), "-c", "import formcheck; print(formcheck.__file__)"], cwd=away, env=env,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(site)), where  # the installed copy, not the checkout
    run = subprocess.run(
        [str(venv / "bin" / "formcheck"), "analyze", str(SAMPLE), "--json", "set.json", "--save-pose",
         "set.pose.npz", "--quiet"],
        cwd=away, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads((away / "set.json").read_text())
    assert len(report["reps"]) == 3
    layout = load_pose(away / "set.pose.npz").layout  # the pose file says which model posed it
    with zipfile.ZipFile(wheel) as z:
        shipped = hashlib.sha256(z.read(MODEL)).hexdigest()
    assert (layout.backend, layout.model, layout.model_sha256) == ("litert", Path(MODEL).name, shipped)


def test_model_from_the_environment_variable(tmp_path: Path) -> None:
    missing = tmp_path / "nope.task"
    r = CliRunner().invoke(main, ["analyze", str(SAMPLE), "--quiet"], env={"FORMCHECK_MODEL": str(missing)})
    assert r.exit_code == 6
    assert "FORMCHECK_MODEL" in r.output and str(missing) in r.output
