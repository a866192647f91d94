"""Reports: terminal text, JSON, per-frame CSV and the HTML page (the html subpackage). No cv2, no
mediapipe."""
