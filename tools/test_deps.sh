#!/usr/bin/env bash
# What the tests need beyond pip: Debian's Chromium, to draw the HTML report headless.
# Idempotent and quiet; does nothing when /usr/bin/chromium (or $FORMCHECK_CHROMIUM) exists.
set -euo pipefail
if [ -n "${FORMCHECK_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then exit 0; fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
