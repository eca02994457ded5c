#!/usr/bin/env bash
# Measures one MCP tools/call with the shared load method (bench/mcp-tools-call.lua), every path side by side in one
# run, and prints rps and latency per path and the ratios that matter:
#   direct           server-everything's own Streamable HTTP mode (its echo tool), no gateway
#   gateway-http     client -> Forge /mcp -> that same Streamable HTTP server-everything       ratio to direct
#   gateway-stdio    client -> Forge /mcp -> server-everything over stdio
#   gateway-hop      client -> a second Forge -> the first Forge's /gateways/stdio/mcp -> stdio  ratio to gateway-stdio
#   gateway-open     the gateway-stdio path through a Forge with security off                    (what auth, rate limit
#                                                                                                 and audit cost)
#   nginx            nginx alone answering a static JSON document (the fastest HTTP upstream at hand)
#   gateway-rest     client -> Forge /mcp -> a REST-backed tool (Forge's built-in "rest" upstream) -> that nginx
#   gateway-rest-hop client -> the second Forge -> the first Forge's /gateways/rest/mcp (its in-process upstream)
#                    -> nginx: another Forge's own tools, federated over Streamable HTTP          ratio to gateway-rest
# Besides rps, p50 and p99, each path shows the CPU time its Forge processes (or, for direct and nginx, the server)
# spent per answer: on a shared machine it is less sensitive than rps to what else runs (though not immune).
# Every Forge runs as in production: tokens required, rate limit (above what the run sends) and audit file on.
# Exits 1 if any path had a bad answer (not HTTP 200 with the echoed text, e.g. a JSON-RPC error) or a socket error.
# Loopback only; each wrk run is bounded by DURATION, after a warm-up until the path is steady (FORGE_BENCH_WARMUP to
# FORGE_BENCH_WARMUP_MAX, in seconds: see warm_up below); every process started here is stopped on exit.
# Usage: bench/run.sh [DURATION] [CONNECTIONS]      (defaults 10s 16)
#   FORGE_BENCH_PATHS="nginx gateway-rest"  measures only the paths named (default: all, in the order above)
#   FORGE_BENCH_HOLD=SECONDS                starts everything, prints the ports and URLs, waits, measures nothing
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
bench_options "$@"
require_tool nginx nginx-light
[ -f target/forge.jar ] || { echo "bench: target/forge.jar is missing; run 'make build' first" >&2; exit 1; }
all_paths="direct gateway-http gateway-stdio gateway-hop gateway-open nginx gateway-rest gateway-rest-hop"
paths=${FORGE_BENCH_PATHS:-$all_paths}
for p in $paths; do
  case " $all_paths " in *" $p "*) ;; *) echo "bench: unknown path '$p' (known: $all_paths)" >&2; exit 2 ;; esac
done
bench_workspace

# the upstreams: server-everything over Streamable HTTP (the stdio one is started by Forge), nginx
direct_port=$(free_port)
PORT=$direct_port "$node" "$everything" streamableHttp >"$work/direct.log" 2>&1 & pids+=($!)
direct_pid=$!
nginx_port=$(free_port)
start_nginx "$nginx_port"
wait_http "http://127.0.0.1:$direct_port/mcp"

# the first Forge: stdio and Streamable HTTP server-everything, and (registered below) the REST tool on nginx
gateway_port=$(free_port)
cat >"$work/gateway.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
  - name: http
    transport: streamable-http
    url: http://127.0.0.1:$direct_port/mcp
YAML
forge_env "$work/gateway.env" gateway
token=$(bin/forge token create --env-file "$work/gateway.env" --name bench --role developer --expires 1h 2>/dev/null | tail -n 1)
admin=$(bin/forge token create --env-file "$work/gateway.env" --name bench-admin --role admin --expires 1h 2>/dev/null | tail -n 1)
start_forge gateway "$gateway_port" "$work/gateway.env"
gateway_pid=$forge_pid
# loopback REST targets are allowed by default (SSRF_ALLOW_LOCALHOST=true); nothing private-range is involved
register_rest_tool "$gateway_port" "$admin" hello "http://127.0.0.1:$nginx_port/hello"

# the second Forge: federates two of the first Forge's upstreams over Streamable HTTP, with the same kind of token
hop_port=$(free_port)
cat >"$work/hop.yaml" <<YAML
gateways:
  - name: hop
    transport: streamable-http
    url: http://127.0.0.1:$gateway_port/gateways/stdio/mcp
    headers: { Authorization: "Bearer $token" }
  - name: inner
    transport: streamable-http
    url: http://127.0.0.1:$gateway_port/gateways/rest/mcp
    headers: { Authorization: "Bearer $token" }
YAML
forge_env "$work/hop.env" hop
start_forge hop "$hop_port" "$work/hop.env"
hop_pid=$forge_pid

# The same stdio path with security off (no key: loopback served without a token; no rate limit; no audit file), so
# the ratio gateway-stdio / gateway-open is what authentication, rate limiting and auditing cost.
open_port=$(free_port)
cat >"$work/open.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
YAML
DATABASE_URL="sqlite:///$work/open.db" RATE_LIMIT_PER_MINUTE=0 AUDIT_LOG_PATH=off start_forge open "$open_port"
open_pid=$forge_pid

if [ -n "${FORGE_BENCH_HOLD:-}" ]; then
  echo "direct=http://127.0.0.1:$direct_port/mcp gateway=$gateway_port hop=$hop_port open=$open_port nginx=$nginx_port"
  echo "token: $token"
  sleep "$FORGE_BENCH_HOLD"; exit 0
fi

# cpu_ticks PID...: CPU time (user + system, all threads, in clock ticks) the processes have used so far
cpu_ticks() { local p t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
ticks_per_s=$(getconf CLK_TCK)

# warm_up NAME URL TOOL TOKEN SID: load in slices of FORGE_BENCH_SLICE seconds (default 5) until the path is in its
# steady state — a slice no longer gains 5 % over the one before — after FORGE_BENCH_WARMUP at least (default 15s)
# and FORGE_BENCH_WARMUP_MAX at most (default 150s). The JIT settles at a pace set by how often each method runs, so
# a path through two Forges (each seeing the calls at a fraction of one Forge's rate) takes several times as long as
# one Forge; a fixed warm-up measured one path warm and the other half compiled. Prints the seconds it took, with a
# "+" when it stopped at the cap unsettled.
warm_up() {
  local slice=${FORGE_BENCH_SLICE:-5} min=${warmup%s} max=${FORGE_BENCH_WARMUP_MAX:-150s} spent=0 before=0 now rc
  max=${max%s}
  while :; do
    rc=0
    MCP_SID=$5 MCP_TOKEN=$4 MCP_TOOL=$3 wrk -t2 -c"$connections" -d"${slice}s" -s "$lua" "$2" >"$work/$1.warmup" 2>&1 || rc=$?
    [ $rc -eq 0 ] || echo "$1 (warm-up): $(grep -h '^rps=\|FAILED' "$work/$1.warmup" | tr '\n' ' ')" >>"$work/failed"
    spent=$((spent + slice))
    now=$(sed -n 's/^rps=\([0-9]*\).*/\1/p' "$work/$1.warmup"); now=${now:-0}
    if [ "$spent" -ge "$min" ] && [ "$now" -gt 0 ] && [ $((now * 100)) -lt $((before * 105)) ]; then
      echo "$spent"; return 0
    fi
    if [ "$spent" -ge "$max" ]; then echo "$spent+"; return 0; fi
    before=$now
  done
}

# measure NAME URL TOOL TOKEN PID...: a warm-up, then the measured run; appends "NAME rps=… p50_ms=… cpu_us=…" to
# $work/results, cpu_us being the CPU time the processes PID... used per good answer during the measured run. A path whose warm-up or measured run had bad answers is named
# in $work/failed (the run goes on with the others).
measure() {
  local sid=""
  [ "$1" != nginx ] && sid=$(session "$2" "$4")
  local out="$work/$1.wrk" rc=0
  local warmed; warmed=$(warm_up "$1" "$2" "$3" "$4" "$sid")
  local p before=() after=()
  for p in "${@:5}"; do before+=("$(cpu_ticks "$p")"); done
  MCP_SID=$sid MCP_TOKEN=$4 MCP_TOOL=$3 wrk -t2 -c"$connections" -d"$duration" -s "$lua" "$2" >"$out" 2>&1 || rc=$?
  for p in "${@:5}"; do after+=("$(cpu_ticks "$p")"); done
  local line; line=$(grep '^rps=' "$out" || echo "rps=0 p50_ms=0 p99_ms=0 good=0 bad=0 socket_errors=0 (wrk: $(tail -1 "$out"))")
  local good; good=$(sed -n 's/.*good=\([0-9]*\).*/\1/p' <<<"$line"); good=${good:-0}
  # per process too (a hop: the Forge the client calls first, then the one behind it)
  local i used=0 each=""
  for i in "${!before[@]}"; do
    local u=$(( after[i] - before[i] )); used=$((used + u))
    each="$each${each:++}$(( good > 0 ? u * 1000000 / ticks_per_s / good : 0 ))"
  done
  line="$line cpu_us=$(( good > 0 ? used * 1000000 / ticks_per_s / good : 0 )) cpu_us_each=$each warmup_s=$warmed"
  [ $rc -eq 0 ] || echo "$1: $line" >>"$work/failed"
  echo "$1 $line" >>"$work/results"
  printf '  %-17s %s\n' "$1" "$line" >&2
}
# The load script itself is checked first: pointed at a tool that does not exist (JSON-RPC errors under HTTP 200),
# it must count the answers bad and exit non-zero, or none of the figures below could be trusted.
probe_sid=$(session "http://127.0.0.1:$gateway_port/mcp" "$token")
if MCP_SID=$probe_sid MCP_TOKEN=$token MCP_TOOL=bench_no_such_tool wrk -t1 -c2 -d1s -s "$lua" \
     "http://127.0.0.1:$gateway_port/mcp" >"$work/probe.wrk" 2>&1 || ! grep -q 'bad=[1-9]' "$work/probe.wrk"; then
  echo "bench: $lua does not flag error answers (JSON-RPC errors under HTTP 200):" >&2; cat "$work/probe.wrk" >&2; exit 1
fi
echo "bench: the load script flags error answers ($(grep -o 'bad=[0-9]*' "$work/probe.wrk") on an unknown tool)" >&2
: >"$work/results"
echo "bench: $duration per path after a warm-up until steady (${warmup} to ${FORGE_BENCH_WARMUP_MAX:-150s}), wrk -t2 -c$connections; paths: $paths" >&2
gw="http://127.0.0.1:$gateway_port/mcp"
for p in $paths; do
  case $p in
    # the processes after the token: whose CPU time per call is reported (the Forges on the path; the server alone)
    direct)           measure direct "http://127.0.0.1:$direct_port/mcp" echo "" "$direct_pid" ;;
    gateway-http)     measure gateway-http "$gw" http__echo "$token" "$gateway_pid" ;;
    gateway-stdio)    measure gateway-stdio "$gw" stdio__echo "$token" "$gateway_pid" ;;
    gateway-hop)      measure gateway-hop "http://127.0.0.1:$hop_port/mcp" hop__echo "$token" "$hop_pid" "$gateway_pid" ;;
    gateway-open)     measure gateway-open "http://127.0.0.1:$open_port/mcp" stdio__echo "" "$open_pid" ;;
    nginx)            measure nginx "http://127.0.0.1:$nginx_port/mcp" echo "" "$nginx_pid" $(pgrep -P "$nginx_pid") ;;
    gateway-rest)     measure gateway-rest "$gw" rest__hello "$token" "$gateway_pid" ;;
    gateway-rest-hop) measure gateway-rest-hop "http://127.0.0.1:$hop_port/mcp" inner__hello "$token" "$hop_pid" "$gateway_pid" ;;
  esac
done
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status" 2>/dev/null || echo 0)

# the table, then the ratios (rps of the first path over the second; "target" where the project has one)
python3 - "$work/results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, *fields = line.split()
    rows[name] = dict(f.split("=", 1) for f in fields if "=" in f)
def cpu(name, r):  # a hop's total, then each Forge's share: "204 (122+81)"
    each = r.get("cpu_us_each", "")
    return r.get("cpu_us", "?") + (f" ({each})" if "hop" in name and "+" in each else "")
print(f"{'path':<17} {'rps':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/call':>12} {'good':>9} {'bad':>6} {'socket errors':>14} {'warm-up s':>10}")
for name, r in rows.items():
    failed = r.get("bad", "0") != "0" or r.get("socket_errors", "0") != "0" or r.get("good", "0") == "0"
    print(f"{name:<17} {float(r['rps']):>9,.0f} {float(r['p50_ms']):>8.2f} {float(r['p99_ms']):>8.2f} {cpu(name, r):>12} "
          f"{r.get('good', '?'):>9} {r.get('bad', '?'):>6} {r.get('socket_errors', '?'):>14} {r.get('warmup_s', '?'):>10}"
          f"{'  FAILED' if failed else ''}")
ratios = [
    ("gateway-http", "direct", 0.9, "Forge in front of an HTTP server vs that server alone"),
    ("gateway-hop", "gateway-stdio", 0.6, "one more Forge hop over Streamable HTTP"),
    ("gateway-stdio", "direct", None, "Forge over stdio vs the server's own HTTP mode"),
    ("gateway-stdio", "gateway-open", None, "security on vs off"),
    ("gateway-rest", "nginx", None, "Forge's REST tool vs its HTTP API alone"),
    ("gateway-rest-hop", "gateway-rest", None, "another Forge's in-process tools, one hop away"),
]
print("CPU us/call: CPU time of the Forge processes on the path (both for the hops, then the first one's and the second's;")
print("for direct and nginx, that server)")
print("per good answer during the measured run; upstreams and wrk are not counted for the gateway paths.")
shown = False
for a, b, target, what in ratios:
    if a in rows and b in rows and float(rows[b]["rps"]) > 0:
        if not shown:
            print("ratios (rps):")
            shown = True
        ratio = float(rows[a]["rps"]) / float(rows[b]["rps"])
        goal = "" if target is None else f"  target >= {target:.2f}: {'met' if ratio >= target else 'MISSED'}"
        print(f"  {a + ' / ' + b:<32} {ratio:6.2f}  {what}{goal}")
if "gateway-rest" in rows:
    r = rows["gateway-rest"]
    rps, p50 = float(r["rps"]), float(r["p50_ms"])
    print(f"gateway-rest: {rps:,.0f} calls/s (target >= 15,000: {'met' if rps >= 15000 else 'MISSED'}), "
          f"p50 {p50:.2f} ms (target <= 1 ms: {'met' if p50 <= 1.0 else 'MISSED'})")
PY
[ "$rss_kb" -gt 0 ] && echo "first Forge's resident memory after the run: $((rss_kb / 1024)) MiB"
if [ -s "$work/failed" ]; then
  echo "bench: FAILED: bad answers or socket errors on these paths (the figures above do not count):" >&2
  sed 's/^/  /' "$work/failed" >&2
  exit 1
fi
