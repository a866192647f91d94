#!/usr/bin/env python3
"""Build ``pose_landmarker_full.task`` (MediaPipe Tasks PoseLandmarker bundle).

Offline and reproducible: the two BlazePose GHUM TFLite models are taken from
an installed ``mediapipe==0.10.21`` wheel (where they ship as legacy
"Solutions" assets without Tasks metadata), image-input normalisation and
tensor-name metadata is attached with MediaPipe's own metadata writer, and the
two models are packed into a ZIP_STORED bundle with fixed timestamps, fixed
member order and fixed file attributes, so the output bytes (and SHA-256) are
identical on every run.

Must be run with a Python that has mediapipe==0.10.21 installed (the metadata
writer does not import in mediapipe >= 1.x). ``build_pose_task.sh`` does this
in a throwaway venv.

Usage:
    python build_pose_task.py [--out PATH] [--allow-input-mismatch]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import zipfile

EXPECTED_MEDIAPIPE_VERSION = "0.10.21"

# Source files inside the mediapipe package and their SHA-256 as shipped in the
# mediapipe-0.10.21 wheel (before metadata is attached).
DETECTOR_SRC = "modules/pose_detection/pose_detection.tflite"
LANDMARKS_SRC = "modules/pose_landmark/pose_landmark_full.tflite"
EXPECTED_INPUT_SHA256 = {
    DETECTOR_SRC: "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    LANDMARKS_SRC: "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}

# Member names expected by mediapipe.tasks PoseLandmarkerGraph; order is fixed.
DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"

# 1980-01-01 00:00:00 is the earliest timestamp a zip entry can hold.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_EXTERNAL_ATTR = 0o100644 << 16  # regular file, rw-r--r--

LICENSE_STR = "Apache-2.0"
AUTHOR_STR = "Google LLC (MediaPipe)"


def _sha256(data: bytes) -> str:
  return hashlib.sha256(data).hexdigest()


def _read_source(mp_dir: str, rel: str, allow_mismatch: bool) -> bytearray:
  path = os.path.join(mp_dir, rel)
  with open(path, "rb") as f:
    data = f.read()
  got = _sha256(data)
  want = EXPECTED_INPUT_SHA256[rel]
  print(f"source {rel}: {len(data)} bytes sha256={got}")
  if got != want:
    msg = f"SHA-256 mismatch for {path}: got {got}, expected {want}"
    if not allow_mismatch:
      sys.exit("error: " + msg)
    print("warning: " + msg, file=sys.stderr)
  return bytearray(data)


# What each model says about itself: name, source, description, input normalisation and the
# outputs in the model's own order (what the Tasks graphs read).
DETECTOR_MD = dict(
    name="BlazePose GHUM pose detector",
    version="mediapipe-0.10.21/pose_detection.tflite",
    description=(
        "SSD-style person/pose detector (224x224 RGB input, 2254 anchors). "
        "Outputs raw box+keypoint regressions and raw scores."),
    # Input is float32 in [-1, 1]: (pixel - 127.5) / 127.5.
    norm_mean=127.5, norm_std=127.5,
    input_description="Input RGB image, 224x224, float in [-1, 1].",
    outputs=[
        ("raw_boxes", "Undecoded boxes + 4 keypoints per anchor, [1, 2254, 12]."),
        ("scores", "Raw (pre-sigmoid) scores, [1, 2254, 1]."),
    ],
)
LANDMARKS_MD = dict(
    name="BlazePose GHUM pose landmarks detector (full)",
    version="mediapipe-0.10.21/pose_landmark_full.tflite",
    description=(
        "33 body landmarks (+6 auxiliary) in image and world coordinates, "
        "pose presence flag and person segmentation from a 256x256 RGB "
        "crop."),
    # Input is float32 in [0, 1]: (pixel - 0) / 255.
    norm_mean=0.0, norm_std=255.0,
    input_description="Input RGB image, 256x256, float in [0, 1].",
    # Output order must match the model (Identity .. Identity_4) and what
    # PoseLandmarksDetectorGraph expects: landmarks, presence, segmentation,
    # heatmap, world landmarks.
    outputs=[
        ("landmarks", "39 landmarks x (x, y, z, visibility, presence), [1, 195]."),
        ("pose_flag", "Pose presence score, [1, 1]."),
        ("segmentation", "Person segmentation logits, [1, 256, 256, 1]."),
        ("heatmap", "Landmark heatmaps, [1, 64, 64, 39]."),
        ("world_landmarks", "39 world landmarks x (x, y, z) in metres, [1, 117]."),
    ],
)


def _with_metadata(model: bytearray, md: dict) -> bytes:
  """The model with general, image-input (normalisation) and output-name metadata attached."""
  from mediapipe.tasks.python.metadata.metadata_writers import metadata_info, metadata_writer

  writer = metadata_writer.MetadataWriter.create(model)
  writer._general_md = metadata_info.GeneralMd(  # pylint: disable=protected-access
      name=md["name"],
      version=md["version"],
      description=md["description"],
      author=AUTHOR_STR,
      licenses=LICENSE_STR,
  )
  writer.add_image_input(
      norm_mean=[md["norm_mean"]], norm_std=[md["norm_std"]],
      name="image", description=md["input_description"])
  for name, description in md["outputs"]:
    writer.add_feature_output(name=name, description=description)
  out, _ = writer.populate()
  return bytes(out)


def _write_bundle(members: list[tuple[str, bytes]], out_path: str) -> None:
  """Writes a deterministic, 4-byte aligned, ZIP_STORED model bundle."""
  from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils as bundle_utils

  tmp_path = out_path + ".tmp"
  # AlignZipFile is what mediapipe's create_model_asset_bundle() uses; it pads
  # so each stored member is 4-byte aligned (lets the runtime mmap it). We
  # drive it ourselves to control timestamps, attributes and order.
  with bundle_utils.AlignZipFile(
      tmp_path, mode="w", compression=zipfile.ZIP_STORED, alignment=4) as zf:
    for name, data in members:
      info = zipfile.ZipInfo(filename=name, date_time=ZIP_DATE_TIME)
      info.compress_type = zipfile.ZIP_STORED
      info.create_system = 3  # Unix
      info.external_attr = ZIP_EXTERNAL_ATTR
      zf.writestr(info, data)
  os.replace(tmp_path, out_path)


def main() -> int:
  here = os.path.dirname(os.path.abspath(__file__))
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--out", default=os.path.join(here, "..", "src", "formcheck", "models", "pose_landmarker_full.task"),
                  help="output .task path (default: %(default)s)")
  ap.add_argument("--allow-input-mismatch", action="store_true",
                  help="only warn if the source .tflite SHA-256 differ")
  args = ap.parse_args()

  import mediapipe as mp  # pylint: disable=import-outside-toplevel
  if mp.__version__ != EXPECTED_MEDIAPIPE_VERSION:
    msg = (f"mediapipe {mp.__version__} found, expected "
           f"{EXPECTED_MEDIAPIPE_VERSION}")
    if not args.allow_input_mismatch:
      sys.exit("error: " + msg)
    print("warning: " + msg, file=sys.stderr)
  mp_dir = os.path.dirname(mp.__file__)

  detector = _with_metadata(
      _read_source(mp_dir, DETECTOR_SRC, args.allow_input_mismatch), DETECTOR_MD)
  landmarks = _with_metadata(
      _read_source(mp_dir, LANDMARKS_SRC, args.allow_input_mismatch), LANDMARKS_MD)
  members = [(DETECTOR_MEMBER, detector), (LANDMARKS_MEMBER, landmarks)]
  for name, data in members:
    print(f"member {name}: {len(data)} bytes sha256={_sha256(data)}")

  _write_bundle(members, args.out)

  with zipfile.ZipFile(args.out) as zf:  # self-check
    assert zf.namelist() == [DETECTOR_MEMBER, LANDMARKS_MEMBER], zf.namelist()
    for info in zf.infolist():
      assert info.compress_type == zipfile.ZIP_STORED
      assert info.date_time == ZIP_DATE_TIME
    assert zf.testzip() is None
  with open(args.out, "rb") as f:
    digest = _sha256(f.read())
  print(f"wrote {args.out}")
  print(f"sha256 {digest}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
