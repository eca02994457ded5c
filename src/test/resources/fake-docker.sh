#!/usr/bin/env bash
# A stand-in for the docker CLI where no Docker engine can run (the tests' machines): it records every call in
# $FAKE_DOCKER_LOG, answers `info` and `compose version`, and runs `compose exec SERVICE /app/bin/forge ARGS` with
# this install's bin/forge against $ENV_FILE, as the container would with its env_file. Everything else succeeds
# without doing anything.
set -euo pipefail
echo "$*" >> "$FAKE_DOCKER_LOG"
[ "${1:-}" = compose ] || exit 0
shift
while [ "${1:-}" = -f ] || [ "${1:-}" = --env-file ]; do shift 2; done
case "${1:-}" in
  exec)
    shift
    while [[ "${1:-}" == -* ]]; do shift; done
    shift # the service
    [ "${1:-}" = /app/bin/forge ] && shift
    exec "$FORGE_ROOT/bin/forge" "$@" --env-file "$ENV_FILE" ;;
  *) exit 0 ;;
esac
