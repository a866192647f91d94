#!/bin/bash
# Render a small evaluation suite into ${1:-/tmp/synth_out/suite} (about 1 min per clip on 2 CPUs),
# then run formcheck on each clip and compare with the truth.
#   bash tools/synth/make_suite.sh [OUT_DIR]
set -u
OUT=${1:-/tmp/synth_out/suite}
G=${GENV:-/tmp/genv/bin/python}
FC=${FORMCHECK:-/work/main/.venv/bin/formcheck}
FCPY=${FCPY:-/work/main/.venv/bin/python}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
while read -r args; do
  [ -z "$args" ] && continue
  name=$(echo "$args" | sed -E 's/--//g; s/ -([0-9])/ m\1/g; s/[ -]+/_/g')
  $G "$HERE/render_set.py" $args --name "$name" --out "$OUT" 2>&1 | grep -v -i 'warp\|cuda\|devices\|"cpu\|kernel cache\|/root/.cache'
  if ! $FC analyze -q --csv "$OUT/$name.csv" --save-pose "$OUT/$name.pose.npz" "$OUT/$name.mp4"; then
    $FC pose "$OUT/$name.mp4" -o "$OUT/$name.pose.npz" > "$OUT/$name.report.txt" 2>&1  # keep the pose anyway
    continue
  fi
  $FC analyze "$OUT/$name.pose.npz" > "$OUT/$name.report.txt" 2>&1
  $FCPY "$HERE/compare.py" "$OUT/$name.truth.npz" "$OUT/$name.csv" "$OUT/$name.pose.npz" > "$OUT/$name.compare.txt"
done <<'LIST'
--exercise rdl --yaw 90
--exercise rdl --yaw -90 --body-seed 1
--exercise rdl --yaw 60 --body-seed 2
--exercise rdl --yaw 30 --body-seed 3
--exercise rdl --yaw 90 --back arched --lumbar-deg 25
--exercise rdl --yaw 90 --back rounded --lumbar-deg 25
--exercise rdl --yaw 90 --knees squat
--exercise rdl --yaw 0 --pitch 10 --toes out
--exercise rdl --yaw 0 --pitch 10 --toes in
--exercise squat --yaw 90 --body-seed 4
--exercise nordic --yaw 90 --size 640x360
--exercise leg_curl_prone --yaw 90 --size 640x360
--exercise leg_curl_prone --yaw 20 --pitch 30 --toes out --size 640x360
--exercise leg_curl_seated --yaw 90
--exercise leg_curl_standing --yaw 90
LIST
