#!/usr/bin/env bash
# Makes sure the Debian tools the tests compare against are present: chromium (the HTML report test drives
# it through playwright-core; no browser is ever downloaded) and cabextract (the CAB reader is checked
# byte-for-byte against it). Installs the Debian packages when running as root; otherwise says what to do.
# Every step says what it does and why on stderr, and apt's own progress stays visible: installing
# chromium takes minutes and must not look like a hang.
set -euo pipefail
say() { echo "patchdx pretest: $*" >&2; }
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v cabextract >/dev/null 2>&1 || missing+=(cabextract)
if [ ${#missing[@]} -eq 0 ]; then
  say "chromium and cabextract are present (HTML report test, CAB reader check); nothing to install"
  exit 0
fi
for p in "${missing[@]}"; do
  case $p in
    chromium) say "missing: chromium (the HTML report test renders the report in it)" ;;
    cabextract) say "missing: cabextract (the CAB reader is checked byte-for-byte against it)" ;;
  esac
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "step 1/2: apt-get update — refreshing the package lists so the packages can be found"
  apt-get update
  say "step 2/2: apt-get install ${missing[*]} — chromium pulls in many libraries; this can take minutes"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  say "installed: ${missing[*]}"
else
  say "not root or no apt-get: install them with: sudo apt-get install ${missing[*]} (the HTML report and CAB tests need them)"
fi
