# Shared by the benchmark scripts (sourced; $work is set before the functions that use it run): the common options,
# loopback ports, waiting for a server, an MCP session.

# bench_options [DURATION] [CONNECTIONS]: sets duration, connections, warmup (FORGE_BENCH_WARMUP) and lua
# (FORGE_BENCH_LUA, default the shared method); checks for wrk and installs the pinned peers.
bench_options() {
  duration=${1:-10s}
  connections=${2:-16}
  warmup=${FORGE_BENCH_WARMUP:-8s}
  lua=${FORGE_BENCH_LUA:-$root/bench/mcp-tools-call.lua}
  command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
  scripts/install-peers.sh
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "bench: $1 did not come up" >&2; exit 1; }

# initialize + notifications/initialized on an MCP endpoint; prints the session id. Usage: session URL [TOKEN]
session() {
  local auth=(); [ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
  curl -s -D "$work/h.txt" -o /dev/null -X POST "$1" "${auth[@]}" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
  local sid; sid=$(grep -i '^mcp-session-id:' "$work/h.txt" | awk '{print $2}' | tr -d '\r')
  curl -s -o /dev/null -X POST "$1" "${auth[@]}" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H "mcp-session-id: $sid" -H 'mcp-protocol-version: 2025-06-18' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  echo "$sid"
}
