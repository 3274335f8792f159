#!/usr/bin/env bash
# Compares nodeq-client with the raw bench tools on one daemon: how close the Producer (batching)
# gets to BenchWriter, and the Consumer (handler on a worker thread, auto-FIN) to BenchReader, both
# with the same number of connections (producers: --concurrency, a connection and a publishing
# thread each, default one per CPU as BenchWriter; consumers: one connection, the client with
# --handler-threads). Rounds alternate raw and client; medians and ratios are printed last.
#
#   examples/client-bench.sh [--daemon-jar nodeq-daemon/target/nodeq-daemon.jar | --nsqd-tcp-address 127.0.0.1:4150
#                             --nsqd-http-address 127.0.0.1:4151] [--rounds 3] [--messages 16000000]
#                            [--warmup 12s] [--runfor 16s] [--pub-warmup 8s] [--size 200] [--batch-size 200] [--handler-threads 1]
#                            [--concurrency <CPUs>]
#                            [--mem-queue-size 30000000] [--daemon-java-opts "-Xmx14g"]
#
# Consumers: a topic is filled with --messages by BenchWriter, then drained by one reader, which
# reports its rate over the whole drain and after the first --warmup (the JIT's first seconds:
# a consumer runs far longer than this; the JVM's C2 compiler is busy for 10 s or so). The backlog
# lives in the daemon's memory, hence its large heap. Producers publish for --runfor each, and
# report the whole run and what came after --pub-warmup.
# Topics are deleted after each run. Needs examples/target/nodeq.jar (mvn package).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench-daemon.sh
. "$root/examples/bench-daemon.sh"
tcp="127.0.0.1:4150"
http=""
jar=""
mem_queue_size="30000000"
daemon_java_opts="-Xmx14g"
rounds=3
messages=16000000
warmup="12s"
runfor="16s"
pub_warmup="8s"
size=200
batch=200
threads=1
concurrency="$(nproc)"

script_flag() {
  case "$1" in
    --rounds) rounds="$2" ;;
    --messages) messages="$2" ;;
    --warmup) warmup="$2" ;;
    --runfor) runfor="$2" ;;
    --pub-warmup) pub_warmup="$2" ;;
    --size) size="$2" ;;
    --batch-size) batch="$2" ;;
    --handler-threads) threads="$2" ;;
    --concurrency) concurrency="$2" ;;
    *) return 1 ;;
  esac
}
parse_flags "$@"

cli_jar="$root/examples/target/nodeq.jar"
[ -f "$cli_jar" ] || { echo "client-bench.sh: $cli_jar is missing: run mvn package first" >&2; exit 2; }
hdr_version="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$root/pom.xml")"
hdr_jar="${MAVEN_REPOSITORY:-$HOME/.m2/repository}/org/hdrhistogram/HdrHistogram/$hdr_version/HdrHistogram-$hdr_version.jar"
work="$(mktemp -d)"
cp "$cli_jar" "$work/nodeq.jar"   # a copy, so a build during the run cannot swap it
cp="$work/nodeq.jar:$hdr_jar"

trap 'cleanup; rm -rf "$work"' EXIT INT TERM
if [ -n "$jar" ]; then start_daemon; fi
[ -n "$http" ] || { echo "client-bench.sh: give --daemon-jar or --nsqd-http-address" >&2; exit 2; }

post() { curl -sSf -X POST "http://$http/$1" >/dev/null; }
tool() {  # class args...: runs a bench tool, echoes its output to the log and returns it
  local class="$1"; shift
  java ${JAVA_OPTS:-} -cp "$cp" "io.nodeq.examples.bench.$class" "--nsqd-tcp-address=$tcp" "--size=$size" "$@" | tee -a "$work/log"
}
rate() { grep -v "warm-up" | grep -o '[0-9.]*ops/s' | head -1 | sed 's:ops/s::'; }
warm_rate() { grep "warm-up" | grep -o '[0-9.]*ops/s' | head -1 | sed 's:ops/s::'; }

consume() {  # raw|client round: fill a topic, drain it with one reader; prints "all warm"
  local kind="$1" topic="cb_$1_$2"
  post "topic/create?topic=$topic"; post "channel/create?topic=$topic&channel=ch"
  tool BenchWriter "--topic=$topic" "--count=$messages" "--batch-size=$batch" --runfor=10m >/dev/null
  local out
  if [ "$kind" = raw ]; then
    out="$(tool BenchReader "--topic=$topic" --channel=ch "--count=$messages" --concurrency=1 --runfor=10m "--warmup=$warmup")"
  else
    out="$(tool ClientBenchConsumer "--topic=$topic" --channel=ch "--count=$messages" --runfor=10m "--warmup=$warmup" \
        "--handler-threads=$threads")"
  fi
  post "topic/delete?topic=$topic"
  echo "$(echo "$out" | rate) $(echo "$out" | warm_rate)"
}

produce() {  # raw|client round: publish for --runfor; prints the rate
  local kind="$1" topic="pb_$1_$2" out
  if [ "$kind" = raw ]; then
    out="$(tool BenchWriter "--topic=$topic" "--concurrency=$concurrency" "--batch-size=$batch" "--runfor=$runfor" \
        "--warmup=$pub_warmup")"
  else
    out="$(tool ClientBenchProducer "--topic=$topic" "--concurrency=$concurrency" "--batch-size=$batch" "--runfor=$runfor" \
        "--warmup=$pub_warmup")"
  fi
  post "topic/delete?topic=$topic"
  echo "$(echo "$out" | rate) $(echo "$out" | warm_rate)"
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "# $rounds rounds; consumers drain $messages messages of $size bytes, warm-up $warmup;" \
  "$concurrency producers run $runfor, warm-up $pub_warmup, batches of $batch"
: >"$work/results"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then order="raw client"; else order="client raw"; fi
  for kind in $order; do
    read -r all warm < <(consume "$kind" "$r")
    echo "round $r: $kind consumer: ${all} msgs/s over the drain, ${warm} after the warm-up"
    echo "sub $kind $all $warm" >>"$work/results"
  done
  for kind in $order; do
    read -r all warm < <(produce "$kind" "$r")
    echo "round $r: $kind producer: ${all} msgs/s over the run, ${warm} after the warm-up"
    echo "pub $kind $all $warm" >>"$work/results"
  done
done

m() { awk -v w="$1" -v k="$2" -v f="$3" '$1 == w && $2 == k {print $f}' "$work/results" | median; }
summary() {  # label what field
  local raw client
  raw="$(m "$2" raw "$3")"; client="$(m "$2" client "$3")"
  awk -v l="$1" -v r="$raw" -v c="$client" 'BEGIN { printf "%-34s raw %9.0f  client %9.0f  client/raw %3.0f%%\n", l, r, c, 100 * c / r }'
}
echo "# medians of $rounds rounds (msgs/s)"
summary "consumer, whole drain" sub 3
summary "consumer, after the warm-up" sub 4
summary "producer (batching), whole run" pub 3
summary "producer, after the warm-up" pub 4
