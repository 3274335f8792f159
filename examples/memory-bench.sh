#!/usr/bin/env bash
# What a queued message costs in daemon memory, worst case: the daemon jar is started with
# --mem-queue-size 2000000 (every message stays in memory), a topic gets 1 channel (then, in a second
# daemon, 3), and --messages (default 1,000,000) bodies of --size (200) bytes are published with MPUB
# (BenchWriter, batches of 200) with no consumer. Once /stats shows them all queued on every channel,
# the daemon's VmRSS (/proc/PID/status) is compared with its value before publishing:
# RSS per queued message, and what it costs beyond its body. Then as many messages again are
# published into the same daemon: the RSS growth over that second batch is the marginal cost of a
# queued message, without the one-off growth of a JVM that starts cold (its young generation, JIT
# code, pools), which the first figure carries spread over --messages. With jcmd on the PATH, the
# live heap after a full GC (jcmd GC.run, GC.heap_info) before the first batch and after the second
# is compared too: what the messages keep reachable in the Java heap, rather than what the JVM took
# from the OS while ingesting. Those full GCs run outside the RSS readings (a full GC may give heap
# back to the OS, which would hide growth in the figure it fell inside).
#
#   examples/memory-bench.sh [--daemon-jar nodeq-daemon/target/nodeq-daemon.jar]
#                            [--nsqd-tcp-address 127.0.0.1:4150] [--nsqd-http-address host:port]
#                            [--messages 1000000] [--size 200] [--channels "1 3"]
#                            [--mem-queue-size 2000000] [--daemon-java-opts "..."]
#
# Needs the daemon jar (mvn -pl nodeq-daemon -am package -DskipTests) and the compiled examples.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench-daemon.sh
. "$root/examples/bench-daemon.sh"
tcp="127.0.0.1:4150"
http=""
jar="$root/nodeq-daemon/target/nodeq-daemon.jar"
mem_queue_size="2000000"
daemon_java_opts=""
messages=1000000
size=200
channel_counts="1 3"
topic="memory_bench"

script_flag() {
  case "$1" in
    --messages) messages="$2" ;;
    --size) size="$2" ;;
    --channels) channel_counts="$2" ;;
    *) return 1 ;;
  esac
}
parse_flags "$@"
http_flag="$http"
[ -f "$jar" ] || { echo "memory-bench.sh: no daemon jar $jar (mvn -pl nodeq-daemon -am package -DskipTests)" >&2; exit 2; }
[ $((messages % 200)) -eq 0 ] || { echo "memory-bench.sh: --messages must be a multiple of 200 (the MPUB batch)" >&2; exit 2; }

cp="$(tools_classpath "$root")"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status"; }
# live heap in KB after a full GC, or empty without jcmd
live_heap_kb() {
  command -v jcmd >/dev/null || return 0
  jcmd "$daemon_pid" GC.run >/dev/null 2>&1 || return 0
  jcmd "$daemon_pid" GC.heap_info 2>/dev/null | awk '/heap/ && /used/ {for (i = 1; i < NF; i++) if ($i == "used") {sub(/K.*/, "", $(i + 1)); print $(i + 1); exit}}'
}
# channel depths of the topic, one per line
depths() {
  curl -sSf "http://$http/stats?format=json&topic=$topic" \
    | jq -r --arg t "$topic" '.topics[] | select(.topic_name == $t) | .channels[] | .depth'
}
# per_message LABEL RSS_BEFORE_KB RSS_AFTER_KB CHANNELS
per_message() {
  awk -v w="$1" -v b="$2" -v a="$3" -v m="$messages" -v s="$size" -v c="$4" 'BEGIN {
    d = (a - b) * 1024
    printf "# %-30s %7.1f MB -> %7.1f MB (+%.1f MB): %6.1f B per queued message",
      w, b / 1024, a / 1024, d / 1048576, d / m
    # the heap holds no bodies (the hot tail is direct memory): "beyond the body" is RSS-only
    if (w !~ /live heap/) printf ", %6.1f B beyond its %d-byte body", d / m - s, s
    if (c > 1) printf "; %6.1f B per channel copy", d / m / c
    printf "\n" }'
}

# publish_and_wait CHANNELS DEPTH: publishes --messages more, then waits until every channel holds DEPTH
publish_and_wait() {
  java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.BenchWriter "--nsqd-tcp-address=$tcp" "--topic=$topic" \
    "--size=$size" --batch-size=200 --concurrency=2 "--count=$messages" --runfor=10m | sed 's/^/#   /'
  local queued=""
  for _ in $(seq 1 600); do
    queued="$(depths | tr '\n' ' ')"
    if [ "$(depths | awk -v m="$2" '$1 == m {k++} END {print k + 0}')" -eq "$1" ]; then break; fi
    sleep 0.2
  done
  echo "# channel depths in /stats: $queued"
}

rows=()
for n in $channel_counts; do
  start_daemon
  curl -sSf -X POST "http://$http/topic/create?topic=$topic" >/dev/null
  for i in $(seq 0 $((n - 1))); do
    curl -sSf -X POST "http://$http/channel/create?topic=$topic&channel=ch$i" >/dev/null
  done
  heap_before="$(live_heap_kb)"
  before="$(rss_kb)"
  echo "# $n channel(s): publishing $messages x $size B with MPUB, no consumer; daemon RSS before: $((before / 1024)) MB"
  publish_and_wait "$n" "$messages"
  after="$(rss_kb)"
  rows+=("$(per_message "$n channel(s), VmRSS:" "$before" "$after" "$n")")
  echo "# $n channel(s): publishing $messages more into the same daemon"
  publish_and_wait "$n" $((2 * messages))
  rows+=("$(per_message "$n channel(s), VmRSS, 2nd batch:" "$after" "$(rss_kb)" "$n")")
  heap_after="$(live_heap_kb)"
  if [ -n "$heap_before" ] && [ -n "$heap_after" ]; then
    rows+=("$(messages=$((2 * messages)) per_message "$n channel(s), live heap (both):" "$heap_before" "$heap_after" "$n")")
  fi
  cleanup
  daemon_pid=""; datadir=""
  http="$http_flag"
done
printf '%s\n' "${rows[@]}"
