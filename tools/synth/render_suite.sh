#!/bin/bash
# Render a suite (SUITE=suite14.py, the view suite, by default; suite15.py the back and Nordic
# suite) into ${1:-/work/renders14}: per clip the render
# (NAME.mp4/.truth.npz/.json) and formcheck's pose (NAME.pose.npz). Resumable (clips whose outputs
# exist are skipped). STRIDE/OFFSET split the list between parallel jobs:
#   STRIDE=2 OFFSET=0 bash tools/synth/render_suite.sh & STRIDE=2 OFFSET=1 bash tools/synth/render_suite.sh &
#   SUITE=suite15.py bash tools/synth/render_suite.sh /work/renders15
set -u
OUT=${1:-/work/renders14}
FILTER=${2:-.}
G=${GENV:-/tmp/genv/bin/python}
FC=${FORMCHECK:-/work/main/.venv/bin/formcheck}
FCSRC=${FCSRC:-/work/main/src}
STRIDE=${STRIDE:-1}
OFFSET=${OFFSET:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
i=0
while read -r name args; do
  i=$((i + 1))
  [ $(( (i - 1) % STRIDE )) -eq "$OFFSET" ] || continue
  echo "$name" | grep -Eq "$FILTER" || continue
  if [ ! -s "$OUT/$name.json" ] || [ ! -s "$OUT/$name.mp4" ]; then
    echo "== render $name: $args"
    OMP_NUM_THREADS=1 nice -n 5 $G "$HERE/render_set.py" $args --name "$name" --out "$OUT" > "$OUT/$name.render.log" 2>&1 \
      || { echo "   render failed (see $name.render.log)"; continue; }
  fi
  if [ ! -s "$OUT/$name.pose.npz" ]; then
    echo "== pose $name"
    PYTHONPATH=$FCSRC nice -n 5 $FC pose -q "$OUT/$name.mp4" -o "$OUT/$name.pose.npz" > "$OUT/$name.pose.log" 2>&1 \
      || echo "   pose failed (see $name.pose.log)"
  fi
done < <(python3 "$HERE/${SUITE:-suite14.py}")
echo "suite done"
