#!/usr/bin/env bash
# What the tests need beyond pip: Debian's Chromium, to draw the HTML report headless, and Xvfb,
# a virtual screen on which the live window is opened and screenshotted.
# Idempotent and quiet; installs only what is missing ($FORMCHECK_CHROMIUM names another Chromium).
set -euo pipefail
need=()
if [ -z "${FORMCHECK_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if ! command -v Xvfb >/dev/null 2>&1; then need+=(xvfb); fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
