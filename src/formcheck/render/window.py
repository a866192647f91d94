"""The live window (OpenCV's HighGUI). Q or Esc quits; so does closing the window."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np

from formcheck.errors import FormcheckError

QUIT_KEYS = {ord("q"), ord("Q"), 27}  # 27 = Esc
MAX_WINDOW_SIDE_PX = 960  # a 1080p portrait camera would not fit a laptop screen at full size


def display_available() -> bool:
    """Whether a window can open. On Linux, Qt aborts the process without an X or Wayland
    display, so it is checked first."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


class Window:
    def __init__(self, title: str, width_px: int, height_px: int) -> None:
        if not display_available():
            raise FormcheckError(
                "no display to open a window on", hint="run with --headless, or set DISPLAY"
            )
        self.title = title
        # GUI_NORMAL: no Qt toolbar or status bar, only the picture. A frame that fits is shown
        # at its size (AUTOSIZE: no resize racing the window's first appearance, which on a
        # loaded machine without a window manager left it unpainted); a bigger one is scaled.
        scale = min(1.0, MAX_WINDOW_SIDE_PX / max(width_px, height_px))
        if scale < 1.0:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL)
            cv2.resizeWindow(title, round(width_px * scale), round(height_px * scale))
        else:
            cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
        # show it now, before the model loads
        cv2.imshow(title, np.zeros((height_px, width_px, 3), np.uint8))
        cv2.waitKey(1)
        self._open = True

    def show(self, frame: np.ndarray) -> bool:
        """Show a frame; False once the user asked to quit (key or closed window)."""
        if not self._open:
            return False
        cv2.imshow(self.title, frame)
        key = cv2.waitKey(1) & 0xFF
        if key in QUIT_KEYS:
            return False
        try:
            if cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
                return False
        except cv2.error:  # the window was destroyed
            return False
        return True

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                cv2.destroyWindow(self.title)
                cv2.waitKey(1)
            except cv2.error:
                pass
