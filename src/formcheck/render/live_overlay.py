"""What the live window adds to the annotated video's annotators: the cue of the moment in large
type, the target head with an "in zone" light, processing speed and capture-to-overlay latency.

Draw only, like render.annotators, from a ``LiveStatus`` the live loop fills in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck import vocab
from formcheck.render.draw import FAULT_BGR, GOOD_BGR, MUTED_BGR, TEXT_BGR, put_text, shade, stroke, text_size
from formcheck.render.layout import Rect, frame_layout


@dataclass(frozen=True)
class LiveStatus:
    fps: float  # frames processed per second, recently; NaN before there is a rate
    latency_ms: float  # capture to overlay, for this frame
    cue: str  # a vocab.CUES key, "" for none
    target: str | None  # the head being trained
    in_target_zone: bool
    sound: str  # "on", "muted" or "off" (no audio device)


class LiveStatusAnnotator:
    """A status strip over the scene's top edge: target head and whether the knee is in its zone,
    then fps, latency and sound."""

    def annotate(self, frame: np.ndarray, status: LiveStatus) -> np.ndarray:
        lay = frame_layout(frame)
        u = lay.unit_px
        area = lay.scene
        h = round(22 * u)
        strip = Rect(area.x, area.y, area.w, h)
        shade(frame, strip)
        scale, thick = 0.42 * u, stroke(u, 1)
        _, th = text_size("Ag", scale, thick)
        base = strip.y + (h + th) / 2
        fps = f"{status.fps:.0f} fps" if math.isfinite(status.fps) else "-- fps"
        lat = f"{status.latency_ms:.0f} ms" if math.isfinite(status.latency_ms) else "-- ms"
        right = f"{fps}  {lat}  sound {status.sound}"
        right_w = put_text(frame, right, strip.x1 - 6 * u, base, scale, MUTED_BGR, thick, "right",
                           max_w=strip.w / 2)
        x = strip.x + 6 * u
        if status.target:  # in what is left of the strip: the two sides never overlap
            room = strip.x1 - 6 * u - right_w - 10 * u - x
            light = GOOD_BGR if status.in_target_zone else MUTED_BGR
            word = "IN ZONE" if status.in_target_zone else "out of zone"
            r = round(5 * u)
            target = vocab.head(status.target)
            cv2.circle(frame, (round(x + r), round(strip.y + h / 2)), r, target.colour_bgr, -1, cv2.LINE_AA)
            room -= 2 * r + 5 * u
            x += 2 * r + 5 * u
            word_w, _ = text_size(word, scale, stroke(u, 1.4))
            label = f"target {target.gauge}:"
            label_w = put_text(frame, label, x, base, scale, TEXT_BGR, thick,
                               max_w=max(room - word_w - 5 * u, room * 0.4))
            x += label_w + 5 * u
            put_text(frame, word, x, base, scale, light, stroke(u, 1.4),
                     max_w=max(strip.x1 - 6 * u - right_w - 10 * u - x, 1.0))
        return frame


class CueAnnotator:
    """The cue of the moment in large type across the lower scene, on a red band."""

    def annotate(self, frame: np.ndarray, status: LiveStatus) -> np.ndarray:
        text = cue_words(status.cue)
        if not text:
            return frame
        lay = frame_layout(frame)
        u = lay.unit_px
        area = lay.scene
        h = round(44 * u)
        band = Rect(area.x, area.y1 - h - round(8 * u), area.w, h)
        shade(frame, band, FAULT_BGR, 0.85)
        thick = stroke(u, 2.4)
        scale = 1.0 * u
        _, th = text_size("A", scale, thick)
        put_text(frame, text, band.cx, band.y + (h + th) / 2, scale, TEXT_BGR, thick, "center",
                 max_w=band.w - 12 * u)
        return frame


def cue_words(cue: str) -> str:
    """What the screen shows for ``cue``: its words in vocab.CUES, else the key in capitals."""
    return vocab.CUES[cue].screen if cue in vocab.CUES else cue.replace("_", " ").upper()


LIVE_ANNOTATORS = (LiveStatusAnnotator(), CueAnnotator())


def annotate_live(frame: np.ndarray, status: LiveStatus) -> np.ndarray:
    for a in LIVE_ANNOTATORS:
        a.annotate(frame, status)
    return frame

