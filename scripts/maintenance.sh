#!/usr/bin/env bash
# The deployment guide's nightly maintenance ("Automated Maintenance"), for both runtimes of deploy-production.sh.
#
#   scripts/maintenance.sh [--dry-run] [--log-days N] [--backup-days N]   run it (cron: 0 2 * * *)
#   scripts/maintenance.sh --print-cron | --install-cron | --help
#
# 1. old logs: *.log files older than N days (default 7; find -mtime +N) in the install's logs/ (FORGE_LOG_DIR) and
#    in data/logs; the file a running Forge writes to is never removed, whatever its age
# 2. old backups: *.tar.gz files older than N days (default 30) in backups/ (BACKUP_DIR); the newest backup is
#    always kept, so that a backup job that stopped does not lead to having none
# 3. images refreshed:
#    compose  the registry images pulled (docker compose pull --ignore-buildable) and Forge's image rebuilt on fresh
#             base images (build --pull --no-cache)
#    process  nothing is downloaded or rebuilt: the jars are what the install was built with (a new release is
#             `deploy-production.sh build` then `deploy`); what can go stale on its own is the class-data archive
#             bin/forge starts with, made for one JDK, so it is made again when the JDK was updated since (or the
#             jars were rebuilt after it) — see scripts/cds-archive.sh
# 4. services restarted, if they run (a stopped install stays stopped):
#    compose  docker compose up -d --force-recreate (every container, on the refreshed images: the guide's
#             `restart` would keep the old ones), then wait until healthy
#    process  deploy-production.sh deploy: Forge stopped gracefully, started again, waited for until healthy
#
# --dry-run prints what would be done and changes nothing. Settings come from the environment, then ENV_FILE, like
# deploy-production.sh (FORGE_DEPLOY_MODE, FORGE_LOG_DIR, BACKUP_DIR, FORGE_STATE_DIR, DEPLOY_TIMEOUT).
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

backup_dir=${BACKUP_DIR:-$root/backups}
self="$root/scripts/maintenance.sh"
cron_line="0 2 * * * $self"
dry_run=""
log_days=7
backup_days=30
action=run

usage() {
  sed -n '2,/^set -euo/p' "$self" | sed '$d' | sed 's/^# \{0,1\}//'
}

days() { # days OPTION VALUE: a whole number of days
  [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "$(basename "$0"): $1: '${2:-}' (expected: a whole number of days)" >&2; exit 2; }
  echo "$2"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --log-days) log_days=$(days "$1" "${2:-}"); shift ;;
    --backup-days) backup_days=$(days "$1" "${2:-}"); shift ;;
    --print-cron) action=print-cron ;;
    --install-cron) action=install-cron ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$(basename "$0"): unknown argument '$1' (expected: --dry-run, --log-days N, --backup-days N, --print-cron, --install-cron or --help)" >&2
       exit 2 ;;
  esac
  shift
done

step() { echo "$(date '+%Y-%m-%d %H:%M:%S') $*"; }
# act DESCRIPTION COMMAND...: runs COMMAND, or with --dry-run only says it would
act() {
  local what=$1; shift
  if [ -n "$dry_run" ]; then
    echo "  would $what"
  else
    echo "  $what"
    "$@" 9>&- # the lock stays with this run, not with the Forge it starts
  fi
}

print_cron() { echo "$cron_line"; }

# Adds the line to this user's crontab, keeping every other entry (the guide's `echo … | crontab -` replaces them
# all); does nothing if it is there already.
install_cron() {
  local current
  command -v crontab >/dev/null || die "crontab is not installed (Debian/Ubuntu: apt-get install cron); the line to add: $cron_line"
  current=$(crontab -l 2>/dev/null || true)
  if grep -qxF "$cron_line" <<<"$current"; then
    echo "already in the crontab of $(id -un): $cron_line"
    return
  fi
  if [ -n "$dry_run" ]; then
    echo "would add to the crontab of $(id -un): $cron_line"
    return
  fi
  { [ -z "$current" ] || printf '%s\n' "$current"; echo "$cron_line"; } | crontab -
  echo "added to the crontab of $(id -un): $cron_line"
}

# remove_old DIR PATTERN DAYS KEEP...: files matching PATTERN under DIR last modified more than DAYS days ago,
# except the paths in KEEP
remove_old() {
  local dir=$1 pattern=$2 age=$3 file kept found=0
  shift 3
  [ -d "$dir" ] || { echo "  $dir: none (no such directory)"; return 0; }
  while IFS= read -r -d '' file; do
    for kept in "$@"; do
      [ "$file" != "$kept" ] || continue 2
    done
    found=1
    act "remove $file ($(date -r "$file" '+%Y-%m-%d'))" rm -f -- "$file"
  done < <(find "$dir" -type f -name "$pattern" -mtime "+$age" -print0)
  [ "$found" = 1 ] || echo "  $dir: nothing older than $age days"
}

clean_logs() {
  local live=() dir
  step "logs older than $log_days days (*.log)"
  running_pid >/dev/null && live+=("$(setting LOG_FILE "$log_dir/forge.log")")
  remove_old "$log_dir" '*.log' "$log_days" "${live[@]}"
  dir=$(host_dir DATA_PATH data)/logs
  [ ! -d "$dir" ] || [ "$dir" -ef "$log_dir" ] || remove_old "$dir" '*.log' "$log_days" "${live[@]}"
}

clean_backups() {
  local newest
  step "backups older than $backup_days days (*.tar.gz)"
  newest=$(find "$backup_dir" -type f -name '*.tar.gz' -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2- || true)
  remove_old "$backup_dir" '*.tar.gz' "$backup_days" ${newest:+"$newest"}
}

refresh() {
  local java_home
  if [ "$(deploy_mode)" = compose ]; then
    step "images (compose mode)"
    act "pull the registry images: docker compose pull --ignore-buildable" compose pull --ignore-buildable
    act "rebuild Forge's image on fresh base images: docker compose build --pull --no-cache" compose build --pull --no-cache
    return
  fi
  step "images (process mode: nothing to download; the class-data archive is checked against the JDK)"
  java_home=$("$root/scripts/java-home.sh" --runtime) || die "no JDK >= 21 found"
  if [ ! -f "$root/target/forge.jar" ]; then
    echo "  $root/target/forge.jar is missing; build the install first: scripts/deploy-production.sh build"
  elif [ -f "$root/target/forge.jsa" ] && [ "$root/target/forge.jsa" -nt "$root/target/forge.jar" ] \
      && [ "$(cat "$root/target/forge.cds-jdk" 2>/dev/null)" = "$java_home $(grep -s '^JAVA_VERSION=' "$java_home/release")" ]; then
    echo "  the class-data archive matches $java_home and the jars: nothing to do"
  else
    act "make the class-data archive again for $java_home (scripts/cds-archive.sh)" "$root/scripts/cds-archive.sh"
  fi
}

restart() {
  local pid
  if [ "$(deploy_mode)" = compose ]; then
    step "services (compose mode)"
    if [ -z "$(compose ps -q 2>/dev/null)" ]; then
      echo "  no container runs: nothing restarted (start them with: scripts/deploy-production.sh deploy)"
      return
    fi
    act "recreate every container on the refreshed images: docker compose up -d --force-recreate" \
      compose up -d --force-recreate --remove-orphans
    [ -n "$dry_run" ] || wait_healthy
    return
  fi
  step "services (process mode)"
  if ! pid=$(running_pid); then
    echo "  Forge is not running: nothing restarted (start it with: scripts/deploy-production.sh deploy)"
    return
  fi
  act "restart Forge (pid $pid): scripts/deploy-production.sh deploy" "$root/scripts/deploy-production.sh" deploy
}

wait_healthy() {
  local deadline=$((SECONDS + ${DEPLOY_TIMEOUT:-120}))
  until "$root/scripts/deploy-production.sh" health >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      "$root/scripts/deploy-production.sh" health || true
      die "not healthy ${DEPLOY_TIMEOUT:-120}s after the restart"
    fi
    sleep 2
  done
  "$root/scripts/deploy-production.sh" health
}

case "$action" in
  print-cron) print_cron; exit 0 ;;
  install-cron) install_cron; exit 0 ;;
esac

# one run at a time (cron and an operator by hand)
if [ -z "$dry_run" ] && command -v flock >/dev/null; then
  mkdir -p "$state_dir"
  exec 9>"$state_dir/maintenance.lock"
  flock -n 9 || die "another maintenance run holds $state_dir/maintenance.lock"
fi
step "maintenance of $root ($(deploy_mode) mode)${dry_run:+, dry run: nothing is changed}"
clean_logs
clean_backups
refresh
restart
step "maintenance completed${dry_run:+ (dry run)}"
