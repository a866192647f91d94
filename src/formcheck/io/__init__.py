"""Frame sources (video files, cameras) and pose files. ``io.video`` is, with render/, the only
place that imports cv2; import it directly (``formcheck.io.video``) so pose files load without it."""
