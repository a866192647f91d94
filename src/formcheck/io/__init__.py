"""Frame sources (video files, cameras), video writers and pose files. ``io.video`` and
``io.video_writer`` are, with render/, the only places that import cv2; import them directly
(``formcheck.io.video``) so pose files load without it."""
