#!/usr/bin/env bash
# What fsync before OK costs: starts the daemon jar twice on a fresh temp data path, first with a
# topic at the daemon's default level (memory-first), then with a topic created with
# /topic/create?topic=...&durability=durable, and runs GroupCommitBench against each: --concurrency
# connections (default 16), each sending one single-message PUB and waiting for its OK (closed
# loop), for --runfor. Prints one row per level: msgs/s and PUB->OK p50/p99/p99.9, plus the
# durability /stats reports for the topic ("-" when /stats has no such field).
#
#   examples/group-commit-bench.sh [--daemon-jar nodeq-daemon/target/nodeq-daemon.jar]
#                                  [--nsqd-tcp-address 127.0.0.1:4150] [--nsqd-http-address host:port]
#                                  [--runfor 10s] [--size 200] [--concurrency 16] [--topic group_commit]
#                                  [--mem-queue-size 10000] [--daemon-java-opts "..."]
#
# Needs the daemon jar (mvn -pl nodeq-daemon -am package -DskipTests) and the compiled examples.
# The daemon's log is kept in ${TMPDIR:-/tmp}/nodeq-bench-daemon.log (the last run's).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench-daemon.sh
. "$root/examples/bench-daemon.sh"
tcp="127.0.0.1:4150"
http=""
jar="$root/nodeq-daemon/target/nodeq-daemon.jar"
mem_queue_size="10000"
daemon_java_opts=""
topic="group_commit"
bench=()

script_flag() {
  case "$1" in
    --topic) topic="$2" ;;
    --runfor|--size|--concurrency) bench+=("$1=$2") ;;
    *) return 1 ;;
  esac
}
parse_flags "$@"
http_flag="$http"
[ -f "$jar" ] || { echo "group-commit-bench.sh: no daemon jar $jar (mvn -pl nodeq-daemon -am package -DskipTests)" >&2; exit 2; }

cp="$(tools_classpath "$root")"

rows=()
for level in memory-first durable; do
  start_daemon
  create="topic/create?topic=$topic"
  [ "$level" = memory-first ] || create="$create&durability=$level"
  curl -sSf -X POST "http://$http/$create" >/dev/null || { echo "group-commit-bench.sh: POST $create failed" >&2; exit 1; }
  shown="$(curl -sSf "http://$http/stats?format=json&topic=$topic" \
    | jq -r --arg t "$topic" '[.topics[] | select(.topic_name == $t) | .durability // "-"][0] // "-"')"
  echo "# $level: topic $topic created with POST /$create; /stats durability: $shown"
  t0="$(date +%s%N)"; c0="$(daemon_cpu)"
  out="$(java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.GroupCommitBench "--nsqd-tcp-address=$tcp" "--topic=$topic" "${bench[@]+"${bench[@]}"}")"
  echo "$out"
  report_daemon_cpu "$c0" "$t0" "$level PUB"
  rate="$(sed -n 's/.* - \([0-9.]*\)ops\/s - .*/\1/p' <<<"$out")"
  lat="$(sed -n 's/.*PUB->OK: p50 \([0-9.]*ms\) - p90 [0-9.]*ms - p99 \([0-9.]*ms\) - p99.9 \([0-9.]*ms\) - .*/\1 \2 \3/p' <<<"$out")"
  # shellcheck disable=SC2086
  rows+=("$(printf '%-13s %-14s %12.0f %10s %10s %10s' "$level" "$shown" "$rate" $lat)")
  cleanup
  daemon_pid=""; datadir=""
  http="$http_flag"  # start_daemon derives it from tcp when not given
done
printf '%-13s %-14s %12s %10s %10s %10s\n' "level" "/stats shows" "msgs/s" "p50" "p99" "p99.9"
printf '%s\n' "${rows[@]}"
