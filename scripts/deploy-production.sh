#!/usr/bin/env bash
# Deploys Forge as the deployment guide describes, and checks it.
#
#   scripts/deploy-production.sh full       preflight, build, deploy, verify
#   scripts/deploy-production.sh preflight  the env file, its secrets and permissions, the runtime, free ports
#   scripts/deploy-production.sh build      the image (compose) or target/forge.jar (process)
#   scripts/deploy-production.sh deploy     start Forge, or replace the running one, and wait until it is healthy
#   scripts/deploy-production.sh health     GET /health and /ready of the gateway, service manager and tool router
#   scripts/deploy-production.sh verify     health, then the guide's service validation with a short-lived token
#   scripts/deploy-production.sh status | stop | logs
#
# Runtime: Docker Compose (docker-compose.production.yml) where an engine answers, else Forge's own process
# (bin/forge serve, all roles, pid in run/forge.pid, log in logs/forge.log); FORGE_DEPLOY_MODE=compose|process
# chooses. Settings come from the environment, then ENV_FILE (default .env.production).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

host=${DEPLOY_HOST:-127.0.0.1}
timeout=${DEPLOY_TIMEOUT:-120}
gateway_port=$(setting GATEWAY_PORT "$(setting PORT 4444)")
manager_port=$(setting FORGE_SERVICE_MANAGER_PORT 9000)
router_port=$(setting TOOL_ROUTER_PORT 8001)
roles=("gateway:$gateway_port" "service-manager:$manager_port" "tool-router:$router_port")
# With HTTPS on (SSL_ENABLED=true) every role is asked over https. On loopback the certificate is not checked (-k): it
# names the public host, not 127.0.0.1. Elsewhere curl checks it (CURL_CA_BUNDLE names a private CA's file).
scheme=http
curl_tls=()
if tls_on; then
  scheme=https
  case "$host" in 127.*|localhost|::1|\[::1\]) curl_tls=(-k) ;; esac
fi

preflight() {
  local failed=0 mode secret
  mode=$(deploy_mode)
  say "preflight ($mode mode, $env_file)"
  command -v curl >/dev/null || { echo "  curl is missing (health checks use it)"; failed=1; }
  if [ ! -f "$env_file" ]; then
    echo "  $env_file is missing: cp .env.example $(basename "$env_file") && make generate-secrets"
    return 1
  fi
  if [ -n "$(find "$env_file" -perm /077)" ]; then
    echo "  $env_file is readable by others: chmod 600 $env_file"
    failed=1
  fi
  secret=$(setting JWT_SECRET "$(setting JWT_SECRET_KEY)")
  if [ -z "$(setting JWT_JWKS_URL)" ]; then
    if [ -z "$secret" ]; then
      echo "  JWT_SECRET is not set: make generate-secrets"; failed=1
    elif [ ${#secret} -lt 32 ] || [[ "$secret" == your-* ]] || [[ "$secret" == changeme* ]]; then
      echo "  JWT_SECRET is a placeholder or shorter than 32 characters: make generate-secrets FORCE=1"; failed=1
    fi
  fi
  [ -n "$(setting FORGE_ENCRYPTION_KEY "$(setting ENCRYPTION_KEY)")" ] \
    || echo "  warning: FORGE_ENCRYPTION_KEY is not set; upstream credentials will be refused (make generate-secrets)"
  check_tls_files || failed=1
  if [ "$mode" = compose ]; then
    [ -f "$compose_file" ] || { echo "  $compose_file is missing"; failed=1; }
    compose config --quiet || { echo "  $compose_file does not validate"; failed=1; }
  else
    "$root/scripts/java-home.sh" >/dev/null || { echo "  no JDK >= 21 (set JAVA_HOME)"; failed=1; }
    check_database_path || failed=1
    if ! running_pid >/dev/null; then
      for role in "${roles[@]}"; do
        if (exec 3<>"/dev/tcp/$host/${role#*:}") 2>/dev/null; then
          echo "  port ${role#*:} (${role%%:*}) is taken by another program"; failed=1
        fi
      done
    fi
  fi
  [ "$failed" = 0 ] && echo "  ok"
  return "$failed"
}

# With HTTPS on, the certificate and key must be there (Forge checks that they belong together when it starts). The
# compose file mounts ./ssl at the image's SSL_DIR; a process install reads SSL_CERT_FILE/SSL_KEY_FILE or SSL_DIR.
check_tls_files() {
  local dir file failed=0
  tls_on || return 0
  dir=$(setting SSL_DIR ./ssl)
  if [ "$(deploy_mode)" = compose ] || [ "$dir" = /ssl ]; then
    dir=./ssl
  fi
  [[ "$dir" == /* ]] || dir="$root/${dir#./}"
  local cert="$dir/server.crt" key="$dir/server.key"
  if [ -n "$(setting SSL_KEY_FILE)" ]; then # as Forge reads them: SSL_CERT_FILE alone is a CA bundle, not Forge's
    key=$(setting SSL_KEY_FILE)
    cert=$(setting SSL_CERT_FILE "$cert")
  fi
  for file in "$cert" "$key"; do
    [ "$(deploy_mode)" = compose ] && file="$dir/$(basename "$file")"
    [[ "$file" == /* ]] || file="$root/${file#./}"
    [ -r "$file" ] || { echo "  SSL_ENABLED: $file is missing or unreadable (docs/OPERATIONS.md, HTTPS)"; failed=1; }
  done
  return "$failed"
}

# An SQLite registry's directory must be writable by the Forge process (the guide's /data is a container path).
check_database_path() {
  local url file dir
  url=$(setting DATABASE_URL)
  if [ -z "$url" ]; then
    url="sqlite:///$(setting DATA_PATH ./data)/mcp.db"
  fi
  [[ "$url" == sqlite:* ]] || return 0
  file=${url#sqlite:///}
  [[ "$file" == /* ]] || file="$root/$file"
  dir=$(dirname "$file")
  mkdir -p "$dir" 2>/dev/null || true
  if [ ! -w "$dir" ]; then
    echo "  DATABASE_URL: $url: $dir is not writable (in process mode, point it at a directory of this install, e.g. sqlite:///./data/mcp.db)"
    return 1
  fi
}

build() {
  if [ "$(deploy_mode)" = compose ]; then
    say "building the image"
    compose build
  else
    say "building target/forge.jar"
    make -C "$root" --no-print-directory build
  fi
}

deploy() {
  if [ "$(deploy_mode)" = compose ]; then
    say "starting the containers"
    compose up -d --remove-orphans
  else
    if running_pid >/dev/null; then
      stop
    fi
    start_process
  fi
  wait_until_healthy
}

start_process() {
  local pid
  mkdir -p "$state_dir" "$log_dir"
  [ ! -f "$log_dir/forge.out" ] || mv -f "$log_dir/forge.out" "$log_dir/forge.out.1"
  # Forge's log rolls itself (daily and at 100 MB, LOG_RETENTION kept); forge.out holds only what the JVM prints
  # before logging starts or after it fails
  [ -n "$(setting LOG_FILE)" ] || export LOG_FILE="$log_dir/forge.log"
  say "starting bin/forge serve (all roles; log in $(setting LOG_FILE))"
  cd "$root"
  # the install's config/ (forge.yaml, services.yml) unless the env file names another directory
  [ -n "$(setting CONFIG_PATH)" ] || export CONFIG_PATH="$root/config"
  # setsid: Forge outlives this shell and its terminal; it reaps its own children when stopped.
  setsid "$root/bin/forge" serve --env-file "$env_file" ${FORGE_SERVE_ARGS:-} >"$log_dir/forge.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pid_file"
  echo "  pid $pid"
}

wait_until_healthy() {
  local deadline=$((SECONDS + timeout))
  say "waiting up to ${timeout}s for every role to be healthy"
  until health quiet; do
    if [ "$(deploy_mode)" = process ] && ! running_pid >/dev/null; then
      echo "  Forge exited while starting; what it said:" >&2
      tail -n 40 "$log_dir/forge.out" "$(setting LOG_FILE "$log_dir/forge.log")" >&2 2>/dev/null || true
      rm -f "$pid_file"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      health || true
      die "not healthy after ${timeout}s"
    fi
    sleep 1
  done
  health
}

health() {
  local quiet=${1:-} failed=0 role name port body code
  for role in "${roles[@]}"; do
    name=${role%%:*}
    port=${role#*:}
    body=$(curl "${curl_tls[@]}" -sS --max-time 5 -w '\n%{http_code}' "$scheme://$host:$port/health" 2>&1) || true
    code=${body##*$'\n'}
    body=${body%$'\n'*}
    if [ "$code" = 200 ]; then
      code=$(curl "${curl_tls[@]}" -s --max-time 5 -o /dev/null -w '%{http_code}' "$scheme://$host:$port/ready" || true)
      [ "$code" = 200 ] || failed=1
      [ -n "$quiet" ] || printf '  %-16s %s://%s:%s  healthy, %s\n' "$name" "$scheme" "$host" "$port" \
        "$([ "$code" = 200 ] && echo ready || echo "not ready ($code)")"
    else
      failed=1
      [ -n "$quiet" ] || printf '  %-16s %s://%s:%s  DOWN: %s\n' "$name" "$scheme" "$host" "$port" "${body:-no answer} (${code:-none})"
    fi
  done
  return "$failed"
}

# The guide's service validation (its step 4.2), with the token a real deployment requires.
verify() {
  local name token id failed=0
  say "health"
  health || die "unhealthy; see '$(basename "$0") logs'"
  name="deploy-verify-$(date +%s)"
  token=$(forge_cli token create --name "$name" --role developer --expires 10m 2>/dev/null) \
    || die "could not issue a verification token (forge token create)"
  say "service validation (token $name, revoked afterwards)"
  check "gateway: POST /tools {task}" POST "$scheme://$host:$gateway_port/tools" '{"task": "test query", "context": "testing"}' || failed=1
  check "gateway: GET /gateways" GET "$scheme://$host:$gateway_port/gateways" || failed=1
  check "gateway: MCP initialize" POST "$scheme://$host:$gateway_port/mcp" \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"deploy-verify","version":"1"}}}' || failed=1
  check "service manager: GET /services" GET "$scheme://$host:$manager_port/services" || failed=1
  check "tool router: GET /status" GET "$scheme://$host:$router_port/status" || failed=1
  id=$(forge_cli token list 2>/dev/null | awk -v n="$name" '$0 ~ n {print $1; exit}')
  [ -n "$id" ] && forge_cli token revoke "$id" >/dev/null 2>&1 || echo "  warning: could not revoke $name; it expires in 10 minutes"
  [ "$failed" = 0 ] || die "verification failed"
  say "verified"
}

check() {
  local label=$1 method=$2 url=$3 data=${4:-} code
  local args=("${curl_tls[@]}" -s -o /dev/null -w '%{http_code}' --max-time 10 -X "$method" -H "Authorization: Bearer $token")
  [ -z "$data" ] || args+=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d "$data")
  code=$(curl "${args[@]}" "$url" || true)
  if [ "$code" = 200 ]; then
    printf '  %-36s ok\n' "$label"
  else
    printf '  %-36s FAILED (HTTP %s)\n' "$label" "${code:-none}"
    return 1
  fi
}

stop() {
  local pid
  if [ "$(deploy_mode)" = compose ]; then
    say "stopping the containers"
    compose down
    return
  fi
  if ! pid=$(running_pid); then
    echo "Forge is not running (no live pid in $pid_file)"
    rm -f "$pid_file"
    return 0
  fi
  say "stopping Forge (pid $pid): it finishes requests in flight, then stops its services"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; echo "  stopped"; return 0; }
    sleep 0.5
  done
  echo "  still running after 30s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

status() {
  local pid
  if [ "$(deploy_mode)" = compose ]; then
    compose ps
  elif pid=$(running_pid); then
    echo "Forge is running: pid $pid, up $(ps -o etime= -p "$pid" | tr -d ' ')"
  else
    echo "Forge is not running"
  fi
  health
}

logs() {
  if [ "$(deploy_mode)" = compose ]; then
    compose logs -f --tail=100
  else
    tail -n 100 -F "$(setting LOG_FILE "$log_dir/forge.log")"
  fi
}

case "${1:-}" in
  full) preflight; build; deploy; verify ;;
  preflight|build|deploy|health|verify|status|stop|logs) "$1" ;;
  *) echo "usage: $(basename "$0") full|preflight|build|deploy|health|verify|status|stop|logs" >&2; exit 2 ;;
esac
