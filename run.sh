#!/usr/bin/env bash
# Starts a whole nodeq mesh locally — a lookup, a daemon registered with it, and the admin UI — on
# NSQ's default ports with data under ./data, building the jars first if needed. Ctrl-C stops all.
#   ./run.sh            build if needed, then run
#   ./run.sh --rebuild  always rebuild first
set -euo pipefail
cd "$(dirname "$0")"

DATA_DIR="${NODEQ_DATA:-$PWD/data}"
HOST="${NODEQ_HOST:-127.0.0.1}"
JAVA_OPTS="${JAVA_OPTS:-}"
HAZELCAST_FLAGS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -Dhazelcast.logging.type=slf4j -Dhazelcast.phone.home.enabled=false -Dhazelcast.health.monitoring.level=OFF"

jars=(nodeq-lookup/target/nodeq-lookup.jar nodeq-daemon/target/nodeq-daemon.jar nodeq-admin-ui/target/nodeq-admin-ui.jar)
need_build=0
[[ "${1:-}" == "--rebuild" ]] && need_build=1
for j in "${jars[@]}"; do [[ -f "$j" ]] || need_build=1; done
if (( need_build )); then
  echo "building nodeq (mvn package -DskipTests) ..."
  mvn -B -ntp -q package -DskipTests
fi

mkdir -p "$DATA_DIR/daemon" "$DATA_DIR/logs"
pids=()
stopping=""
stop_all() {
  trap - INT TERM EXIT
  stopping=1
  echo
  echo "stopping nodeq mesh ..."
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped."
}
trap stop_all INT TERM EXIT

wait_port() { # host port name logfile
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then exec 3>&- 3<&- ; return 0; fi
    sleep 0.2
  done
  echo "$3 did not start; see $4" >&2
  tail -20 "$4" >&2
  exit 1
}

java $JAVA_OPTS $HAZELCAST_FLAGS -jar nodeq-lookup/target/nodeq-lookup.jar \
  --tcp-address "$HOST:4160" --http-address "$HOST:4161" --broadcast-address "$HOST" \
  >"$DATA_DIR/logs/lookup.log" 2>&1 &
pids+=($!)
wait_port "$HOST" 4161 lookup "$DATA_DIR/logs/lookup.log"

java $JAVA_OPTS -jar nodeq-daemon/target/nodeq-daemon.jar \
  --tcp-address "$HOST:4150" --http-address "$HOST:4151" --broadcast-address "$HOST" \
  --lookupd-tcp-address "$HOST:4160" --data-path "$DATA_DIR/daemon" \
  >"$DATA_DIR/logs/daemon.log" 2>&1 &
pids+=($!)
wait_port "$HOST" 4151 daemon "$DATA_DIR/logs/daemon.log"

java $JAVA_OPTS -jar nodeq-admin-ui/target/nodeq-admin-ui.jar \
  --http-address "$HOST:4171" --lookupd-http-address "$HOST:4161" \
  >"$DATA_DIR/logs/admin.log" 2>&1 &
pids+=($!)
wait_port "$HOST" 4171 admin "$DATA_DIR/logs/admin.log"

cat <<MSG

nodeq mesh is up (logs in $DATA_DIR/logs, data in $DATA_DIR/daemon):
  admin UI        http://$HOST:4171/
  daemon  TCP     $HOST:4150    HTTP http://$HOST:4151/stats
  lookup  TCP     $HOST:4160    HTTP http://$HOST:4161/nodes

try:  curl -d 'hello' 'http://$HOST:4151/pub?topic=test'
Ctrl-C stops everything.
MSG

# exit (and stop the rest) as soon as any process dies
wait -n "${pids[@]}" || true
[[ -n "$stopping" ]] || echo "a nodeq process exited; see $DATA_DIR/logs" >&2
