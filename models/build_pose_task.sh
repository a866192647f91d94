#!/usr/bin/env bash
# Rebuild src/formcheck/models/pose_landmarker_full.task (shipped inside the package) reproducibly.
#
# Creates a throwaway venv in a temp dir, installs mediapipe==0.10.21 (the last
# line whose wheel still ships the BlazePose .tflite files and whose metadata
# writer imports), runs build_pose_task.py and prints the SHA-256 of the bundle.
# The venv is deleted afterwards. Needs network access to PyPI (or a local
# mirror) once per run; nothing is downloaded at formcheck run time.
#
# Usage: models/build_pose_task.sh [--out PATH]
# Env:   PYTHON=python3.11 (any CPython 3.9-3.12 with mediapipe 0.10.21 wheels)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
# SHA-256 of the committed bundle; the build is expected to reproduce it.
EXPECTED_SHA256="ca9f7014e3c041d5b651560ced354f9ef5856ccc0c760a456ba8905506d7eadc"

OUT="$HERE/../src/formcheck/models/pose_landmarker_full.task"
if [[ "${1:-}" == "--out" && -n "${2:-}" ]]; then
  OUT="$2"
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--out PATH]" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/build_pose_task.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -m venv "$WORK/venv"
# flatbuffers is pinned as well: the metadata writer re-serialises the model
# with it, so its version is part of what makes the output bytes stable.
"$WORK/venv/bin/python" -m pip install --quiet \
  "mediapipe==0.10.21" "flatbuffers==25.12.19"

# Run from the temp dir so nothing (e.g. __pycache__) is written into the repo.
(cd "$WORK" && PYTHONDONTWRITEBYTECODE=1 \
  "$WORK/venv/bin/python" "$HERE/build_pose_task.py" --out "$OUT")

SHA="$(sha256sum "$OUT" | cut -d' ' -f1)"
echo "SHA-256  $SHA  $OUT"
if [[ "$SHA" == "$EXPECTED_SHA256" ]]; then
  echo "OK: matches expected $EXPECTED_SHA256"
else
  echo "MISMATCH: expected $EXPECTED_SHA256" >&2
  exit 1
fi
