#!/usr/bin/env bash
# promtool checks and unit-tests monitoring/alerting.yml, and a real prometheus scrapes a test gateway and answers
# every panel of grafana-dashboard.json (PromtoolRulesTest, PrometheusScrapeTest).
set -euo pipefail
. "$(dirname "$0")/debian-packages.sh"
status=0
require_packages "the monitoring tests" "promtool prometheus" prometheus || status=$?
if [ "$status" = 2 ]; then
  # The package starts a system-wide prometheus on :9090 where services may start. The tests run their own on a
  # free port, so the one just installed is stopped and kept from starting at boot.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >&2 || true
  elif command -v service >/dev/null 2>&1; then
    service prometheus stop >&2 || true
    command -v update-rc.d >/dev/null 2>&1 && { update-rc.d prometheus disable >&2 || true; }
  fi
fi
