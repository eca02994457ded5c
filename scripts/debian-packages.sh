# Sourced by the require-*.sh scripts: what the tests need from Debian, installed where it is missing.
#   require_packages WHAT "COMMAND ..." PACKAGE ...
# Returns 0 when every command is there (or now installed), 2 when something was just installed, and exits 1 with
# the command to run when this user may not install.
found() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }

require_packages() {
  local what="$1" commands="$2"
  shift 2
  local missing=0 c
  for c in $commands; do found "$c" || missing=1; done
  [ "$missing" = 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "forge: installing $* ($what) ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2; }
    return 2
  fi
  echo "forge: $commands needed by $what (Debian/Ubuntu: sudo apt-get install $*)" >&2
  exit 1
}
