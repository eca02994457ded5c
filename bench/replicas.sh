#!/usr/bin/env bash
# Forge replicas behind the production balancer (docker/nginx/forge-balancer.conf, round-robin, no stickiness), side by
# side in one run: one, two and three gateway replicas sharing one SQLite registry and the local Redis, each federating
# server-everything over stdio (one shared upstream session per replica). For each count: rps, p50, p99 and the CPU
# each replica used per answer, with the shared load script (bench/mcp-tools-call.lua) on one session whose requests
# the balancer spreads over every replica. Then the cross-replica path: the same session's calls sent straight to the
# replica that began it and straight to another one, without the balancer.
# Loopback only; every wrk run is bounded by DURATION (after FORGE_BENCH_WARMUP, default 15s); every process started
# here is stopped on exit. Needs wrk, nginx and Redis on 127.0.0.1:6379 (database 13 is used and emptied).
# Usage: bench/replicas.sh [DURATION] [CONNECTIONS]      (defaults 10s 16)
#   FORGE_BENCH_RATE_LIMIT=0   without the shared rate limit (on by default, as in production: a Redis call a request)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
bench_options "$@"
require_tool nginx nginx-light
require_tool redis-cli redis-tools
[ -f target/forge.jar ] || { echo "bench: target/forge.jar is missing; run 'make build' first" >&2; exit 1; }
redis-cli -n 13 flushdb >/dev/null
bench_workspace

cat >"$work/replica.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
    session_mode: shared
YAML
forge_env "$work/replica.env" shared
echo "REDIS_URL=redis://127.0.0.1:6379/13" >>"$work/replica.env"
# FORGE_BENCH_RATE_LIMIT=0 turns the shared rate limit off (with it on, every request takes its token from Redis)
if [ -n "${FORGE_BENCH_RATE_LIMIT:-}" ]; then
  sed -i "s/^RATE_LIMIT_PER_MINUTE=.*/RATE_LIMIT_PER_MINUTE=$FORGE_BENCH_RATE_LIMIT/" "$work/replica.env"
fi
token=$(bin/forge token create --env-file "$work/replica.env" --name bench --role developer --expires 1h 2>/dev/null | tail -n 1)
ports=(); replica_pids=()
for i in 1 2 3; do
  port=$(free_port)
  start_forge replica "$port" "$work/replica.env"
  ports+=("$port"); replica_pids+=("$forge_pid")
done

# start_balancer N: the shipped configuration in front of the first N replicas; sets balancer_port and balancer_pid
start_balancer() {
  local dir="$work/balancer-$1" servers="" i
  mkdir -p "$dir/logs"
  for i in $(seq 0 $(($1 - 1))); do servers+="        server 127.0.0.1:${ports[$i]} max_fails=1 fail_timeout=5s;\n"; done
  balancer_port=$(free_port)
  local other; other=$(free_port)
  sed -e "s|^\s*server gateway:4444.*$|$servers|" -e "s|^\s*server tool-router:8001.*$|$servers|" \
      -e "s|listen 4444;|listen 127.0.0.1:$balancer_port;|" -e "s|listen 8001;|listen 127.0.0.1:$other;|" \
      -e "s|^error_log .*$|error_log $dir/logs/error.log warn;|" -e "s|^worker_processes .*$|worker_processes 1;|" \
      docker/nginx/forge-balancer.conf >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g "daemon off; pid $dir/nginx.pid;" >"$dir/logs/out.log" 2>&1 &
  balancer_pid=$!
  pids+=("$balancer_pid")
  wait_http "http://127.0.0.1:$balancer_port/health"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)
failed=0
: >"$work/results"

# run NAME URL SESSION PID...: warm-up, measured run; prints rps, p50, p99 and each PID's CPU µs per good answer
run() {
  local name=$1 url=$2 sid=$3; shift 3
  MCP_SID=$sid MCP_TOKEN=$token MCP_TOOL=stdio__echo wrk -t2 -c"$connections" -d"$warmup" -s "$lua" "$url" >"$work/$name.warmup" 2>&1 || failed=1
  local before=() p; for p in "$@"; do before+=("$(cpu_ticks "$p")"); done
  MCP_SID=$sid MCP_TOKEN=$token MCP_TOOL=stdio__echo wrk -t2 -c"$connections" -d"$duration" -s "$lua" "$url" >"$work/$name.wrk" 2>&1 || failed=1
  local line good split="" i=0
  line=$(grep '^rps=' "$work/$name.wrk" || echo "rps=0 p50_ms=0 p99_ms=0 good=0 bad=0 (wrk: $(tail -1 "$work/$name.wrk"))")
  good=$(sed -n 's/.*good=\([0-9]*\).*/\1/p' <<<"$line"); good=${good:-0}
  for p in "$@"; do
    split+=" $(( good > 0 ? ($(cpu_ticks "$p") - before[i]) * 1000000 / ticks_per_s / good : 0 ))"
    i=$((i + 1))
  done
  grep -q 'FAILED' "$work/$name.wrk" && failed=1
  printf '  %-22s %s cpu_us_per_replica=%s\n' "$name" "$line" "${split# }" | tee -a "$work/results" >&2
}

echo "bench: replicas behind docker/nginx/forge-balancer.conf, $duration per run after a $warmup warm-up, wrk -t2 -c$connections" >&2
for n in 1 2 3; do
  start_balancer "$n"
  sid=$(session "http://127.0.0.1:$balancer_port/mcp" "$token")
  run "$n-replica(s)" "http://127.0.0.1:$balancer_port/mcp" "$sid" "${replica_pids[@]:0:$n}"
  kill "$balancer_pid"; wait "$balancer_pid" 2>/dev/null || true
done

# the cross-replica path: a session begun on replica 1, its calls sent to replica 1 and to replica 2 directly
sid=$(session "http://127.0.0.1:${ports[0]}/mcp" "$token")
run "session's-own-replica" "http://127.0.0.1:${ports[0]}/mcp" "$sid" "${replica_pids[0]}"
run "another-replica" "http://127.0.0.1:${ports[1]}/mcp" "$sid" "${replica_pids[1]}"

python3 - "$work/results" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    rows[name] = {k: v for k, v in re.findall(r"(\w+)=([\w.]+)", line)}
    rows[name]["cpu"] = line.split("cpu_us_per_replica=")[1].split()
print(f"{'run':<24}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}  CPU us/answer per replica")
for name, r in rows.items():
    print(f"{name:<24}{int(r['rps']):>9,}{float(r['p50_ms']):>9.2f}{float(r['p99_ms']):>9.2f}  {' / '.join(r['cpu'])}")
one = int(rows["1-replica(s)"]["rps"])
for n in ("2-replica(s)", "3-replica(s)"):
    print(f"  {n} / 1-replica(s): {int(rows[n]['rps']) / one:.2f}  (the two cores are shared by every replica, nginx and wrk)")
own, other = rows["session's-own-replica"], rows["another-replica"]
print(f"  another replica vs the session's own: p50 {float(other['p50_ms']) - float(own['p50_ms']):+.2f} ms, "
      f"rps {int(other['rps']) / int(own['rps']):.2f}x")
PY
if [ "$failed" != 0 ]; then
  echo "bench: FAILED: a run had bad answers or socket errors (see above)" >&2
  exit 1
fi
