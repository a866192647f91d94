"""Pure numpy analysis: no cv2, no mediapipe, no file I/O."""
