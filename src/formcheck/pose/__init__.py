"""Pose estimation backends. Only this package imports mediapipe."""
