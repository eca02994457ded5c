#!/usr/bin/env bash
# The container's entrypoint. With no arguments it serves every role (or the one FORGE_ROLE names); arguments that
# start with an option go to `forge serve`; a role name serves that role; any other forge command runs as given
# (backup, restore, token, export, import, translate).
set -euo pipefail
forge=/app/bin/forge
[ -x "$forge" ] || forge=$(dirname "$(readlink -f "$0")")/../bin/forge

role_args=()
if [ -n "${FORGE_ROLE:-}" ]; then
  role_args=(--role "$FORGE_ROLE")
fi

case "${1:-}" in
  "") exec "$forge" serve "${role_args[@]}" ;;
  -*) exec "$forge" serve "${role_args[@]}" "$@" ;;
  gateway|service-manager|tool-router) role=$1; shift; exec "$forge" serve --role "$role" "$@" ;;
  *) exec "$forge" "$@" ;;
esac
