# Shared by the scripts (sourced, not run): the install root, reading env files, and which runtime holds Forge —
# Docker Compose when an engine answers, else Forge's own processes.

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
env_file=${ENV_FILE:-$root/.env.production}
compose_file=${COMPOSE_FILE:-$root/docker-compose.production.yml}
state_dir=${FORGE_STATE_DIR:-$root/run}
log_dir=${FORGE_LOG_DIR:-$root/logs}
pid_file=$state_dir/forge.pid

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
say() { echo "==> $*"; }

# file_value FILE NAME: NAME's value in a KEY=VALUE file (the last line that sets it; quotes and `export` dropped).
file_value() {
  [ -r "$1" ] || return 0
  grep -E "^(export )?${2}=" "$1" | tail -n 1 | sed -E "s/^(export )?${2}=//; s/^[\"']//; s/[\"']$//" || true
}

# setting NAME [DEFAULT]: the real environment wins over the env file, as it does for Forge itself.
setting() {
  local name=$1 default=${2:-} value
  if [ -n "${!name:-}" ]; then
    printf '%s' "${!name}"
    return
  fi
  value=$(file_value "$env_file" "$name")
  printf '%s' "${value:-$default}"
}

# host_dir NAME DEFAULT: the directory a setting names, on this host. The compose file mounts ./data and ./config at
# /data and /config; a process install uses the setting as a path (relative to the install), else ./DEFAULT.
host_dir() {
  local dir
  dir=$(setting "$1" "./$2")
  if [ "$(deploy_mode)" = compose ] || [ "$dir" = "/$2" ]; then
    dir="./$2"
  fi
  [[ "$dir" == /* ]] && echo "$dir" || echo "$root/${dir#./}"
}

# tls_on: whether Forge will serve HTTPS, read as Forge reads it: SSL_ENABLED, else whether SSL_KEY_FILE is set.
tls_on() {
  case "$(setting SSL_ENABLED | tr '[:upper:]' '[:lower:]')" in
    true|1|yes|on) return 0 ;;
    false|0|no|off) return 1 ;;
  esac
  [ -n "$(setting SSL_KEY_FILE)" ]
}

# With HTTPS on, docker-compose.tls.yml is layered on the compose file (TLS for every role and the balancer).
compose() {
  local files=(-f "$compose_file")
  if tls_on; then
    files+=(-f "${COMPOSE_TLS_FILE:-$root/docker-compose.tls.yml}")
  fi
  if docker compose version >/dev/null 2>&1; then
    docker compose "${files[@]}" --env-file "$env_file" "$@"
  else
    docker-compose "${files[@]}" --env-file "$env_file" "$@"
  fi
}

# FORGE_DEPLOY_MODE=compose|process picks the runtime; unset, compose is used only where an engine answers.
deploy_mode() {
  local mode=${FORGE_DEPLOY_MODE:-auto}
  case "$mode" in
    compose|process) echo "$mode" ;;
    auto)
      if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 \
          && { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }; then
        echo compose
      else
        echo process
      fi ;;
    *) die "FORGE_DEPLOY_MODE: '$mode' (expected: compose, process or auto)" ;;
  esac
}

# The pid of the Forge this install started, if it still runs.
running_pid() {
  local pid
  [ -r "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Runs the forge CLI where Forge runs: inside the gateway container, or from this install.
forge_cli() {
  if [ "$(deploy_mode)" = compose ]; then
    compose exec -T gateway /app/bin/forge "$@"
  else
    "$root/bin/forge" "$@" --env-file "$env_file"
  fi
}
