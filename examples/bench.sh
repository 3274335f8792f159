#!/usr/bin/env bash
# Publishes with BenchWriter, then consumes with BenchReader, against one nsqd-compatible daemon:
# the same procedure as NSQ's bench/bench.sh, so figures can be compared with real nsqd.
#
#   examples/bench.sh [--nsqd-tcp-address 127.0.0.1:4150] [--nsqd-http-address 127.0.0.1:4151]
#                     [--size 200] [--batch-size 200] [--runfor 10s] [--topic sub_bench] [--channel ch]
#                     [--rdy 2500] [--concurrency N] [--deadline ...] [--output-buffer-size N] ...
#                     [--daemon-jar nodeq-daemon/target/nodeq-daemon.jar [--mem-queue-size 1000000]
#                      [--daemon-java-opts "-Xms2g ..."]] [--warmup 10s]
#
# Flags for both tools go to both; --batch-size only to the writer; --channel, --rdy/--flight and
# --output-buffer-* only to the reader. With --nsqd-http-address the topic and channel are created
# first (as NSQ's script does), so every published message is queued for the channel.
# With --daemon-jar the script starts that daemon on the given addresses with a fresh data dir,
# runs, and stops it (by its PID). JAVA_OPTS applies to the bench tools, --daemon-java-opts to the
# daemon. --warmup D first runs writer and reader for D on a scratch topic, then deletes it.
# The daemon's log is kept in ${TMPDIR:-/tmp}/nodeq-bench-daemon.log.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench-daemon.sh
. "$root/examples/bench-daemon.sh"
tcp="127.0.0.1:4150"
http=""
jar=""
mem_queue_size="1000000"
daemon_java_opts=""
warmup=""
topic="sub_bench"
channel="ch"
common=()
writer=()
reader=()

script_flag() {
  case "$1" in
    --warmup) warmup="$2" ;;
    --topic) topic="$2" ;;
    --channel) channel="$2" ;;
    --size|--runfor|--deadline|--concurrency) common+=("$1=$2") ;;
    --batch-size) writer+=("$1=$2") ;;
    --rdy|--flight|--output-buffer-size|--output-buffer-timeout) reader+=("$1=$2") ;;
    *) return 1 ;;
  esac
}
parse_flags "$@"
common+=("--nsqd-tcp-address=$tcp" "--topic=$topic")

cp="$(tools_classpath "$root")"

[ -z "$jar" ] || start_daemon

if [ -n "$http" ]; then
  echo "# creating topic/channel"
  for path in "topic/create?topic=$topic" "channel/create?topic=$topic&channel=$channel"; do
    if ! curl -sSf -X POST "http://$http/$path" >/dev/null; then
      echo "bench.sh: POST http://$http/$path failed" >&2; exit 1
    fi
  done
fi

# --warmup: run both tools on a scratch topic first and delete it, so the measured run sees a JVM
# whose JIT has compiled the hot paths (a long-running daemon always has)
if [ -n "$warmup" ]; then
  [ -n "$http" ] || { echo "bench.sh: --warmup needs --nsqd-http-address or --daemon-jar" >&2; exit 2; }
  wt="${topic}_warmup"
  wcommon=()
  for a in "${common[@]}"; do
    case "$a" in --topic=*) wcommon+=("--topic=$wt") ;; --runfor=*) wcommon+=("--runfor=$warmup") ;; *) wcommon+=("$a") ;; esac
  done
  curl -sSf -X POST "http://$http/channel/create?topic=$wt&channel=$channel" >/dev/null 2>&1 \
    || { curl -sSf -X POST "http://$http/topic/create?topic=$wt" >/dev/null && curl -sSf -X POST "http://$http/channel/create?topic=$wt&channel=$channel" >/dev/null; }
  echo "# warming up for $warmup on $wt"
  java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.BenchWriter "${wcommon[@]}" "${writer[@]+"${writer[@]}"}" >/dev/null
  java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.BenchReader "${wcommon[@]}" "--channel=$channel" "${reader[@]+"${reader[@]}"}" >/dev/null
  curl -sSf -X POST "http://$http/topic/delete?topic=$wt" >/dev/null
fi

t0="$(date +%s%N)"; [ -z "$daemon_pid" ] || c0="$(daemon_cpu)"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.BenchWriter "${common[@]}" "${writer[@]+"${writer[@]}"}"
[ -z "$daemon_pid" ] || report_daemon_cpu "$c0" "$t0" PUB
t0="$(date +%s%N)"; [ -z "$daemon_pid" ] || c0="$(daemon_cpu)"
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.BenchReader "${common[@]}" "--channel=$channel" "${reader[@]+"${reader[@]}"}"
[ -z "$daemon_pid" ] || report_daemon_cpu "$c0" "$t0" SUB
[ -z "$daemon_pid" ] || awk '/VmHWM/ {printf "# daemon peak RSS: %.0f MB\n", $2 / 1024}' "/proc/$daemon_pid/status"
