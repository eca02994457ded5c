#!/usr/bin/env bash
# The console's journeys run in a real browser: Debian's chromium, driven through its chromedriver (Console*JourneyTest).
set -euo pipefail
. "$(dirname "$0")/debian-packages.sh"
require_packages "the console's browser tests" "chromium chromedriver" chromium chromium-driver || true
