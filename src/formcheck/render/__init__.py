"""Drawing the analysis onto frames. Import the modules directly:

* ``render.frame_view``: ``FrameView`` and ``frame_view(report, pose, i)``, pure numpy (no cv2),
  so a live loop or a test can build one without a video stack;
* ``render.annotators``: the annotators (draw only) and their layout, colours and
  ``annotate_frame``; with ``io.video`` the only place besides ``render.video_out`` that uses cv2;
* ``render.video_out``: ``annotate_video``, the annotated MP4;
* ``render.thumbnails``: JPEG stills of chosen moments (the HTML report's flagged frames).
"""
