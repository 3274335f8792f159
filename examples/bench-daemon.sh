# Sourced by the bench scripts: takes the daemon flags they share, starts a daemon jar (or, with
# $nsqd set, that nsqd binary) on $tcp/$http with a fresh data dir, and stops it (by its PID) when
# the script exits. Uses: jar, tcp, http (may be empty: tcp's port + 1), mem_queue_size,
# daemon_java_opts, nsqd; DAEMON_FLAGS from the environment (the jar only). Sets daemon_pid, datadir.
# The daemon's log is kept in ${TMPDIR:-/tmp}/nodeq-bench-daemon.log.

daemon_pid=""
datadir=""
nsqd=""
# cleanup: stops the daemon (TERM; KILL if it is still there after 30 s) and removes its data dir.
cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    # not reaped yet, so the PID is still ours: KILL reaches no one else
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$datadir" ]; then cp "$datadir/daemon.log" "${TMPDIR:-/tmp}/nodeq-bench-daemon.log" 2>/dev/null || true; rm -rf "$datadir"; fi
  daemon_pid=""
  datadir=""
}
trap cleanup EXIT INT TERM

# usage: prints the calling script's leading comment (its help).
usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }

# daemon_flag --name value: sets the variable of one of the shared flags; fails for any other flag.
daemon_flag() {
  case "$1" in
    --nsqd-tcp-address) tcp="$2" ;;
    --nsqd-http-address) http="$2" ;;
    --daemon-jar) jar="$2" ;;
    --mem-queue-size) mem_queue_size="$2" ;;
    --daemon-java-opts) daemon_java_opts="$2" ;;
    *) return 1 ;;
  esac
}

# parse_flags "$@": Go's flag forms (--name=v, --name v, -name v) and --help; the shared daemon
# flags are taken here, every other one goes to the calling script's `script_flag NAME VALUE`,
# which returns 1 for a flag it does not know (one line on stderr, exit 2).
parse_flags() {
  local arg name value me
  me="$(basename "$0")"
  while [ $# -gt 0 ]; do
    arg="$1"; shift
    name="${arg%%=*}"; name="${name#-}"; name="--${name#-}"
    if [ "$name" = "--help" ]; then usage; exit 0; fi
    if [[ "$arg" == *=* ]]; then value="${arg#*=}"
    elif [ $# -gt 0 ]; then value="$1"; shift
    else echo "$me: flag needs an argument: $arg" >&2; exit 2; fi
    daemon_flag "$name" "$value" && continue
    script_flag "$name" "$value" || { echo "$me: unknown flag $name" >&2; exit 2; }
  done
}

# start_daemon [flag...]: the daemon jar (nsqd with $nsqd set), plus the given flags, on a fresh data dir;
# returns once both its ports accept connections, or 1 (its log on stderr) when it exits or has not
# opened them within 30 s each (the scripts' set -e then ends them).
start_daemon() {
  [ -n "$http" ] || http="${tcp%:*}:$(( ${tcp##*:} + 1 ))"
  datadir="$(mktemp -d)"
  if [ -n "$nsqd" ]; then
    echo "# starting $nsqd --tcp-address $tcp --http-address $http --mem-queue-size $mem_queue_size $*"
    # HTTPS on loopback port 0: nsqd binds it only with a TLS key, and then nowhere public
    "$nsqd" --tcp-address "$tcp" --http-address "$http" --https-address "${tcp%:*}:0" --broadcast-address "${tcp%:*}" \
        --data-path "$datadir" --mem-queue-size "$mem_queue_size" "$@" >"$datadir/daemon.log" 2>&1 &
  else
    # run a copy: a build during the run must not swap the jar under the JVM
    cp "$jar" "$datadir/daemon.jar"
    echo "# starting $jar --tcp-address $tcp --http-address $http --mem-queue-size $mem_queue_size $*"
    # shellcheck disable=SC2086
    java $daemon_java_opts -jar "$datadir/daemon.jar" --tcp-address "$tcp" --http-address "$http" --data-path "$datadir" \
        --mem-queue-size "$mem_queue_size" "$@" ${DAEMON_FLAGS:-} >"$datadir/daemon.log" 2>&1 &
  fi
  daemon_pid=$!
  local addr up
  for addr in "$tcp" "$http"; do
    up=0
    for _ in $(seq 1 300); do
      if (exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}") 2>/dev/null; then up=1; break; fi
      if ! kill -0 "$daemon_pid" 2>/dev/null; then echo "$(basename "$0"): daemon exited:" >&2; cat "$datadir/daemon.log" >&2; return 1; fi
      sleep 0.1
    done
    if [ "$up" = 0 ]; then echo "$(basename "$0"): daemon not listening on $addr after 30 s:" >&2; tail -n 20 "$datadir/daemon.log" >&2; return 1; fi
  done
}

# How much CPU the daemon has burnt (clock ticks), and a report of it over a phase: on a shared box,
# msgs per CPU-second says more than msgs per second.
daemon_cpu() { awk '{print $14 + $15}' "/proc/$daemon_pid/stat"; }
report_daemon_cpu() {  # ticks-at-start nanos-at-start phase
  awk -v t="$(( $(daemon_cpu) - $1 ))" -v hz="$(getconf CLK_TCK)" -v s="$(( $(date +%s%N) - $2 ))" -v w="$3" \
    'BEGIN { printf "# daemon cpu during %s: %.2fs (%.0f%% of one core)\n", w, t / hz, 100 * t / hz / (s / 1e9) }'
}

# The classpath of the Java bench tools: the examples module's runnable jar (the CLI's dependencies,
# the flag kit's Jackson among them), built first when it is missing, and HdrHistogram (the bench
# tools' own, version from the parent pom).
tools_classpath() {
  local r="$1"
  if [ ! -f "$r/examples/target/nodeq.jar" ]; then
    echo "# building the examples jar (mvn package -pl examples -am -DskipTests)" >&2
    (cd "$r" && mvn -B -q -ntp -pl examples -am package -DskipTests >/dev/null)
  fi
  local hdr
  hdr="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$r/pom.xml")"
  echo "$r/examples/target/nodeq.jar:${MAVEN_REPOSITORY:-$HOME/.m2/repository}/org/hdrhistogram/HdrHistogram/$hdr/HdrHistogram-$hdr.jar"
}
