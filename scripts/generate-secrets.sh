#!/usr/bin/env bash
# Writes strong secrets into an env file (default .env.production), mode 600:
#   JWT_SECRET, POSTGRES_PASSWORD, REDIS_PASSWORD, GRAFANA_PASSWORD, FORGE_ENCRYPTION_KEY.
# A name that already has a real value is kept; an empty one, or a template placeholder (your-…, changeme), is filled.
# --force replaces every one of them. Usage: scripts/generate-secrets.sh [FILE] [--force] [--quiet]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
file=.env.production
force=false
quiet=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    --quiet) quiet=true ;;
    -*) echo "generate-secrets: unknown option $arg (expected: [FILE] [--force] [--quiet])" >&2; exit 2 ;;
    *) file=$arg ;;
  esac
done
names=(JWT_SECRET POSTGRES_PASSWORD REDIS_PASSWORD GRAFANA_PASSWORD FORGE_ENCRYPTION_KEY)

secret() {  # 256 random bits, URL- and shell-safe, as the deployment guide makes them
  head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c 48
}

umask 077
touch "$file"
chmod 600 "$file"
tmp=$(mktemp "${file}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$file" "$tmp"
written=()
for name in "${names[@]}"; do
  current=$(file_value "$tmp" "$name")
  if [ "$force" = false ] && [ -n "$current" ] && [[ "$current" != your-* ]] && [[ "$current" != changeme* ]]; then
    continue
  fi
  value=$(secret)
  if grep -qE "^(export )?${name}=" "$tmp"; then
    sed -i -E "s|^(export )?${name}=.*|${name}=${value}|" "$tmp"
  else
    printf '%s=%s\n' "$name" "$value" >> "$tmp"
  fi
  written+=("$name")
done
mv "$tmp" "$file"
chmod 600 "$file"
trap - EXIT
if [ "$quiet" = false ]; then
  if [ ${#written[@]} -eq 0 ]; then
    echo "generate-secrets: $file already has every secret (use --force to replace them)"
  else
    echo "generate-secrets: wrote ${written[*]} to $file (mode 600)"
  fi
fi
