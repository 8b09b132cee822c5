#!/usr/bin/env bash
# Start/stop every test service (Mosquitto MQTT broker, Kafka, PostgreSQL) in one call.
#
#   scripts/services/all.sh start|stop|restart|status
#
# Ports, directories and versions are configured through the env vars that
# mosquitto.sh, kafka.sh and postgres.sh document. If a start fails the script exits
# non-zero; call `all.sh stop` (e.g. from a trap) to clean up what did start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  start)
    bash "$HERE/mosquitto.sh" start
    bash "$HERE/kafka.sh" start
    bash "$HERE/postgres.sh" start
    ;;
  stop)
    # Stop each even if another one fails, then report failure.
    rc=0
    bash "$HERE/postgres.sh" stop || rc=$?
    bash "$HERE/kafka.sh" stop || rc=$?
    bash "$HERE/mosquitto.sh" stop || rc=$?
    exit "$rc"
    ;;
  restart)
    bash "$0" stop
    bash "$0" start
    ;;
  status)
    # Exit 0 only if all run (3 like the individual scripts otherwise).
    rc=0
    bash "$HERE/mosquitto.sh" status || rc=$?
    bash "$HERE/kafka.sh" status || rc=$?
    bash "$HERE/postgres.sh" status || rc=$?
    exit "$rc"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac
