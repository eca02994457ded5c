#!/usr/bin/env bash
# Forge's footprint with every role in one process: `bin/forge serve` with the demo config/forge.yaml (one stdio
# upstream, server-everything; config/services.yml's server-memory under the service manager), as `make run` starts
# it, on 127.0.0.1 only. Each run starts a fresh Forge on the same registry (migrated by the token created first)
# and measures
#   start -> ready     from the exec of bin/forge to the gateway's /ready answering 200 (polled every 10 ms); also
#                      the CPU time Forge used until then (user + system, every thread), which load from other
#                      processes on the machine does not inflate as it does the wall time
#   idle RSS           Forge's resident memory (VmRSS of the JVM; not its child processes) IDLE seconds after ready
#   sessions RSS       after SESSIONS MCP sessions (initialize + notifications/initialized over Streamable HTTP,
#                      kept open) and IDLE more seconds; the delta to the idle figure
# then prints the median of the runs next to each target (met / MISSED) and exits 1 if one is missed.
# Usage: bench/memory.sh [RUNS] [SESSIONS] [IDLE]      (defaults 3 runs, 10000 sessions, 10 s)
#   FORGE_MEMORY_NMT=1   also prints the JVM's native memory summary (NMT) at idle in each run
#   FORGE_JAVA_OPTS      passed on to bin/forge as usual (added after its defaults)
#   FORGE_BENCH_CONFIG   the forge.yaml to start with (default config/forge.yaml, the demo: two Node servers);
#                        bench/one-upstream/forge.yaml has one small stdio upstream and no service
# Bounded: every wait has a limit; every process started here is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
runs=${1:-3}
sessions=${2:-10000}
idle=${3:-10}
target_idle_mb=150
target_ready_ms=2000
target_delta_mb=60
[ -f target/forge.jar ] || { echo "bench: target/forge.jar is missing; run 'make build' first" >&2; exit 1; }
require_tool python3 python3
require_tool curl curl
scripts/install-peers.sh
bench_workspace

nmt_opts=""
if [ -n "${FORGE_MEMORY_NMT:-}" ]; then
  java_home=$(scripts/java-home.sh --runtime)
  nmt_opts="-XX:NativeMemoryTracking=summary"
fi
gateway_port=$(free_port)
cat >"$work/forge.env" <<ENV
JWT_SECRET=$bench_secret
DATABASE_URL=sqlite:///$work/forge.db
DATA_PATH=$work
FORGE_DEMO_DIR=$work
AUDIT_LOG_PATH=$work/audit.log
LOG_LEVEL=warn
RATE_LIMIT_PER_MINUTE=100000000
MAX_SESSIONS_PER_PRINCIPAL=$((sessions + 100))
GATEWAY_HOST=127.0.0.1
FORGE_SERVICE_MANAGER_PORT=$(free_port)
TOOL_ROUTER_PORT=$(free_port)
ENV
token=$(bin/forge token create --env-file "$work/forge.env" --name bench-memory --role developer --expires 1h \
  2>/dev/null | tail -n 1)
[ -n "$token" ] || { echo "bench: could not create a token (bin/forge token create)" >&2; exit 1; }

tick=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$tick" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
now_ns() { date +%s%N; }

# stop_forge PID: SIGTERM (Forge stops its own child processes), SIGKILL after 30 s
stop_forge() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }; sleep 0.1; done
  echo "bench: Forge (pid $1) still runs 30 s after SIGTERM; killing it" >&2
  pkill -KILL -P "$1" 2>/dev/null || true
  kill -KILL "$1" 2>/dev/null || true
}

# FORGE_BENCH_CONFIG: another forge.yaml (a services.yml beside it is read too), e.g. bench/one-upstream/forge.yaml
config=${FORGE_BENCH_CONFIG:-config/forge.yaml}
[ -r "$config" ] || { echo "bench: FORGE_BENCH_CONFIG: $config is not a readable file" >&2; exit 2; }
ready=(); cpu=(); idle_rss=(); full_rss=()
# The poll of /ready runs inside this shell: a curl and a sleep process every 10 ms took a third of a core from the
# start being measured, on two cores. GET /ready over bash's /dev/tcp; the 10 ms pause is a read that times out on
# a FIFO nobody writes to.
mkfifo "$work/never"
exec {never}<>"$work/never"
# ready_status PORT: the status code of GET /ready, or nothing while nothing listens
ready_status() {
  local line=""
  { exec {conn}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf 'GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$conn"
  IFS=' ' read -r -t 2 _ line _ <&"$conn" || true
  exec {conn}>&-
  echo "$line"
}
for run in $(seq 1 "$runs"); do
  start=$(now_ns)
  FORGE_PROCESS_PROTECTION=${nmt_opts:+false} FORGE_JAVA_OPTS="${FORGE_JAVA_OPTS:-} $nmt_opts" \
    bin/forge serve --config "$config" --env-file "$work/forge.env" --host 127.0.0.1 --port "$gateway_port" \
    >"$work/forge-$run.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  code=""
  for _ in $(seq 1 6000); do
    code=$(ready_status "$gateway_port")
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "bench: Forge exited while starting:" >&2; tail -n 20 "$work/forge-$run.log" >&2; exit 1; }
    read -r -t 0.01 -u "$never" || true
  done
  [ "$code" = 200 ] || { echo "bench: Forge is not ready after 60 s" >&2; exit 1; }
  ready+=($(( ($(now_ns) - start) / 1000000 )))
  cpu+=($(cpu_ms "$pid"))
  sleep "$idle"
  idle_rss+=($(rss_kb "$pid"))
  if [ -n "$nmt_opts" ]; then
    echo "--- run $run: native memory at idle (RSS $(( ${idle_rss[-1]} / 1024 )) MiB)"
    "$java_home/bin/jcmd" "$pid" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/^/  /'
  fi
  opened=$(timeout 300 python3 bench/sessions.py "$gateway_port" "$token" "$sessions") \
    || { echo "bench: opening $sessions sessions failed after ${opened:-0}" >&2; exit 1; }
  sleep "$idle"
  full_rss+=($(rss_kb "$pid"))
  printf 'run %d: start->ready %5d ms (CPU %5d ms), idle RSS %4d MiB, after %d sessions %4d MiB (+%d MiB)\n' "$run" \
    "${ready[-1]}" "${cpu[-1]}" $(( ${idle_rss[-1]} / 1024 )) "$opened" $(( ${full_rss[-1]} / 1024 )) \
    $(( (${full_rss[-1]} - ${idle_rss[-1]}) / 1024 ))
  stop_forge "$pid"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
deltas=(); for i in "${!idle_rss[@]}"; do deltas+=($(( full_rss[i] - idle_rss[i] ))); done
m_ready=$(median "${ready[@]}")
m_cpu=$(median "${cpu[@]}")
m_idle=$(( $(median "${idle_rss[@]}") / 1024 ))
m_full=$(( $(median "${full_rss[@]}") / 1024 ))
m_delta=$(( $(median "${deltas[@]}") / 1024 ))
missed=0
# line LABEL VALUE UNIT TARGET: one figure next to its target
line() {
  local verdict=met
  [ "$2" -le "$4" ] || { verdict=MISSED; missed=1; }
  printf '  %-34s %7s      target %-12s %s\n' "$1" "$2 $3" "<= $4 $3" "$verdict"
}
echo
echo "median of $runs runs ($(nproc) cores, $("$(scripts/java-home.sh --runtime)/bin/java" -version 2>&1 | head -n 1))"
line "idle RSS after start" "$m_idle" MiB "$target_idle_mb"
line "start -> ready" "$m_ready" ms "$target_ready_ms"
printf '  %-34s %7s      (load average %s)\n' "  CPU used until ready" "$m_cpu ms" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-34s %7s\n' "RSS after $sessions idle sessions" "$m_full MiB"
line "  delta for $sessions sessions" "$m_delta" MiB "$target_delta_mb"
exit "$missed"
