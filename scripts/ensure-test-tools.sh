#!/usr/bin/env bash
# Makes sure the Debian tools the tests compare against are present: chromium (the HTML report test drives
# it through playwright-core; no browser is ever downloaded) and cabextract (the CAB reader is checked
# byte-for-byte against it). Installs the Debian packages when running as root; otherwise says what to do.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v cabextract >/dev/null 2>&1 || missing+=(cabextract)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "patchdx: installing Debian packages for the tests: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "patchdx: the tests need Debian packages: sudo apt-get install ${missing[*]}" >&2
fi
