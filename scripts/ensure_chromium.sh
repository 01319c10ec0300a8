#!/usr/bin/env bash
# Debian's Chromium for the Playwright browser tests (tests/browser). Idempotent: installs only
# when /usr/bin/chromium is missing. `playwright install` cannot download browsers here, so the
# tests launch this binary through executable_path.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM is missing and apt-get is not available" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium; then
    "$CHROMIUM" --version
elif [ "${CI:-}" = "true" ]; then
    echo "ensure_chromium: could not install Chromium; the browser tests need it" >&2
    exit 1
else
    echo "ensure_chromium: could not install Chromium; the browser tests will skip" >&2
fi
