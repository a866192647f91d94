"""Reports: terminal text, JSON and per-frame CSV. No cv2, no mediapipe."""
