#!/usr/bin/env bash
# Bytes Forge allocates per MCP tools/call, from a Java Flight Recording, for two paths through one Forge:
#   gateway-stdio  client -> Forge /mcp -> server-everything's echo over stdio
#   gateway-rest   client -> Forge /mcp -> a REST-backed tool -> nginx answering a static JSON document
# For each path: a warm-up under wrk, a forced GC (jcmd GC.run), exactly CALLS tools/call sent one after another on
# one session (each answer checked), a forced GC. Then an idle window of IDLE seconds between two forced GCs gives
# what Forge allocates with no calls (timers, the recorder), which is taken off in proportion to each window's length.
#
# The figure comes from the GC heap summaries (jdk.GCHeapSummary), not from sampling: after a forced GC the young
# generation is empty, so what was allocated between two forced GCs is, summed over every collection in between,
# (heap used before that collection) - (heap used after the one before). That counts every byte of every thread,
# virtual or platform, living or ended; it overcounts only the unused tails of TLABs at each collection.
# jdk.ThreadAllocationStatistics loses the threads that end and is sampled at its own period; the allocation samples
# (jdk.ObjectAllocationSample) are throttled estimates: their weights are printed as a cross-check and used to rank
# the allocating frames.
# Loopback only, bounded (each call has a timeout, each wait a limit); every process started here is stopped on exit.
# Usage: bench/alloc.sh [CALLS] [IDLE]      (defaults 20000 calls per path, 5 s idle)
#   FORGE_ALLOC_PATHS="gateway-rest"   one path only;  FORGE_BENCH_WARMUP  warm-up per path (default 8s)
#   FORGE_ALLOC_KEEP=DIR               copies the recording (alloc.jfr) and the per-window figures there
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. "$root/bench/lib.sh"
calls=${1:-20000}
idle=${2:-5}
warmup=${FORGE_BENCH_WARMUP:-8s}
lua=${FORGE_BENCH_LUA:-$root/bench/mcp-tools-call.lua}
paths=${FORGE_ALLOC_PATHS:-gateway-stdio gateway-rest}
require_tool wrk wrk
require_tool nginx nginx-light
[ -f target/forge.jar ] || { echo "bench: target/forge.jar is missing; run 'make build' first" >&2; exit 1; }
java_home=$(scripts/java-home.sh --runtime)
for t in jcmd jfr; do
  [ -x "$java_home/bin/$t" ] || { echo "bench: $java_home/bin/$t is missing: a full JDK (not a JRE) is needed" >&2; exit 1; }
done
scripts/install-peers.sh
bench_workspace

nginx_port=$(free_port)
start_nginx "$nginx_port"
port=$(free_port)
cat >"$work/gateway.yaml" <<YAML
gateways:
  - name: stdio
    command: ["$node", "$everything", "stdio"]
YAML
forge_env "$work/gateway.env" gateway
token=$(bin/forge token create --env-file "$work/gateway.env" --name bench --role developer --expires 1h 2>/dev/null | tail -n 1)
admin=$(bin/forge token create --env-file "$work/gateway.env" --name bench-admin --role admin --expires 1h 2>/dev/null | tail -n 1)
# bin/forge's own JVM options (FORGE_JAVA_OPTS comes after them) plus a recording from the start, so that starting the
# recorder does not fall inside a measured window. FORGE_PROCESS_PROTECTION=false lets jcmd attach (GC.run, JFR.dump).
FORGE_PROCESS_PROTECTION=false \
FORGE_JAVA_OPTS="${FORGE_ALLOC_JAVA_OPTS:-} -XX:StartFlightRecording=name=alloc,settings=profile,disk=true,maxsize=2g" \
  start_forge gateway "$port" "$work/gateway.env"
register_rest_tool "$port" "$admin" hello "http://127.0.0.1:$nginx_port/hello"
url="http://127.0.0.1:$port/mcp"

gc() { "$java_home/bin/jcmd" "$forge_pid" GC.run >/dev/null || { echo "bench: jcmd GC.run failed" >&2; exit 1; }; }

# drive SID TOOL: CALLS tools/call one after another on one keep-alive connection; stops at the first bad answer.
drive() {
  python3 - "$url" "$token" "$1" "$2" "$calls" <<'PY'
import http.client, sys, time, urllib.parse
url, token, sid, tool, calls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "mcp-protocol-version": "2025-06-18", "mcp-session-id": sid, "Authorization": "Bearer " + token}
start = time.monotonic()
for i in range(calls):
    body = ('{"jsonrpc":"2.0","id":"a-%d","method":"tools/call","params":{"name":"%s","arguments":{"message":"hello world"}}}'
            % (i, tool))
    conn.request("POST", u.path, body, headers)
    answer = conn.getresponse()
    text = answer.read()
    if answer.status != 200 or b"hello world" not in text:
        sys.exit("bench: call %d on %s answered HTTP %d: %s" % (i, tool, answer.status, text[:300].decode(errors="replace")))
print("%d calls in %.1f s" % (calls, time.monotonic() - start), file=sys.stderr)
PY
}

: >"$work/windows"
for p in $paths; do
  case $p in
    gateway-stdio) tool=stdio__echo ;;
    gateway-rest)  tool=rest__hello ;;
    *) echo "bench: unknown path '$p' (known: gateway-stdio gateway-rest)" >&2; exit 2 ;;
  esac
  sid=$(session "$url" "$token")
  echo "bench: $p: warm-up $warmup, then $calls calls" >&2
  MCP_SID=$sid MCP_TOKEN=$token MCP_TOOL=$tool wrk -t1 -c4 -d"$warmup" -s "$lua" "$url" >"$work/$p.warmup" 2>&1 ||
    { echo "bench: the warm-up of $p had bad answers:" >&2; cat "$work/$p.warmup" >&2; exit 1; }
  sleep 1
  gc
  drive "$sid" "$tool"
  sleep 1
  gc
  echo "$p $calls" >>"$work/windows"
done
sleep "$idle"
gc
echo "idle 0" >>"$work/windows"
"$java_home/bin/jcmd" "$forge_pid" JFR.dump name=alloc filename="$work/alloc.jfr" >/dev/null
"$java_home/bin/jfr" print --json --stack-depth 64 --events jdk.GarbageCollection,jdk.GCHeapSummary,jdk.ObjectAllocationSample \
  "$work/alloc.jfr" >"$work/alloc.json"
if [ -n "${FORGE_ALLOC_KEEP:-}" ]; then mkdir -p "$FORGE_ALLOC_KEEP"; cp "$work/alloc.jfr" "$work/windows" "$FORGE_ALLOC_KEEP/"; fi

python3 - "$work/alloc.json" "$work/windows" <<'PY'
import json, sys
from collections import defaultdict
from datetime import datetime

def when(text):  # JFR's timestamps: ISO-8601 with up to nanoseconds and an offset
    text = text.replace("Z", "+00:00")
    head, _, rest = text.partition(".")
    if not rest:
        return datetime.fromisoformat(text).timestamp()
    digits = rest[:len(rest) - len(rest.lstrip("0123456789"))]
    zone = rest[len(digits):]
    return datetime.fromisoformat(head + zone).timestamp() + int(digits) / 10 ** len(digits)

events = json.load(open(sys.argv[1]))["recording"]["events"]
gcs = {}  # gcId -> start, end, cause, used before, used after
for e in events:
    v = e["values"]
    if e["type"] == "jdk.GarbageCollection":
        g = gcs.setdefault(v["gcId"], {})
        g["start"] = when(v["startTime"])
        g["cause"] = v["cause"]
    elif e["type"] == "jdk.GCHeapSummary":
        gcs.setdefault(v["gcId"], {})["before" if v["when"] == "Before GC" else "after"] = v["heapUsed"]
order = sorted(i for i, g in gcs.items() if "start" in g and "before" in g and "after" in g)
forced = [i for i in order if gcs[i]["cause"] == "Diagnostic Command"]
# one line per window: each path is (forced GC, calls, forced GC); the idle window runs from the last path's
# closing collection to one more
windows = [line.split() for line in open(sys.argv[2])]
bounds = [(forced[2 * k], forced[2 * k + 1]) for k in range(len(windows) - 1)] + [tuple(forced[-2:])]
if len(forced) != 2 * len(windows) - 1:
    sys.exit("bench: expected %d forced collections in the recording, found %d" % (2 * len(windows) - 1, len(forced)))

def allocated(first, last):  # bytes allocated between forced collections first and last
    total, previous = 0, first
    for i in order:
        if first < i <= last:
            total += gcs[i]["before"] - gcs[previous]["after"]
            previous = i
    return total, gcs[last]["start"] - gcs[first]["start"], sum(1 for i in order if first < i < last)

measured = []
for (name, calls), (first, last) in zip(windows, bounds):
    total, seconds, young = allocated(first, last)
    measured.append((name, int(calls), total, seconds, young, first, last))
idle = [m for m in measured if m[0] == "idle"][0]
idle_rate = idle[2] / idle[3]
print("allocation per tools/call (whole JVM, from the GC heap summaries between forced collections)")
print(f"  idle Forge: {idle_rate / 1024:,.1f} KiB/s, taken off each window in proportion to its length")
samples = [e for e in events if e["type"] == "jdk.ObjectAllocationSample"]
for name, calls, total, seconds, young, first, last in measured:
    if name == "idle":
        continue
    net = total - idle_rate * seconds
    lo, hi = gcs[first]["start"], gcs[last]["start"]
    inside = [e["values"] for e in samples if lo < when(e["values"]["startTime"]) < hi]
    sampled = sum(v["weight"] for v in inside)
    print(f"\n{name}: {net / calls:,.0f} bytes per call ({net / calls / 1024:,.1f} KiB); {calls} calls, "
          f"{total / 2**20:,.1f} MiB in {seconds:.1f} s ({young} collections in between), "
          f"idle share {idle_rate * seconds / 2**20:,.1f} MiB")
    print(f"  cross-check, allocation samples: {len(inside)} samples weighing {sampled / calls:,.0f} bytes per call")
    by_frame, by_forge = defaultdict(int), defaultdict(int)
    for v in inside:
        frames = (v.get("stackTrace") or {}).get("frames") or []
        def kind(f):
            return f["method"]["type"]["name"].replace("/", ".")
        def label(f):
            return f'{kind(f)}.{f["method"]["name"]}:{f.get("lineNumber", "?")}'
        top = label(frames[0]) if frames else "(no stack)"
        by_frame[f'{top}  [{v["objectClass"]["name"].replace("/", ".")}]'] += v["weight"]
        # the innermost of Forge's own methods (lambdas' generated classes skipped): where Forge asked for the work
        own = next((label(f) for f in frames if kind(f).startswith("dev.forge.") and "$$Lambda" not in kind(f)),
                   "(no Forge method in the recorded frames)")
        by_forge[own] += v["weight"]
    for title, table in (("top allocating frames [class]", by_frame), ("innermost Forge method on the stack", by_forge)):
        print(f"  {title}:")
        for frame, weight in sorted(table.items(), key=lambda kv: -kv[1])[:10]:
            print(f"    {weight / calls:>9,.0f} B/call {100 * weight / max(sampled, 1):5.1f} %  {frame}")
PY
