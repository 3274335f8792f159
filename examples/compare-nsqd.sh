#!/usr/bin/env bash
# nodeq side by side with the real nsqd, both driven by the same tools in one run: the daemon jar and
# nsqd are started in turn (nsqd, nodeq, nsqd, nodeq, ... for --rounds) on loopback, each on a fresh
# data dir, and stopped by their PIDs. Figures from one run are comparable; from different runs or
# days they are not (on a shared machine single rounds vary by a third): read the ratios.
#
#   examples/compare-nsqd.sh bench   --nsq-bin DIR [--rounds 3] [--runfor 10s] [--size 200] [--batch-size 200]
#                                    [--mem-queue-size 1000000]
#   examples/compare-nsqd.sh latency --nsq-bin DIR [--rounds 3] [--rates 1000,20000,50000] [--duration 10s]
#                                    [--warmup 5s] [--publishers 4] [--rdy 2500] [--output-buffer-timeout 1ms]
#                                    [--size 200] [--mem-queue-size 10000]
#   both: [--daemon-jar nodeq-daemon/target/nodeq-daemon.jar] [--daemon-java-opts "..."]
#         [--nsqd-tcp-address 127.0.0.1:PORT --nsqd-http-address 127.0.0.1:PORT]
#
# bench: NSQ's bench/bench.sh flow. Each daemon gets --mem-queue-size; topic sub_bench and channel ch
# are created over HTTP; NSQ's bench_writer publishes MPUBs of --batch-size --size-byte messages for
# --runfor (each connection waits for its OK before the next MPUB), then bench_reader consumes ch for
# --runfor. Per round: writer and reader ops/s, the daemon's peak RSS (VmHWM of its process: the JVM
# for nodeq), the backlog (topic + channel depth; needs jq) after writing and after reading, and the
# load average; then the medians per server and `ratio nodeq/nsqd: pub=X sub=Y memory=Z` (pub and sub
# above 1: nodeq faster; memory above 1: nodeq bigger). A backlog of 0 after reading means the reader
# ran dry: its figure is capped by what the writer produced.
#
# latency: at each of --rates, per round nsqd then nodeq, both started with
# --min-output-buffer-timeout=<--output-buffer-timeout> so that they accept what the consumer asks for.
# LatencyBench (this module's tool; the README's latency figures were taken with an equivalent Go
# tool) creates topic latency and channel ch over HTTP, sends single PUBs from --publishers
# connections at the rate, open loop, with one consumer (RDY --rdy, IDENTIFY output_buffer_timeout);
# --warmup, then --duration measured. One row per run and the medians per server and rate:
# publish->delivery p50/p90/p99/p99.9/max, PUB->OK p50/p99 (ms), achieved rates, missing messages.
#
# --nsq-bin DIR holds nsqd from an NSQ release (its bin/ directory) and, for bench, bench_writer and
# bench_reader, which releases do not ship: build them from NSQ's source tree (repository nsqio/nsq,
# e.g. tag v1.3.0) with Go:  go build -o DIR/bench_writer ./bench/bench_writer
#                            go build -o DIR/bench_reader ./bench/bench_reader
# The daemon jar: mvn package -DskipTests (LatencyBench comes from examples/target/nodeq.jar, built
# if missing). --daemon-java-opts and DAEMON_FLAGS (env) go to the nodeq daemon only, JAVA_OPTS to
# LatencyBench. Ports: two free loopback ports below the ephemeral range are picked at the start
# unless given; a port some other program listens on stops the run. Every tool run is bounded by
# `timeout` (its run time + 60 s). The last daemon's log is kept in ${TMPDIR:-/tmp}/nodeq-bench-daemon.log.
# Exit: 0 every run gave figures; 1 some run failed or was incomplete (see its notes); 2 bad usage,
# tools missing or a port taken.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
me="compare-nsqd.sh"
case "${1:-}" in
  bench|latency) mode="$1"; shift ;;
  -h|--help|-help) mode="" ;;
  "") echo "$me: missing mode: bench or latency (see --help)" >&2; exit 2 ;;
  *) echo "$me: unknown mode \"$1\": want bench or latency (see --help)" >&2; exit 2 ;;
esac
# shellcheck source=bench-daemon.sh
. "$root/examples/bench-daemon.sh"
[ -n "$mode" ] || { usage; exit 0; }

tcp=""
http=""
jar="$root/nodeq-daemon/target/nodeq-daemon.jar"
mem_queue_size=""
daemon_java_opts=""
nsq_bin=""
rounds=3
runfor="10s"
size=200
batch=200
rates="1000,20000,50000"
duration="10s"
warmup="5s"
publishers=4
rdy=2500
obt="1ms"

script_flag() {
  case "$1" in
    --nsq-bin) nsq_bin="$2" ;;
    --rounds) rounds="$2" ;;
    --size) size="$2" ;;
    --runfor) [ "$mode" = bench ] || return 1; runfor="$2" ;;
    --batch-size) [ "$mode" = bench ] || return 1; batch="$2" ;;
    --rates) [ "$mode" = latency ] || return 1; rates="$2" ;;
    --duration) [ "$mode" = latency ] || return 1; duration="$2" ;;
    --warmup) [ "$mode" = latency ] || return 1; warmup="$2" ;;
    --publishers) [ "$mode" = latency ] || return 1; publishers="$2" ;;
    --rdy) [ "$mode" = latency ] || return 1; rdy="$2" ;;
    --output-buffer-timeout) [ "$mode" = latency ] || return 1; obt="$2" ;;
    *) return 1 ;;
  esac
}
parse_flags "$@"

usage_error() { echo "$me: $*" >&2; exit 2; }

# Go duration (10s, 500ms, 1m30s) -> whole seconds, rounded up; fails for anything else
dur_s() {
  awk -v d="$1" 'BEGIN { t = 0; s = d; if (s == "") exit 1
    while (s != "") {
      if (!match(s, /^[0-9]+(\.[0-9]+)?/)) exit 1
      v = substr(s, 1, RLENGTH) + 0; s = substr(s, RLENGTH + 1)
      if (substr(s, 1, 2) == "ms") { t += v / 1000; s = substr(s, 3) }
      else if (substr(s, 1, 2) == "us" || substr(s, 1, 2) == "ns") { s = substr(s, 3) }
      else if (substr(s, 1, 1) == "s") { t += v; s = substr(s, 2) }
      else if (substr(s, 1, 1) == "m") { t += v * 60; s = substr(s, 2) }
      else if (substr(s, 1, 1) == "h") { t += v * 3600; s = substr(s, 2) }
      else exit 1
    }
    printf "%d\n", (t == int(t)) ? t : int(t) + 1 }'
}
positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_error "$1 must be a positive integer, got \"$2\""; }

[ -n "$nsq_bin" ] || usage_error "--nsq-bin DIR is required (the directory of nsqd; see --help)"
nsq_bin="$(cd "$nsq_bin" 2>/dev/null && pwd)" || usage_error "--nsq-bin: no such directory"
needed="nsqd"; [ "$mode" = bench ] && needed="nsqd bench_writer bench_reader"
for b in $needed; do
  [ -x "$nsq_bin/$b" ] || usage_error "no executable $nsq_bin/$b (see --help for how to build the bench tools)"
done
[ -f "$jar" ] || usage_error "no daemon jar $jar (mvn package -DskipTests)"
command -v curl >/dev/null || usage_error "curl is needed"
positive_int --rounds "$rounds"
positive_int --size "$size"
if [ "$mode" = bench ]; then
  positive_int --batch-size "$batch"
  tool_s="$(dur_s "$runfor")" || usage_error "--runfor must be a duration such as 10s, got \"$runfor\""
  : "${mem_queue_size:=1000000}"
else
  [ "$size" -ge 16 ] || usage_error "--size must be at least 16 for latency (the body carries its send time and the run's tag)"
  positive_int --publishers "$publishers"
  positive_int --rdy "$rdy"
  [[ "$rates" =~ ^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$ ]] || usage_error "--rates must be a comma-separated list of msgs/s, got \"$rates\""
  d_s="$(dur_s "$duration")" || usage_error "--duration must be a duration such as 10s, got \"$duration\""
  w_s="$(dur_s "$warmup")" || usage_error "--warmup must be a duration such as 5s, got \"$warmup\""
  dur_s "$obt" >/dev/null || usage_error "--output-buffer-timeout must be a duration such as 1ms, got \"$obt\""
  tool_s=$((d_s + w_s + 5))      # the tool's drain timeout is 5 s
  : "${mem_queue_size:=10000}"   # nsqd's default
fi
tool_timeout=$((tool_s + 60))

work="$(mktemp -d)"
tool_pid=""
# run_tool OUT ERR CMD...: CMD in the background, bounded by `timeout`, its exit code returned; waiting
# with `wait` lets a TERM or Ctrl-C stop it at once (stop_tool) rather than after its run
run_tool() {
  local out=$1 err=$2 rc; shift 2
  timeout -k 5 "$tool_timeout" "$@" >"$out" 2>"$err" </dev/null &
  tool_pid=$!
  wait "$tool_pid"; rc=$?
  tool_pid=""
  return "$rc"
}
# timeout passes the TERM on to the tool
stop_tool() { if [ -n "$tool_pid" ]; then kill "$tool_pid" 2>/dev/null; wait "$tool_pid" 2>/dev/null; tool_pid=""; fi; }
trap 'stop_tool; cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# --- ports --------------------------------------------------------------------------------------
host=127.0.0.1
listening() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
if [ -z "$tcp" ]; then
  # Below the ephemeral range, where no outgoing connection can be holding the port.
  low="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "$low" -gt 12000 ] || low=32768
  for _ in $(seq 1 50); do
    p=$((10000 + RANDOM % (low - 12000)))
    if ! listening "$host:$p" && ! listening "$host:$((p + 1))"; then tcp="$host:$p"; break; fi
  done
  [ -n "$tcp" ] || usage_error "found no two free loopback ports; give --nsqd-tcp-address and --nsqd-http-address"
fi
[ -n "$http" ] || http="${tcp%:*}:$(( ${tcp##*:} + 1 ))"
for a in "$tcp" "$http"; do
  case "${a%:*}" in 127.*|localhost) ;; *) usage_error "$a is not a loopback address" ;; esac
done

# start KIND NAME [flag...]: nsqd or the nodeq jar on $tcp/$http; false (the reason on stderr) if it did not start
start() {
  local kind=$1 name=$2; shift 2
  local a
  for a in "$tcp" "$http"; do
    listening "$a" && { echo "$me: something else listens on $a: stopping (it must not be measured)" >&2; exit 2; }
  done
  if [ "$kind" = nsqd ]; then nsqd="$nsq_bin/nsqd"; else nsqd=""; fi
  if ! start_daemon "$@" >"$work/$name.start" 2>&1; then
    echo "$kind did not start:" >&2; tail -n 20 "$work/$name.start" >&2
    cleanup
    return 1
  fi
}

res="$work/results"
: >"$res"
failed=0
load() { cut -d' ' -f1 /proc/loadavg; }
# numbers on stdin (na ignored) -> their median, or na
median() {
  grep -v '^na$' | sort -g | awk '{a[NR] = $1} END { if (NR == 0) { print "na"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.0f\n", m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "na" || b == "na" || b == 0) print "na"; else printf "%.2f", a / b }'; }
nsqd_version="$("$nsq_bin/nsqd" --version 2>&1 | head -n 1)"

# --- bench --------------------------------------------------------------------------------------
# "[bench_writer] duration: 10.0s - 54.9mb/s - 288009.254ops/s - 3.472us/op" -> 288009
ops() { sed -n 's/.*duration: [^ ]* - [0-9.]*mb\/s - \([0-9.]*\)ops\/s - .*/\1/p' | tail -n 1 | awk '{printf "%.0f", $1}'; }
# topic sub_bench's depth plus channel ch's, or na
backlog() {
  command -v jq >/dev/null || { echo na; return; }
  curl -sf --max-time 5 "http://$http/stats?format=json&topic=sub_bench" 2>/dev/null \
    | jq -r '[.topics[]? | select(.topic_name == "sub_bench")
              | .depth + ([.channels[]? | select(.channel_name == "ch") | .depth] | add // 0)] | .[0] // "na"' 2>/dev/null \
    || echo na
}
# a tool's last output lines as one short note
gist() { tail -n 2 | tr '\n' ' ' | cut -c 1-200; }

bench_round() { # KIND ROUND
  local kind=$1 round=$2 name="bench-$1-$2" out wops rops d0 d1 hwm ld note="" path
  if ! start "$kind" "$name" 2>"$work/$name.why"; then
    printf '%-5s round %d: did not start: %s\n' "$kind" "$round" "$(gist <"$work/$name.why")"
    echo "$kind na na na" >>"$res"; failed=1
    return
  fi
  ld="$(load)"
  for path in "topic/create?topic=sub_bench" "channel/create?topic=sub_bench&channel=ch"; do
    curl -sf --max-time 5 -X POST "http://$http/$path" >/dev/null || note="$note POST /$path failed;"
  done
  out="$work/$name.out"
  run_tool "$out" "$out" "$nsq_bin/bench_writer" --nsqd-tcp-address="$tcp" --size="$size" --batch-size="$batch" --runfor="$runfor"
  wops="$(ops <"$out")"; [ -n "$wops" ] || { wops=na; note="$note writer: $(gist <"$out");"; }
  d0="$(backlog)"
  run_tool "$out" "$out" "$nsq_bin/bench_reader" --nsqd-tcp-address="$tcp" --size="$size" --channel=ch --runfor="$runfor"
  rops="$(ops <"$out")"; [ -n "$rops" ] || { rops=na; note="$note reader: $(gist <"$out");"; }
  d1="$(backlog)"
  hwm="$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$daemon_pid/status" 2>/dev/null)"; hwm="${hwm:-na}"
  kill -0 "$daemon_pid" 2>/dev/null || note="$note the daemon exited during the run;"
  cleanup
  printf '%-5s round %d: writer %9s ops/s | reader %9s ops/s | VmHWM %6s MiB | backlog after write %s, after read %s | load %s%s\n' \
    "$kind" "$round" "$wops" "$rops" "$hwm" "$d0" "$d1" "$ld" "${note:+ |$note}"
  if [ "$wops" = na ] || [ "$rops" = na ] || [ -n "$note" ]; then failed=1; fi
  echo "$kind $wops $rops $hwm" >>"$res"
}

bench() {
  local k
  col() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$res" | median; }
  echo "# $nsqd_version vs nodeq ($jar) on $tcp/$http; $(nproc) cpus; bench_writer --size=$size" \
       "--batch-size=$batch --runfor=$runfor, then bench_reader; --mem-queue-size=$mem_queue_size; rounds=$rounds"
  for ((round = 1; round <= rounds; round++)); do
    bench_round nsqd "$round"
    bench_round nodeq "$round"
  done
  echo "# medians over $rounds rounds"
  for k in nsqd nodeq; do
    printf '%-5s median: writer %9s ops/s | reader %9s ops/s | VmHWM %6s MiB\n' "$k" "$(col $k 2)" "$(col $k 3)" "$(col $k 4)"
  done
  echo "ratio nodeq/nsqd: pub=$(ratio "$(col nodeq 2)" "$(col nsqd 2)") sub=$(ratio "$(col nodeq 3)" "$(col nsqd 3)")" \
       "memory=$(ratio "$(col nodeq 4)" "$(col nsqd 4)")"
}

# --- latency ------------------------------------------------------------------------------------
# kv PREFIX KEY: from LatencyBench's output on stdin, KEY's value on the line "PREFIX: ...", units dropped
kv() {
  awk -v p="$1:" -v k="$2=" '$1 == p { for (i = 2; i <= NF; i++) if (index($i, k) == 1) {
      v = substr($i, length(k) + 1); sub(/us$/, "", v); sub(/\/s$/, "", v); print v; exit } }'
}
ROW='%-5s %7s %3s | %8s %8s %8s %8s %8s | %8s %8s | %8s %8s | %7s | %s\n'
header() {
  # shellcheck disable=SC2059
  printf "$ROW" server rate rnd e2e_p50 e2e_p90 e2e_p99 p99.9 e2e_max rtt_p50 rtt_p99 pub/s cons/s missing notes
}
# one results line (latencies in us) -> one table row (ms)
row() {
  awk -v f="$ROW" 'function ms(v) { return (v == "na") ? "na" : sprintf("%.3f", v / 1000) }
    { printf f, $1, $2, $3, ms($4), ms($5), ms($6), ms($7), ms($8), ms($9), ms($10), $11, $12, $13, $14 }'
}

latency_round() { # KIND RATE ROUND
  local kind=$1 rate=$2 round=$3 name="lat-$1-$2-$3" out rc note="" k
  if ! start "$kind" "$name" --min-output-buffer-timeout="$obt" 2>"$work/$name.why"; then
    echo "$kind $rate $round na na na na na na na na na na did-not-start:$(gist <"$work/$name.why" | tr ' ' '_')" >>"$res"
    failed=1; tail -n 1 "$res" | row
    return
  fi
  note="load=$(load)"
  # shellcheck disable=SC2086
  run_tool "$work/$name.out" "$work/$name.err" java ${JAVA_OPTS:-} -cp "$cp" io.nodeq.examples.bench.LatencyBench \
      --nsqd-tcp-address="$tcp" --nsqd-http-address="$http" --rate="$rate" --duration="$duration" \
      --warmup="$warmup" --publishers="$publishers" --rdy="$rdy" --size="$size" --output-buffer-timeout="$obt"
  rc=$?
  out="$(cat "$work/$name.out")"
  kill -0 "$daemon_pid" 2>/dev/null || note="$note;daemon-exited"
  cleanup
  case $rc in
    0) ;;
    3) note="$note;incomplete" ;;
    124|137) note="$note;tool-timeout" ;;
    *) note="$note;tool-rc=$rc:$(gist <"$work/$name.err" | tr ' ' '_')" ;;
  esac
  [ "$note" = "${note%%;*}" ] || failed=1
  local v=()
  for k in p50 p90 p99 p99.9 max; do v+=("$(kv e2e "$k" <<<"$out")"); done
  for k in p50 p99; do v+=("$(kv pub_rtt "$k" <<<"$out")"); done
  v+=("$(kv rates pub <<<"$out")" "$(kv rates consume <<<"$out")" "$(kv totals missing <<<"$out")")
  for k in "${!v[@]}"; do v[$k]="${v[$k]:-na}"; done
  echo "$kind $rate $round ${v[*]} $note" >>"$res"
  tail -n 1 "$res" | row
}

latency() {
  local rate k c
  cp="$(tools_classpath "$root")"
  echo "# $nsqd_version vs nodeq ($jar) on $tcp/$http; $(nproc) cpus; rates ${rates//,/ }; rounds=$rounds"
  echo "# LatencyBench: $publishers publishers sending single PUBs of $size bytes, open loop; one consumer, RDY $rdy," \
       "IDENTIFY output_buffer_timeout=$obt; both daemons --min-output-buffer-timeout=$obt --mem-queue-size=$mem_queue_size;" \
       "warmup $warmup, then $duration measured"
  echo "# latencies in ms; pub/s and cons/s over the measured window; missing = acknowledged but never delivered"
  header
  for rate in ${rates//,/ }; do
    for ((round = 1; round <= rounds; round++)); do
      latency_round nsqd "$rate" "$round"
      latency_round nodeq "$rate" "$round"
    done
  done
  echo "# medians over $rounds rounds"
  header
  for rate in ${rates//,/ }; do
    for k in nsqd nodeq; do
      echo "$k $rate med $(for c in 4 5 6 7 8 9 10 11 12 13; do
        awk -v k="$k" -v r="$rate" -v c="$c" '$1 == k && $2 == r {print $c}' "$res" | median; done | tr '\n' ' ')-" | row
    done
  done
}

"$mode"
exit "$failed"
