#!/usr/bin/env bash
# The console's journeys run in a real browser: Debian's chromium, driven through its chromedriver (ConsoleJourneyTest).
# Installs both when missing and this user may; otherwise says what to install.
set -euo pipefail
found() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ]; }
if found chromium && found chromedriver; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "forge: installing chromium and chromium-driver (the console's browser tests) ..." >&2
  install_chromium() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver >&2; }
  install_chromium || { apt-get update -q >&2 && install_chromium; }
  exit 0
fi
echo "forge: chromium and chromedriver are needed by the console tests (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)" >&2
exit 1
