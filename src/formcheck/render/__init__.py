"""Drawing the analysis onto frames. Import the modules directly:

* ``render.annotators``: the annotators (draw only, from an ``analysis.frame_view.FrameView``) and
  ``annotate_frame``;
* ``render.layout``: where they draw (panel cells from the frame size alone, no cv2);
* ``render.draw``: the primitives they draw with: the panel's colours, shading, fitted text;
* ``render.gauge``: the knee dial;
* ``render.live_overlay``: what the live window adds (status strip, cue band);
* ``render.annotated_video``: ``annotate_video``, the annotated MP4 (written by
  ``io.video_writer``);
* ``render.thumbnails``: JPEG stills of chosen moments (the HTML report's flagged frames);
* ``render.window``: the live window.

Head colours, gauge labels, fault titles and cue words come from ``formcheck.vocab``.
"""
