#!/usr/bin/env bash
# promtool checks and unit-tests monitoring/alerting.yml, and a real prometheus scrapes a test gateway and answers
# every panel of grafana-dashboard.json (PromtoolRulesTest, PrometheusScrapeTest). Installs Debian's prometheus when
# either is missing and this user may; otherwise says what to install.
set -euo pipefail
found() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ]; }
if found promtool && found prometheus; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "forge: installing prometheus (promtool and the server, for the monitoring tests) ..." >&2
  # no recommends: the node exporter would be one more service, on port 9100, that the tests never use
  install_prometheus() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >&2; }
  install_prometheus || { apt-get update -q >&2 && install_prometheus; }
  # The package starts a system-wide prometheus on :9090 where services may start. The tests run their own on a
  # free port, so the one just installed is stopped and kept from starting at boot.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >&2 || true
  elif command -v service >/dev/null 2>&1; then
    service prometheus stop >&2 || true
    command -v update-rc.d >/dev/null 2>&1 && { update-rc.d prometheus disable >&2 || true; }
  fi
  exit 0
fi
echo "forge: promtool and prometheus are needed by the monitoring tests (Debian/Ubuntu: sudo apt-get install prometheus)" >&2
exit 1
