#!/usr/bin/env bash
# The container's entrypoint. With no arguments it serves every role (or the one FORGE_ROLE names); arguments that
# start with an option go to `forge serve`; a role name serves that role; any other forge command runs as given
# (backup, restore, token, export, import, translate).
#
# It starts as the container's first process and does not stay: it moves Forge's secrets out of the environment onto
# a pipe (FORGE_ENV_FD=3, which Forge reads to its end at start) and execs tini without them. The process that then
# lives as long as the container, tini, runs as Forge's user like the servers Forge starts, and they could read its
# /proc/1/environ: it must hold no secret.
set -euo pipefail
forge=/app/bin/forge
[ -x "$forge" ] || forge=$(dirname "$(readlink -f "$0")")/../bin/forge

role_args=()
if [ -n "${FORGE_ROLE:-}" ]; then
  role_args=(--role "$FORGE_ROLE")
fi

case "${1:-}" in
  "") args=(serve "${role_args[@]}") ;;
  -*) args=(serve "${role_args[@]}" "$@") ;;
  gateway|service-manager|tool-router) role=$1; shift; args=(serve --role "$role" "$@") ;;
  *) args=("$@") ;;
esac

# Forge's keys and the URLs that carry passwords, and any name that looks like a secret (the rule that keeps such
# names from the servers Forge starts): Forge reads them all through its own settings, nothing else here needs them.
secret_name='SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|API_?KEY|_KEY|KEY_'
secret() {
  case "$1" in
    JWT_SECRET|JWT_SECRET_KEY|FORGE_ENCRYPTION_KEY|FORGE_ENCRYPTION_KEY_PREVIOUS|ENCRYPTION_KEY|BASIC_AUTH_PASSWORD|\
    DATABASE_URL|POSTGRES_PASSWORD|REDIS_URL|REDIS_PASSWORD) return 0 ;;
  esac
  [[ "${1^^}" =~ $secret_name ]]
}

moved=() entries=()
for name in $(compgen -e); do
  if secret "$name"; then
    moved+=("$name")
    entries+=("$name=${!name}")
  fi
done
if [ ${#moved[@]} -gt 0 ]; then
  # A pipe (process substitution), not a here-document, which bash may back with a file: a file would stay readable
  # through /proc/<pid>/fd/3 of every process holding it, an emptied pipe gives nothing. NAME=VALUE, each ended by a
  # NUL byte, so any value passes unchanged. The writer exits once the pipe has it, before Forge sees its end.
  exec 3< <(printf '%s\0' "${entries[@]}")
  unset "${moved[@]}" entries
  export FORGE_ENV_FD=3
fi

# tini reaps the orphans of the servers Forge starts and passes signals on; outside the image Forge runs on its own.
# Not the container's first process (a test, say), it registers as the reaper of its descendants instead.
if tini=$(command -v tini); then
  tini_args=(--)
  [ $$ -eq 1 ] || tini_args=(-s --)
  exec "$tini" "${tini_args[@]}" "$forge" "${args[@]}"
fi
exec "$forge" "${args[@]}"
