package io.nodeq.daemon;

import io.nodeq.config.Flag;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One nsqd option: its {@link Flag} row (command line {@code --mem-queue-size}, config file and
 * {@code /config/:opt} key {@code mem_queue_size}; a few keys differ, as in nsqd) and how it reads
 * from and writes to {@link DaemonOptions}. The single table behind {@link DaemonFlags} and the
 * HTTP {@code /config} endpoint: a new option is one {@code add} line below (or {@code ignored}
 * for an nsqd flag nodeq accepts and does not implement).
 */
public record FlagSpec(Flag flag, Function<DaemonOptions, Object> getter, BiConsumer<DaemonOptions.Builder, Object> setter) {

    private static final Map<String, FlagSpec> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, FlagSpec> BY_CFG = new LinkedHashMap<>();

    static {
        add("tcp-address", Kind.STRING, "<addr>:<port> to listen on for TCP clients",
                DaemonOptions::tcpAddress, (b, v) -> b.tcpAddress((String) v));
        add("http-address", Kind.STRING, "<addr>:<port> to listen on for HTTP clients (empty disables HTTP)",
                DaemonOptions::httpAddress, (b, v) -> b.httpAddress((String) v));
        add("broadcast-address", Kind.STRING, "address registered with nsqlookupd; the default is the OS hostname",
                DaemonOptions::broadcastAddress, (b, v) -> b.broadcastAddress((String) v));
        add("broadcast-tcp-port", Kind.INT, "TCP port registered with nsqlookupd (0 = the listening port)",
                DaemonOptions::broadcastTcpPort, (b, v) -> b.broadcastTcpPort((Integer) v));
        add("broadcast-http-port", Kind.INT, "HTTP port registered with nsqlookupd (0 = the listening port)",
                DaemonOptions::broadcastHttpPort, (b, v) -> b.broadcastHttpPort((Integer) v));
        add("lookupd-tcp-address", "nsqlookupd_tcp_addresses", Kind.STRINGS,
                "lookupd TCP address (may be given multiple times)",
                DaemonOptions::lookupdTcpAddresses, (b, v) -> b.lookupdTcpAddresses(strings(v)));
        add("node-id", "id", Kind.INT, "unique part for message IDs, 0..1023; the default is derived from the hostname",
                DaemonOptions::nodeId, (b, v) -> b.nodeId((Integer) v));
        add("data-path", Kind.PATH, "path to store disk-backed messages",
                DaemonOptions::dataPath, (b, v) -> b.dataPath((Path) v));
        add("mem-queue-size", Kind.LONG, "number of a topic's newest messages kept in memory, shared by its channels (older ones are read from its log)",
                DaemonOptions::memQueueSize, (b, v) -> b.memQueueSize((Long) v));
        add("max-bytes-per-file", Kind.LONG, "number of bytes per log segment file before rolling",
                DaemonOptions::maxBytesPerFile, (b, v) -> b.maxBytesPerFile((Long) v));
        add("sync-every", Kind.LONG, "memory-first: number of messages per log fsync",
                DaemonOptions::syncEvery, (b, v) -> b.syncEvery((Long) v));
        add("sync-timeout", Kind.DURATION, "memory-first: duration of time per log fsync",
                DaemonOptions::syncTimeout, (b, v) -> b.syncTimeout((Duration) v));
        add("msg-timeout", Kind.DURATION, "default duration to wait before auto-requeing a message",
                DaemonOptions::msgTimeout, (b, v) -> b.msgTimeout((Duration) v));
        add("max-msg-timeout", Kind.DURATION, "maximum duration before a message will timeout",
                DaemonOptions::maxMsgTimeout, (b, v) -> b.maxMsgTimeout((Duration) v));
        add("max-msg-size", Kind.INT, "maximum size of a single message in bytes",
                DaemonOptions::maxMsgSize, (b, v) -> b.maxMsgSize((Integer) v));
        add("max-body-size", Kind.INT, "maximum size of a single command body",
                DaemonOptions::maxBodySize, (b, v) -> b.maxBodySize((Integer) v));
        add("max-req-timeout", Kind.DURATION, "maximum requeuing timeout for a message",
                DaemonOptions::maxReqTimeout, (b, v) -> b.maxReqTimeout((Duration) v));
        add("max-heartbeat-interval", Kind.DURATION, "maximum client configurable duration of time between client heartbeats",
                DaemonOptions::maxHeartbeatInterval, (b, v) -> b.maxHeartbeatInterval((Duration) v));
        add("max-rdy-count", Kind.INT, "maximum RDY count for a client",
                DaemonOptions::maxRdyCount, (b, v) -> b.maxRdyCount((Integer) v));
        add("max-output-buffer-size", Kind.INT, "maximum client configurable size (in bytes) for a client output buffer",
                DaemonOptions::maxOutputBufferSize, (b, v) -> b.maxOutputBufferSize((Integer) v));
        add("max-output-buffer-timeout", Kind.DURATION, "maximum client configurable duration of time between flushing to a client",
                DaemonOptions::maxOutputBufferTimeout, (b, v) -> b.maxOutputBufferTimeout((Duration) v));
        add("min-output-buffer-timeout", Kind.DURATION, "minimum client configurable duration of time between flushing to a client",
                DaemonOptions::minOutputBufferTimeout, (b, v) -> b.minOutputBufferTimeout((Duration) v));
        add("output-buffer-timeout", Kind.DURATION, "default duration of time between flushing data to clients",
                DaemonOptions::outputBufferTimeout, (b, v) -> b.outputBufferTimeout((Duration) v));
        add("max-channel-consumers", Kind.INT, "maximum channel consumer connection count per nsqd instance (0 = unlimited)",
                DaemonOptions::maxChannelConsumers, (b, v) -> b.maxChannelConsumers((Integer) v));
        add("e2e-processing-latency-percentile", "e2e_processing_latency_percentiles", Kind.FLOATS,
                "message processing time percentiles (as float (0, 1.0]) to track (repeatable or comma separated)",
                DaemonOptions::e2eProcessingLatencyPercentiles, (b, v) -> b.e2eProcessingLatencyPercentiles(doubles(v)));
        add("e2e-processing-latency-window-time", Kind.DURATION, "calculate end to end latency quantiles for this duration of time",
                DaemonOptions::e2eProcessingLatencyWindowTime, (b, v) -> b.e2eProcessingLatencyWindowTime((Duration) v));
        add("deflate", Kind.BOOL, "enable deflate feature negotiation (client compression)",
                DaemonOptions::deflate, (b, v) -> b.deflate((Boolean) v));
        add("max-deflate-level", Kind.INT, "max deflate compression level a client can negotiate (> values == > nsqd CPU usage)",
                DaemonOptions::maxDeflateLevel, (b, v) -> b.maxDeflateLevel((Integer) v));
        add("snappy", Kind.BOOL, "enable snappy feature negotiation (client compression)",
                DaemonOptions::snappy, (b, v) -> b.snappy((Boolean) v));
        add("tls-cert", Kind.STRING, "path to certificate file",
                DaemonOptions::tlsCert, (b, v) -> b.tlsCert((String) v));
        add("tls-key", Kind.STRING, "path to key file",
                DaemonOptions::tlsKey, (b, v) -> b.tlsKey((String) v));
        add("auth-http-address", "auth_http_addresses", Kind.STRINGS,
                "<addr>:<port> or a full url to query auth server (may be given multiple times)",
                DaemonOptions::authHttpAddresses, (b, v) -> b.authHttpAddresses(strings(v)));
        add("https-address", Kind.STRING, "<addr>:<port> to listen on for HTTPS clients (only with --tls-cert/--tls-key)",
                DaemonOptions::httpsAddress, (b, v) -> b.httpsAddress((String) v));
        add("tls-root-ca-file", Kind.STRING, "path to certificate authority file",
                DaemonOptions::tlsRootCaFile, (b, v) -> b.tlsRootCaFile((String) v));
        add("tls-client-auth-policy", Kind.STRING, "client certificate auth policy ('require' or 'require-verify')",
                DaemonOptions::tlsClientAuthPolicy, (b, v) -> b.tlsClientAuthPolicy((String) v));
        add("tls-required", Kind.STRING, "require TLS for client connections (true, false, tcp-https)",
                DaemonOptions::tlsRequired, (b, v) -> b.tlsRequired((String) v));
        add("tls-min-version", Kind.STRING, "minimum SSL/TLS version acceptable ('ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2' or 'tls1.3')",
                DaemonOptions::tlsMinVersion, (b, v) -> b.tlsMinVersion((String) v));
        add("auth-http-request-method", Kind.STRING, "HTTP method to use for auth server requests (get or post)",
                DaemonOptions::authHttpRequestMethod, (b, v) -> b.authHttpRequestMethod((String) v));
        add("http-client-connect-timeout", Kind.DURATION, "timeout for HTTP connect (auth server calls)",
                DaemonOptions::httpClientConnectTimeout, (b, v) -> b.httpClientConnectTimeout((Duration) v));
        add("http-client-request-timeout", Kind.DURATION, "timeout for HTTP request (auth server calls)",
                DaemonOptions::httpClientRequestTimeout, (b, v) -> b.httpClientRequestTimeout((Duration) v));
        add("max-connections", Kind.INT, "nodeq: most TCP client connections at once; more are refused (0 = no limit)",
                DaemonOptions::maxConnections, (b, v) -> b.maxConnections((Integer) v));
        add("log-level", Kind.STRING, "set log verbosity: debug, info, warn, error, or fatal",
                DaemonOptions::logLevel, (b, v) -> b.logLevel((String) v));
        add("log-prefix", Kind.STRING, "log message prefix",
                DaemonOptions::logPrefix, (b, v) -> b.logPrefix((String) v));
        add("durability", Kind.STRING, "nodeq: default storage level of new topics: memory-first (OK from memory, written at once, fsync every --sync-every/--sync-timeout) or durable (OK only after the fsync)",
                DaemonOptions::durability, (b, v) -> b.durability((String) v));
        add("max-attempts", Kind.INT, "nodeq: default max_attempts of new channels: a message delivered this many times and then requeued or timed out goes to the dead-letter topic (0 = unlimited, NSQ's behaviour)",
                DaemonOptions::maxAttempts, (b, v) -> b.maxAttempts((Integer) v));
        add("dead-letter-suffix", Kind.STRING, "nodeq: default dead_letter_topic of new channels: the topic's name plus this suffix, e.g. .dead (empty = none: messages past max_attempts are dropped and counted)",
                DaemonOptions::deadLetterSuffix, (b, v) -> b.deadLetterSuffix((String) v));
        add("jit-warmup", Kind.DURATION, "nodeq: before listening, drive messages through a scratch daemon in this JVM for this long, so the JIT has compiled the message path before the first client's message (0 = off)",
                DaemonOptions::jitWarmup, (b, v) -> b.jitWarmup((Duration) v));
        add("jit-nice", Kind.INT, "nodeq: on Linux, nice value (0..19) given to the JVM's JIT compiler threads after the warm-up, so a compilation seldom keeps an event loop off a core (0 = leave them alone)",
                DaemonOptions::jitNice, (b, v) -> b.jitNice((Integer) v));
        add("sched-slice", Kind.DURATION, "nodeq: on Linux 6.12+, the scheduler time slice the event loops and disk lanes ask for (100us..100ms), so a woken one preempts a thread that has run longer sooner (0 = the kernel's default)",
                DaemonOptions::schedSlice, (b, v) -> b.schedSlice((Duration) v));
        add("event-loops", Kind.INT, "nodeq: event loops serving connections and shards (0 = one per core less one, at least one: the core left runs the disk lanes, the JIT and the collector)",
                DaemonOptions::eventLoops, (b, v) -> b.eventLoops((Integer) v));
        add("shards", Kind.INT, "nodeq: number of event-loop shards that own topics (1..64)",
                DaemonOptions::shards, (b, v) -> b.shards((Integer) v));

        // nsqd flags nodeq does not implement yet: accepted so nsqd command lines and config
        // files keep working, and reported as ignored.
        ignored("queue-scan-worker-pool-max", Kind.INT);
        ignored("queue-scan-selection-count", Kind.INT);
        ignored("statsd-address", Kind.STRING);
        ignored("statsd-prefix", Kind.STRING);
        ignored("statsd-interval", Kind.DURATION);
        ignored("statsd-mem-stats", Kind.BOOL);
        ignored("statsd-udp-packet-size", Kind.INT);
        ignored("statsd-exclude-ephemeral", Kind.BOOL);
        ignored("topology-region", Kind.STRING);
        ignored("topology-zone", Kind.STRING);
        ignored("enable-experiment", Kind.STRINGS);
        ignored("verbose", Kind.BOOL);
    }

    private static void add(String name, Kind kind, String help, Function<DaemonOptions, Object> getter,
                            BiConsumer<DaemonOptions.Builder, Object> setter) {
        add(name, name.replace('-', '_'), kind, help, getter, setter);
    }

    private static void add(String name, String cfgKey, Kind kind, String help, Function<DaemonOptions, Object> getter,
                            BiConsumer<DaemonOptions.Builder, Object> setter) {
        // the default is filled in by table(): DaemonOptions' defaults include the hostname, which
        // must not be looked up when /config first loads this class on an event loop
        put(new FlagSpec(Flag.of(name, kind, null, help).withConfigKey(cfgKey), getter, setter));
    }

    private static void ignored(String name, Kind kind) {
        put(new FlagSpec(Flag.ignored(name, kind), null, null));
    }

    private static void put(FlagSpec spec) {
        BY_NAME.put(spec.name(), spec);
        BY_CFG.put(spec.flag.configKey(), spec);
    }

    public static List<FlagSpec> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** The table the command line and config file are read with, defaults from {@code DaemonOptions}. */
    static FlagTable table(String program, String description) {
        DaemonOptions defaults = DaemonOptions.builder().build();
        FlagTable table = new FlagTable(program, description);
        for (FlagSpec spec : BY_NAME.values()) {
            table.add(spec.supported() ? spec.flag.withDefault(spec.getter.apply(defaults)) : spec.flag);
        }
        return table;
    }

    /** By flag name without dashes ({@code mem-queue-size}); null when unknown. */
    public static FlagSpec byName(String name) {
        return BY_NAME.get(name);
    }

    /** By config-file / {@code /config} key ({@code mem_queue_size}, {@code id}); null when unknown. */
    public static FlagSpec byConfigKey(String key) {
        return BY_CFG.get(key);
    }

    public String name() {
        return flag.name();
    }

    public boolean supported() {
        return getter != null;
    }

    /**
     * The value as nsqd's {@code /config/:opt} shows it: durations in nanoseconds, lists as lists,
     * paths as strings. Null for ignored flags.
     */
    public Object configValue(DaemonOptions options) {
        if (getter == null) {
            return null;
        }
        Object v = getter.apply(options);
        if (v instanceof Path path) {
            return path.toString();
        }
        return v instanceof Duration d ? (Object) d.toNanos() : v;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return new ArrayList<>((List<String>) v);
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Object v) {
        return new ArrayList<>((List<Double>) v);
    }
}
