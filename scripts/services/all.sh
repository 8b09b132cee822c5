#!/usr/bin/env bash
# Start/stop every test service (Mosquitto MQTT broker, Kafka) in one call.
#
#   scripts/services/all.sh start|stop|restart|status
#
# Ports, directories and versions are configured through the env vars that
# mosquitto.sh and kafka.sh document. If a start fails the script exits
# non-zero; call `all.sh stop` (e.g. from a trap) to clean up what did start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  start)
    bash "$HERE/mosquitto.sh" start
    bash "$HERE/kafka.sh" start
    ;;
  stop)
    # Stop both even if the first one fails, then report failure.
    rc=0
    bash "$HERE/kafka.sh" stop || rc=$?
    bash "$HERE/mosquitto.sh" stop || rc=$?
    exit "$rc"
    ;;
  restart)
    bash "$0" stop
    bash "$0" start
    ;;
  status)
    # Exit 0 only if both run (3 like the individual scripts otherwise).
    rc=0
    bash "$HERE/mosquitto.sh" status || rc=$?
    bash "$HERE/kafka.sh" status || rc=$?
    exit "$rc"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac
