#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL server for the registry's integration tests and CI.
#
#   scripts/services/postgres.sh start|stop|restart|status|url|clean
#
# - Listens on 127.0.0.1:${TWINBENCH_POSTGRES_PORT:-25432} only (TCP, no Unix socket).
# - Superuser `twinbench`, password `twinbench` (SCRAM), database `twinbench`. `url` prints
#   postgres://twinbench:twinbench@127.0.0.1:<port>/twinbench; the registry's integration tests
#   use ${TWINBENCH_POSTGRES_URL:-that URL} and create a fresh database per run.
# - Data, config and log live under ${TWINBENCH_SERVICES_DIR:-<repo>/.services}/postgres/.
#   Durability is off (fsync, synchronous_commit): this server holds test data only.
# - PostgreSQL refuses to run as root: invoked as root, the script runs the server as the OS
#   user ${TWINBENCH_POSTGRES_OS_USER:-postgres} (Debian's package creates it) and gives it the
#   data directory.
# - Needs initdb, pg_ctl and postgres: from PATH, ${TWINBENCH_POSTGRES_BIN_DIR}, or the newest
#   /usr/lib/postgresql/<version>/bin (Debian: `apt-get install postgresql`). Installs nothing.
# - `clean` stops the server and deletes its data.
set -euo pipefail

SERVICE_NAME=postgres
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${TWINBENCH_POSTGRES_PORT:-25432}"
require_port "$PORT" TWINBENCH_POSTGRES_PORT
OS_USER="${TWINBENCH_POSTGRES_OS_USER:-postgres}"
START_TIMEOUT="${TWINBENCH_POSTGRES_START_TIMEOUT:-60}"
DIR="$SERVICES_DIR/postgres"
DATA_DIR="$DIR/data"
LOGFILE="$DIR/postgres.log"
DB_USER=twinbench
DB_PASSWORD=twinbench
DB_NAME=twinbench
URL="postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"

# The directory holding initdb, pg_ctl and postgres of one installation. pg_ctl starts the
# `postgres` beside it, so all three must come from the same place.
find_bin_dir() {
  local candidate dir
  if [[ -n "${TWINBENCH_POSTGRES_BIN_DIR:-}" ]]; then
    candidate="$TWINBENCH_POSTGRES_BIN_DIR"
  elif candidate="$(command -v pg_ctl 2>/dev/null)"; then
    candidate="$(dirname "$(readlink -f "$candidate")")"
  else
    candidate=""
  fi
  if [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" && -x "$candidate/postgres" ]]; then
    echo "$candidate"
    return 0
  fi
  # Debian keeps the server binaries off PATH, one directory per major version.
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
    echo "$dir"
    return 0
  fi
  return 1
}

require_bin_dir() {
  BIN_DIR="$(find_bin_dir)" ||
    die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in /usr/lib/postgresql/*/bin. Install them with: sudo apt-get install -y postgresql (Debian/Ubuntu), or set TWINBENCH_POSTGRES_BIN_DIR to the directory that holds them"
}

# Runs a command as the server's OS user: that user when we are root, ourselves otherwise.
# From $DIR, so the other user is never left in a directory it cannot read.
as_server_user() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$DIR" && runuser -u "$OS_USER" -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

# Creates $DIR for the server's OS user; as root, checks that the user can reach it.
prepare_dir() {
  mkdir -p "$DIR"
  [[ "$(id -u)" -eq 0 ]] || return 0
  id -u "$OS_USER" >/dev/null 2>&1 ||
    die "PostgreSQL will not run as root and there is no OS user '$OS_USER' to run it as. Create one (Debian's postgresql package does), set TWINBENCH_POSTGRES_OS_USER, or run this script as a normal user"
  chown "$OS_USER" "$DIR"
  runuser -u "$OS_USER" -- test -w "$DIR" ||
    die "user '$OS_USER' cannot write $DIR (a parent directory is closed to it). Set TWINBENCH_SERVICES_DIR to a directory it can reach, e.g. /tmp/twinbench-services"
}

# Pid of the running postmaster of $DATA_DIR, from the first line of its postmaster.pid.
server_pid() {
  local pid
  [[ -s "$DATA_DIR/postmaster.pid" ]] || return 1
  pid="$(head -n 1 "$DATA_DIR/postmaster.pid" | tr -dc '0-9')"
  [[ -n "$pid" ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA_DIR" || return 1
  printf '%s\n' "$pid"
}

init_cluster() {
  local pwfile major
  if [[ -f "$DATA_DIR/PG_VERSION" ]]; then
    major="$("$BIN_DIR/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    [[ "$(cat "$DATA_DIR/PG_VERSION")" == "$major" ]] ||
      die "$DATA_DIR was created by PostgreSQL $(cat "$DATA_DIR/PG_VERSION") but $BIN_DIR is PostgreSQL $major; run '$0 clean' to start over (test data only)"
    return 0
  fi
  log "initialising a cluster in $DATA_DIR with $BIN_DIR/initdb"
  pwfile="$DIR/.pwfile"
  printf '%s\n' "$DB_PASSWORD" >"$pwfile"
  [[ "$(id -u)" -ne 0 ]] || chown "$OS_USER" "$pwfile"
  chmod 600 "$pwfile"
  if ! as_server_user "$BIN_DIR/initdb" -D "$DATA_DIR" -U "$DB_USER" --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale --no-instructions \
    >>"$LOGFILE" 2>&1; then
    rm -f "$pwfile"
    log_tail "$LOGFILE"
    die "initdb failed (see $LOGFILE)"
  fi
  rm -f "$pwfile"
  # Our settings live in a file of their own, rewritten on every start.
  printf "\ninclude_if_exists = 'twinbench.conf'\n" >>"$DATA_DIR/postgresql.conf"
}

write_config() {
  # Regenerated on every start so a changed port is picked up.
  cat >"$DATA_DIR/twinbench.conf" <<EOF
# Generated by scripts/services/postgres.sh - do not edit, it is rewritten.
listen_addresses = '127.0.0.1'
port = $PORT
# TCP only: no Unix socket to collide with a system server's.
unix_socket_directories = ''
max_connections = 60
shared_buffers = 32MB
# Test data only: trade durability for speed on small shared machines.
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
  [[ "$(id -u)" -ne 0 ]] || chown "$OS_USER" "$DATA_DIR/twinbench.conf"
}

# psql from the same installation, over TCP with the test password.
psql_tcp() {
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$BIN_DIR/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"
}

ensure_database() {
  local exists
  exists="$(psql_tcp -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ||
    die "cannot query the server on 127.0.0.1:$PORT as $DB_USER (see $LOGFILE)"
  [[ "$exists" == "1" ]] || psql_tcp -d postgres -c "CREATE DATABASE $DB_NAME" ||
    die "could not create database $DB_NAME"
}

cmd_status() {
  local pid
  if pid="$(server_pid)"; then
    echo "postgres running (pid $pid) on 127.0.0.1:$PORT ($URL)"
    return 0
  fi
  echo "postgres not running"
  return 3
}

cmd_start() {
  local pid
  if pid="$(server_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$PORT"
    return 0
  fi
  require_bin_dir
  if port_open "$PORT"; then
    die "port 127.0.0.1:$PORT is already in use by another process; set TWINBENCH_POSTGRES_PORT to a free port"
  fi
  prepare_dir
  : >"$LOGFILE"
  [[ "$(id -u)" -ne 0 ]] || chown "$OS_USER" "$LOGFILE"
  init_cluster
  write_config
  # pg_ctl -w returns once the server accepts connections; it detaches the server from us.
  if ! as_server_user "$BIN_DIR/pg_ctl" -D "$DATA_DIR" -l "$LOGFILE" -w -t "$START_TIMEOUT" start >/dev/null; then
    log_tail "$LOGFILE"
    die "postgres did not start on 127.0.0.1:$PORT within ${START_TIMEOUT}s (see $LOGFILE)"
  fi
  ensure_database
  pid="$(server_pid)" || die "pg_ctl reported success but no server runs for $DATA_DIR (see $LOGFILE)"
  log "started (pid $pid) on 127.0.0.1:$PORT: $URL"
}

cmd_stop() {
  local pid
  if pid="$(server_pid)"; then
    require_bin_dir
    # Fast shutdown: open test connections are cut, not waited for.
    if ! as_server_user "$BIN_DIR/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null; then
      log "pg_ctl stop failed; signalling pid $pid"
      kill_gracefully "$pid" 10
    fi
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
}

cmd_clean() {
  cmd_stop
  rm -rf "$DATA_DIR"
  log "removed $DATA_DIR"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  url) echo "$URL" ;;
  clean) cmd_clean ;;
  *) echo "usage: $0 start|stop|restart|status|url|clean" >&2; exit 2 ;;
esac
