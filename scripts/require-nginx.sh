#!/usr/bin/env bash
# nginx runs in the tests as the balancer in front of Forge's replicas (the production compose file's configuration,
# docker/nginx/forge-balancer.conf).
set -euo pipefail
. "$(dirname "$0")/debian-packages.sh"
require_packages "the replica tests' balancer" "nginx" nginx-light || true
