"""Headless Chromium for the HTML pages' browser tests: load a page once and keep its screenshot,
DOM, console and the requests it made (Chromium's net log), so a test can prove a page draws
without an error and fetches nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest


def chromium() -> str:
    """Debian's chromium (or FORMCHECK_CHROMIUM). Missing: fail, unless the developer opted out."""
    exe = os.environ.get("FORMCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    how = ("the HTML report is checked in headless Chromium: install it with "
           "`sudo apt-get install -y --no-install-recommends chromium` (or point FORMCHECK_CHROMIUM at "
           "a Chrome/Chromium binary); set FORMCHECK_ALLOW_NO_BROWSER=1 to skip these tests")
    if os.environ.get("FORMCHECK_ALLOW_NO_BROWSER") == "1":
        pytest.skip(how)
    pytest.fail(how)


@dataclasses.dataclass
class Browsed:
    png: np.ndarray  # the screenshot, BGR
    dom: str  # the DOM after load
    console: list[str]  # what the page logged (CSP violations, script errors, failed loads)
    page_requests: list[str]  # http(s) URLs the page itself asked for


def browse(page: Path, out: Path, window: tuple[int, int] = (1200, 5000)) -> Browsed:
    """Load a page once in headless Chromium: screenshot, DOM, console and network log together."""
    png, netlog = out / "shot.png", out / "net.json"
    cmd = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={out / 'profile'}",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}", "--dump-dom",
        f"--screenshot={png}", f"--window-size={window[0]},{window[1]}", page.as_uri(),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and png.is_file(), run.stderr[-3000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return Browsed(cv2.imread(str(png)), run.stdout, console, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """http(s) requests a file:// page started, from Chromium's net log. Chromium's own background
    traffic (update checks and the like) has no origin and is left out."""
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for ev in log["events"]:
        p = ev.get("params", {})
        if ev["type"] != start_job or not p.get("url", "").startswith(("http:", "https:")):
            continue
        initiator, nik = str(p.get("initiator", "")), str(p.get("network_isolation_key", ""))
        if initiator == "null" or initiator.startswith("file:") or "file://" in nik:
            urls.append(p["url"])
    return urls
