"""Sound cues for `formcheck live`: tones and pre-rendered speech, a cue timeline, playback.

Import the modules directly:

* ``audio.sounds``: every cue's samples (numpy, 16 kHz mono), the id -> phrase table, WAV I/O;
* ``audio.track``: ``CueTrack``, a session's cues on a timeline, rendered to one WAV;
* ``audio.player``: ``open_player``, fire-and-forget playback through the system's own player
  command, silent with a message when there is no audio output.

Pure numpy and the standard library: no cv2, no mediapipe, no new dependency.
"""
