# Shared by the benchmark scripts (sourced, with $work set): loopback ports, waiting for a server, an MCP session.
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
