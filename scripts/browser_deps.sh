#!/usr/bin/env bash
# Make sure Debian's Chromium and npm are present (browser tests; Solara's assets come from npm).
# Installs them with apt-get when missing and we may; otherwise says what to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "error: the browser tests need ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
