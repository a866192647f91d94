#!/bin/bash
# Render the hinge/squat/knee-flexion family suite into ${1:-/work/renders13}: per clip the render
# (NAME.mp4/.truth.npz/.json), formcheck's pose (NAME.pose.npz) and the raw detections
# (NAME.cands.npz). Clips whose outputs exist are skipped, so it resumes. One job at a time, nice 5.
#   bash tools/synth/render_suite13.sh [OUT_DIR] [FILTER_REGEX]
set -u
OUT=${1:-/work/renders13}
FILTER=${2:-.}
G=${GENV:-/tmp/genv/bin/python}
FC=${FORMCHECK:-/work/main/.venv/bin/formcheck}
FCPY=${FCPY:-/work/main/.venv/bin/python}
FCSRC=${FCSRC:-/work/main/src}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
P="--size 640x360"  # kneeling / prone / supine clips are landscape
while read -r name args; do
  [ -z "$name" ] && continue
  case "$name" in \#*) continue ;; esac
  echo "$name" | grep -Eq "$FILTER" || continue
  if [ ! -s "$OUT/$name.json" ] || [ ! -s "$OUT/$name.mp4" ]; then
    echo "== render $name: $args"
    nice -n 5 $G "$HERE/render_set.py" $args --name "$name" --out "$OUT" > "$OUT/$name.render.log" 2>&1 \
      || { echo "   render failed (see $name.render.log)"; continue; }
    grep -v -i 'warp\|cuda\|devices\|"cpu\|kernel cache\|/root/.cache' "$OUT/$name.render.log" | sed 's/^/   /'
  fi
  if [ ! -s "$OUT/$name.pose.npz" ]; then
    echo "== pose $name"
    PYTHONPATH=$FCSRC nice -n 5 $FC pose -q "$OUT/$name.mp4" -o "$OUT/$name.pose.npz" > "$OUT/$name.pose.log" 2>&1 \
      || echo "   pose failed (see $name.pose.log)"
  fi
  if [ ! -s "$OUT/$name.cands.npz" ]; then
    echo "== cands $name"
    PYTHONPATH=$FCSRC nice -n 5 $FCPY "$HERE/cands.py" "$OUT/$name.mp4" "$OUT/$name.cands.npz" 2>&1 | tail -n 1 \
      || echo "   cands failed"
  fi
done <<LIST
deadlift_together_b1_y90      --exercise deadlift --body-seed 1 --yaw 90
deadlift_hipfirst_b1_y90      --exercise deadlift --pattern hip_first --body-seed 1 --yaw 90
squat_lean58_b1_y90           --exercise squat --lean 58 --body-seed 1 --yaw 90
deadlift_together_b2_y-60     --exercise deadlift --body-seed 2 --yaw -60
deadlift_hipfirst_b2_y60      --exercise deadlift --pattern hip_first --body-seed 2 --yaw 60
squat_lean58_b2_y60           --exercise squat --lean 58 --body-seed 2 --yaw 60
deadlift_together_b3_y90      --exercise deadlift --body-seed 3 --yaw 90
deadlift_hipfirst_b3_y-90     --exercise deadlift --pattern hip_first --body-seed 3 --yaw -90
squat_lean58_b3_y90           --exercise squat --lean 58 --body-seed 3 --yaw 90
leg_curl_standing_b1_y0       --exercise leg_curl_standing --reps 4 --body-seed 1 --yaw 0
leg_curl_standing_b2_y0       --exercise leg_curl_standing --reps 4 --body-seed 2 --yaw 0
leg_curl_standing_b3_y30      --exercise leg_curl_standing --reps 4 --body-seed 3 --yaw 30
nordic_partner_b1_y90         --exercise nordic --partner --body-seed 1 --yaw 90 $P
single_leg_bridge_b1_y90      --exercise single_leg_bridge --body-seed 1 --yaw 90 $P
glute_ham_raise_b1_y90        --exercise glute_ham_raise --body-seed 1 --yaw 90 $P
nordic_partner_b2_y60         --exercise nordic --partner --body-seed 2 --yaw 60 $P
single_leg_bridge_b2_y60      --exercise single_leg_bridge --body-seed 2 --yaw 60 $P
glute_ham_raise_b2_y-60       --exercise glute_ham_raise --body-seed 2 --yaw -60 $P
nordic_partner_b3_y-90        --exercise nordic --partner --body-seed 3 --yaw -90 $P
single_leg_bridge_b3_y90      --exercise single_leg_bridge --body-seed 3 --yaw 90 $P
glute_ham_raise_b3_y90        --exercise glute_ham_raise --body-seed 3 --yaw 90 $P
rdl_some_b1_y90               --exercise rdl --knees some --body-seed 1 --yaw 90
rdl_some_b3_y60               --exercise rdl --knees some --body-seed 3 --yaw 60
rdl_soft_b2_y90               --exercise rdl --knees soft --body-seed 2 --yaw 90
rdl_soft_b4_y-60              --exercise rdl --knees soft --body-seed 4 --yaw -60
rdl_squat_b2_y60              --exercise rdl --knees squat --body-seed 2 --yaw 60
rdl_squat_b4_y90              --exercise rdl --knees squat --body-seed 4 --yaw 90
squat_default_b4_y90          --exercise squat --body-seed 4 --yaw 90
rdl_hipfirst_b4_y90           --exercise rdl --knees some --pattern hip_first --body-seed 4 --yaw 90
deadlift_together_b4_y60      --exercise deadlift --body-seed 4 --yaw 60
LIST
echo "suite done"
