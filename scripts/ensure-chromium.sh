#!/usr/bin/env bash
# Makes sure Debian's Chromium is present for the HTML report test (playwright-core drives it; no
# browser is ever downloaded). Installs the Debian package when running as root; otherwise says what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "patchdx: installing Debian's chromium for the HTML report test…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "patchdx: the HTML report test needs Debian's chromium: sudo apt-get install chromium" >&2
fi
