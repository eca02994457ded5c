#!/usr/bin/env bash
# Backs up and restores a Forge install: the registry database, config/ and the env file, in one archive.
#
#   scripts/backup-production.sh [backup]        write backups/forge-mcp-gateway-backup-<time>.tar.gz (mode 600)
#   scripts/backup-production.sh restore [FILE]  restore FILE (default: the newest backup); Forge must be stopped
#   scripts/backup-production.sh list
#
# The database is copied with `forge backup` (SQLite's online backup: consistent while Forge runs) or pg_dump for
# PostgreSQL, never by copying live files. Paths inside the archive are relative to the install, so the guide's
# `tar xzf … -C /opt/forge-mcp-gateway/` also restores one by hand. BACKUP_DIR and ENV_FILE override the defaults.
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"

backup_dir=${BACKUP_DIR:-$root/backups}
database_url=$(setting DATABASE_URL "sqlite:///$(setting DATA_PATH ./data)/mcp.db")

staging=""
trap '[ -z "$staging" ] || rm -rf "$staging"' EXIT

postgres() { [[ "$database_url" == postgres://* || "$database_url" == postgresql://* ]]; }

backup() {
  local stamp archive snapshot
  stamp=$(date +%Y%m%d_%H%M%S)
  umask 077
  mkdir -p "$backup_dir"
  staging=$(mktemp -d "$backup_dir/.staging-XXXXXX")
  archive="$backup_dir/forge-mcp-gateway-backup-$stamp.tar.gz"
  echo "Creating backup: $archive"
  mkdir -p "$staging/data"
  if postgres; then
    command -v pg_dump >/dev/null || die "DATABASE_URL is PostgreSQL and pg_dump is not installed"
    pg_dump --format=custom --file="$staging/data/forge.pgdump" "$database_url"
  elif [ "$(deploy_mode)" = compose ]; then
    # inside the container /data is this install's data/; the snapshot lands there, then moves into the archive
    snapshot=".backup-$stamp.db"
    forge_cli backup --output "/data/$snapshot" >/dev/null
    mv "$(host_dir DATA_PATH data)/$snapshot" "$staging/data/mcp.db"
  else
    local failure
    failure=$(forge_cli backup --output "$staging/data/mcp.db" 2>&1 >/dev/null) || die "forge backup failed: $failure"
  fi
  [ ! -d "$(host_dir DATA_PATH data)/logs" ] || cp -a "$(host_dir DATA_PATH data)/logs" "$staging/data/logs"
  [ ! -d "$(host_dir CONFIG_PATH config)" ] || cp -a "$(host_dir CONFIG_PATH config)" "$staging/config"
  [ ! -f "$env_file" ] || cp -a "$env_file" "$staging/$(basename "$env_file")"
  tar -czf "$archive.partial" -C "$staging" .
  mv "$archive.partial" "$archive"
  echo "Backup completed: $archive ($(du -h "$archive" | cut -f1))"
}

restore() {
  local archive=${1:-} saved stamp config
  if [ -z "$archive" ]; then
    archive=$(ls -1t "$backup_dir"/forge-mcp-gateway-backup-*.tar.gz 2>/dev/null | head -n 1 || true)
    [ -n "$archive" ] || die "no backups in $backup_dir"
  fi
  [ -f "$archive" ] || die "$archive: no such file"
  if running_pid >/dev/null || { [ "$(deploy_mode)" = compose ] && [ -n "$(compose ps -q gateway)" ]; }; then
    die "Forge is running; stop it first: scripts/deploy-production.sh stop"
  fi
  echo "Restoring $archive"
  staging=$(mktemp -d)
  tar -xzf "$archive" -C "$staging" || die "$archive is not a readable archive"
  [ -f "$staging/data/mcp.db" ] || [ -f "$staging/data/forge.pgdump" ] || die "$archive holds no Forge database"
  stamp=$(date +%Y%m%d_%H%M%S)
  saved="$backup_dir/pre-restore-$stamp"
  mkdir -p "$saved"
  # the database first: forge restore checks the copy is an intact registry and changes nothing if it is not
  if [ -f "$staging/data/forge.pgdump" ]; then
    postgres || die "the backup is of PostgreSQL but DATABASE_URL is not"
    pg_restore --clean --if-exists --dbname="$database_url" "$staging/data/forge.pgdump"
  else
    postgres && die "the backup is of SQLite but DATABASE_URL is PostgreSQL"
    restore_sqlite "$staging/data/mcp.db" "$stamp"
  fi
  config=$(host_dir CONFIG_PATH config)
  if [ -d "$staging/config" ]; then
    [ ! -d "$config" ] || cp -a "$config" "$saved/config"
    rm -rf "$config"
    cp -a "$staging/config" "$config"
  fi
  if [ -f "$staging/$(basename "$env_file")" ]; then
    [ -f "$env_file" ] && cp -a "$env_file" "$saved/"
    cp -a "$staging/$(basename "$env_file")" "$env_file"
    chmod 600 "$env_file"
  fi
  echo "Restore completed; what it replaced is in $saved. Start Forge: scripts/deploy-production.sh deploy"
}

restore_sqlite() {
  local copy=$1 stamp=$2
  if [ "$(deploy_mode)" = compose ]; then
    cp "$copy" "$(host_dir DATA_PATH data)/.restore-$stamp.db"
    compose run --rm --no-deps gateway restore "/data/.restore-$stamp.db"
    rm -f "$(host_dir DATA_PATH data)/.restore-$stamp.db"
  else
    "$root/bin/forge" restore "$copy" --env-file "$env_file"
  fi
}

list() {
  ls -1t "$backup_dir"/forge-mcp-gateway-backup-*.tar.gz 2>/dev/null || echo "no backups in $backup_dir"
}

case "${1:-backup}" in
  backup) backup ;;
  restore) restore "${2:-}" ;;
  list) list ;;
  *) echo "usage: $(basename "$0") [backup] | restore [FILE] | list" >&2; exit 2 ;;
esac
