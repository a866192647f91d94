#!/usr/bin/env bash
# What the tests need beyond pip: Debian's Chromium, to draw the HTML report headless, and Xvfb,
# a virtual screen on which the live window is opened and screenshotted.
# Idempotent and quiet; installs only what is missing, with apt-get as root (or passwordless sudo).
# Otherwise it says in one line what is missing and how to get it, and exits 1: the tests that need
# them fail rather than skip, unless you opt out (the second half of that line).
#   FORMCHECK_CHROMIUM=/path/to/chrome   use another Chrome/Chromium
#   FORMCHECK_ALLOW_NO_BROWSER=1         skip the browser tests (no Chromium needed)
#   FORMCHECK_ALLOW_NO_XVFB=1            skip the live window test (no Xvfb needed)
set -euo pipefail
me="tools/test_deps.sh"
need=()
if [ -n "${FORMCHECK_CHROMIUM:-}" ]; then
    if [ ! -x "$FORMCHECK_CHROMIUM" ]; then
        echo "$me: FORMCHECK_CHROMIUM=$FORMCHECK_CHROMIUM is not an executable file" >&2
        exit 1
    fi
elif [ "${FORMCHECK_ALLOW_NO_BROWSER:-}" != 1 ] && ! command -v chromium >/dev/null 2>&1 \
        && ! command -v chromium-browser >/dev/null 2>&1; then
    need+=(chromium)
fi
if [ "${FORMCHECK_ALLOW_NO_XVFB:-}" != 1 ] && ! command -v Xvfb >/dev/null 2>&1; then need+=(xvfb); fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi

install="apt-get install -y --no-install-recommends ${need[*]}"
optout="or run the tests without them: FORMCHECK_CHROMIUM=/path/to/chromium or FORMCHECK_ALLOW_NO_BROWSER=1 (browser tests skipped), FORMCHECK_ALLOW_NO_XVFB=1 (window test skipped)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$me: missing ${need[*]} and no apt-get here (not Debian): install them with your package manager, $optout" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
else
    echo "$me: missing ${need[*]}, and installing needs root (no passwordless sudo): as root run \`$install\`, $optout" >&2
    exit 1
fi
if ! ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        || ! ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive $install -qq >/dev/null; then
    echo "$me: \`$install\` failed (above); install ${need[*]} by hand, $optout" >&2
    exit 1
fi
