# shellcheck shell=bash
# Helpers shared by scripts/services/*.sh. Sourced, not executed.

# Repo root from this file's location, so the scripts work from any cwd.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
SERVICES_DIR="${TWINBENCH_SERVICES_DIR:-$REPO/.services}"

log() { printf '[%s] %s\n' "${SERVICE_NAME:-services}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Dies unless $1 is a TCP port number; $2 names the variable it came from.
require_port() {
  if ! [[ "$1" =~ ^[0-9]+$ ]] || ((10#$1 < 1 || 10#$1 > 65535)); then
    die "$2='$1' is not a valid port"
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
# Uses bash's /dev/tcp so no nc/ss is needed on the CI image.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True if pid $1 exists and is not a zombie (a zombie still answers kill -0
# when the process we just started died while we were its parent).
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  # Field after the ")" that closes the command name is the state letter.
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1 || true)"
  [[ "$state" != "Z" ]]
}

# Prints the pid stored in $1 if that process is alive and its command line
# contains $2 (guards against a stale pid file pointing at a recycled pid).
live_pid() {
  local pidfile="$1" needle="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(tr -dc '0-9' <"$pidfile")"
  [[ -n "$pid" ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle" || return 1
  printf '%s\n' "$pid"
}

# Prints the last lines of a log file to stderr, for failure reports.
log_tail() {
  local file="$1" n="${2:-40}"
  if [[ -s "$file" ]]; then
    log "last $n lines of $file:"
    tail -n "$n" "$file" | sed 's/^/    /' >&2
  else
    log "(log file $file is empty or missing)"
  fi
}

# SIGTERM, wait up to $2 seconds, then SIGKILL. Safe if already gone.
kill_gracefully() {
  local pid="$1" timeout="${2:-20}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  log "pid $pid still alive after ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  die "pid $pid survived SIGKILL"
}
