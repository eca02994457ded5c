#!/usr/bin/env bash
# nginx runs in the tests as the balancer in front of Forge's replicas (the production compose file's configuration,
# docker/nginx/forge-balancer.conf). Installs Debian's nginx-light when it is missing and this user may; otherwise
# says what to install.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "forge: installing nginx-light (the replica tests' balancer) ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >&2; }
  exit 0
fi
echo "forge: nginx is needed by the replica tests (Debian/Ubuntu: sudo apt-get install nginx-light)" >&2
exit 1
