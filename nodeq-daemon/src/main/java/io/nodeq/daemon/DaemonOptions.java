package io.nodeq.daemon;

import io.nodeq.config.Hostname;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a daemon is configured with, named after nsqd's flags (nsq-protocol.md §5.1) with
 * nsqd's defaults. Immutable; build with {@link #builder()}; {@link #validate()} says what is
 * wrong in one line per problem.
 */
public record DaemonOptions(
        String tcpAddress,
        String httpAddress,
        String broadcastAddress,
        int broadcastTcpPort,
        int broadcastHttpPort,
        List<String> lookupdTcpAddresses,
        int nodeId,
        Path dataPath,
        long memQueueSize,
        long maxBytesPerFile,
        long syncEvery,
        Duration syncTimeout,
        Duration queueScanInterval,
        Duration msgTimeout,
        Duration maxMsgTimeout,
        int maxMsgSize,
        int maxBodySize,
        Duration maxReqTimeout,
        Duration clientTimeout,
        Duration maxHeartbeatInterval,
        int maxRdyCount,
        int maxOutputBufferSize,
        Duration outputBufferTimeout,
        Duration minOutputBufferTimeout,
        Duration maxOutputBufferTimeout,
        int maxChannelConsumers,
        List<Double> e2eProcessingLatencyPercentiles,
        Duration e2eProcessingLatencyWindowTime,
        boolean deflate,
        int maxDeflateLevel,
        boolean snappy,
        String tlsCert,
        String tlsKey,
        List<String> authHttpAddresses,
        String logLevel,
        String logPrefix,
        int shards,
        String durability,
        String httpsAddress,
        String tlsRootCaFile,
        String tlsClientAuthPolicy,
        String tlsRequired,
        String tlsMinVersion,
        String authHttpRequestMethod,
        Duration httpClientConnectTimeout,
        Duration httpClientRequestTimeout,
        int maxConnections,
        int maxAttempts,
        String deadLetterSuffix,
        Duration jitWarmup,
        int jitNice,
        Duration schedSlice,
        int eventLoops) {

    public static final String VERSION = "1.3.0";
    /** The most event loops {@code --event-loops} takes. */
    public static final int MAX_EVENT_LOOPS = 256;

    public DaemonOptions {
        lookupdTcpAddresses = List.copyOf(lookupdTcpAddresses);
        e2eProcessingLatencyPercentiles = List.copyOf(e2eProcessingLatencyPercentiles);
        authHttpAddresses = List.copyOf(authHttpAddresses);
    }

    /** Problems with this configuration, each a one-line message naming the flag; empty if valid. */
    public List<String> validate() {
        java.util.ArrayList<String> errors = new java.util.ArrayList<>();
        if (nodeId < 0 || nodeId > 1023) {
            errors.add("--node-id must be 0..1023, got " + nodeId);
        }
        if (memQueueSize < 0) {
            errors.add("--mem-queue-size must be >= 0, got " + memQueueSize);
        }
        if (maxBytesPerFile < 1024) {
            errors.add("--max-bytes-per-file must be >= 1024, got " + maxBytesPerFile);
        }
        if (syncEvery < 1) {
            errors.add("--sync-every must be >= 1, got " + syncEvery);
        }
        positive(errors, "--sync-timeout", syncTimeout);
        positive(errors, "--msg-timeout", msgTimeout);
        positive(errors, "--max-msg-timeout", maxMsgTimeout);
        if (msgTimeout.compareTo(maxMsgTimeout) > 0) {
            errors.add("--msg-timeout (" + msgTimeout.toMillis() + "ms) must not exceed --max-msg-timeout");
        }
        if (maxMsgSize < 1) {
            errors.add("--max-msg-size must be >= 1, got " + maxMsgSize);
        }
        if (maxBodySize < maxMsgSize) {
            errors.add("--max-body-size (" + maxBodySize + ") must be >= --max-msg-size (" + maxMsgSize + ")");
        }
        if (maxReqTimeout.isNegative()) {
            errors.add("--max-req-timeout must be >= 0");
        }
        positive(errors, "--max-heartbeat-interval", maxHeartbeatInterval);
        if (maxRdyCount < 1) {
            errors.add("--max-rdy-count must be >= 1, got " + maxRdyCount);
        }
        if (maxOutputBufferSize < 64) {
            errors.add("--max-output-buffer-size must be >= 64, got " + maxOutputBufferSize);
        }
        if (maxChannelConsumers < 0) {
            errors.add("--max-channel-consumers must be >= 0, got " + maxChannelConsumers);
        }
        for (double p : e2eProcessingLatencyPercentiles) {
            if (!(p > 0 && p <= 1)) {
                errors.add("--e2e-processing-latency-percentile must be in (0,1], got " + p);
            }
        }
        if (maxDeflateLevel < 1 || maxDeflateLevel > 9) {
            errors.add("--max-deflate-level must be 1..9, got " + maxDeflateLevel);
        }
        if (!"memory-first".equals(durability) && !"durable".equals(durability)) {
            errors.add("--durability must be memory-first or durable, got " + durability);
        }
        if (maxAttempts < 0 || maxAttempts > 65535) {
            errors.add("--max-attempts must be 0..65535, got " + maxAttempts);
        }
        if (!deadLetterSuffix.isEmpty() && !io.nodeq.protocol.Names.isValidTopicName("t" + deadLetterSuffix)) {
            errors.add("--dead-letter-suffix must make a valid topic name (letters, digits, . _ -), got " + deadLetterSuffix);
        }
        if (jitWarmup.isNegative() || jitWarmup.compareTo(Duration.ofMinutes(1)) > 0) {
            errors.add("--jit-warmup must be 0..1m, got " + jitWarmup.toMillis() + "ms");
        }
        if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
            errors.add("--event-loops must be 0.." + MAX_EVENT_LOOPS + ", got " + eventLoops);
        }
        if (jitNice < 0 || jitNice > 19) {
            errors.add("--jit-nice must be 0..19, got " + jitNice);
        }
        if (!schedSlice.isZero() && (schedSlice.toNanos() < LinuxScheduling.MIN_SLICE_NS
                || schedSlice.toNanos() > LinuxScheduling.MAX_SLICE_NS)) {
            errors.add("--sched-slice must be 0 or 100us..100ms, got " + io.nodeq.protocol.GoDuration.format(schedSlice));
        }
        if (shards < 1 || shards > 64) {
            errors.add("--shards must be 1..64, got " + shards);
        }
        if (!List.of("", "require", "require-verify").contains(tlsClientAuthPolicy)) {
            errors.add("--tls-client-auth-policy must be require or require-verify, got " + tlsClientAuthPolicy);
        }
        if (!List.of("", "true", "false", "tcp-https").contains(tlsRequired)) {
            errors.add("--tls-required must be true, false or tcp-https, got " + tlsRequired);
        }
        if (!List.of("", "ssl3.0", "tls1.0", "tls1.1", "tls1.2", "tls1.3").contains(tlsMinVersion)) {
            errors.add("--tls-min-version must be tls1.0, tls1.1, tls1.2 or tls1.3, got " + tlsMinVersion);
        }
        if (tlsCert.isEmpty() != tlsKey.isEmpty()) {
            errors.add("--tls-cert and --tls-key must be given together");
        }
        if ("require-verify".equals(tlsClientAuthPolicy) && tlsRootCaFile.isEmpty()) {
            errors.add("--tls-client-auth-policy require-verify needs --tls-root-ca-file");
        }
        if ((tlsRequired.equals("true") || tlsRequired.equals("tcp-https")) && tlsCert.isEmpty()) {
            errors.add("--tls-required needs --tls-cert and --tls-key");
        }
        if (!tlsClientAuthPolicy.isEmpty() && tlsCert.isEmpty()) {
            errors.add("--tls-client-auth-policy needs --tls-cert and --tls-key");
        }
        if (!List.of("get", "post").contains(authHttpRequestMethod)) {
            errors.add("--auth-http-request-method must be get or post, got " + authHttpRequestMethod);
        }
        positive(errors, "--http-client-connect-timeout", httpClientConnectTimeout);
        positive(errors, "--http-client-request-timeout", httpClientRequestTimeout);
        if (maxConnections < 0) {
            errors.add("--max-connections must be >= 0 (0 = no limit), got " + maxConnections);
        }
        return errors;
    }

    private static void positive(List<String> errors, String flag, Duration d) {
        if (d.isNegative() || d.isZero()) {
            errors.add(flag + " must be > 0");
        }
    }

    /**
     * TCP commands other than IDENTIFY need TLS first: {@code --tls-required} true or tcp-https, or
     * (nsqd) a {@code --tls-client-auth-policy} without an explicit {@code --tls-required}.
     */
    public boolean tlsRequiredTcp() {
        return tlsRequired.equals("true") || tlsRequired.equals("tcp-https")
                || (tlsRequired.isEmpty() && !tlsClientAuthPolicy.isEmpty());
    }

    /** The plain HTTP port answers 403 TLS_REQUIRED ({@code --tls-required=true}, or implied by a client auth policy). */
    public boolean tlsRequiredHttp() {
        return tlsRequired.equals("true") || (tlsRequired.isEmpty() && !tlsClientAuthPolicy.isEmpty());
    }

    /** TLS is offered (IDENTIFY tls_v1, HTTPS) only with a certificate and key, as nsqd. */
    public boolean tlsEnabled() {
        return !tlsCert.isEmpty() && !tlsKey.isEmpty();
    }

    /**
     * The event loops to run: {@code --event-loops}, or with 0 one per core less one, at least one.
     * The core left over runs what is not an event loop: the disk lanes and their fsyncs, the JIT's
     * compilers and the collector. On a 2-core machine that makes one loop, where a published
     * message, its topic's shard and its consumer's connection share one thread: no hand-off between
     * loops on its way (see README, "Event loops").
     */
    public int eventLoopCount() {
        return eventLoops > 0 ? eventLoops : defaultEventLoops(Runtime.getRuntime().availableProcessors());
    }

    /** {@code --event-loops=0} on a machine with {@code cores} cores. */
    static int defaultEventLoops(int cores) {
        return Math.max(1, cores - 1);
    }

    /** Default heartbeat interval: half the (internal) client timeout, as nsqd. */
    public Duration defaultHeartbeatInterval() {
        return clientTimeout.dividedBy(2);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A daemon on 127.0.0.1 with OS-chosen ports, for tests and embedding. Two event loops whatever
     * the machine: messages then cross from one loop to another (a connection on one, its topic's
     * shard on the other), the hand-offs a machine with more cores makes.
     */
    public static Builder forTest(Path dataPath) {
        return builder().tcpAddress("127.0.0.1:0").httpAddress("127.0.0.1:0").broadcastAddress("127.0.0.1")
                .dataPath(dataPath).eventLoops(2);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable companion of the record; every setter is named after the record component. */
    public static final class Builder {
        private String tcpAddress = "0.0.0.0:4150";
        private String httpAddress = "0.0.0.0:4151";
        private String broadcastAddress;
        private int broadcastTcpPort = 0;
        private int broadcastHttpPort = 0;
        private List<String> lookupdTcpAddresses = List.of();
        private int nodeId;
        private Path dataPath = Path.of(".");
        private long memQueueSize = 10_000;
        private long maxBytesPerFile = 100L * 1024 * 1024;
        private long syncEvery = 2500;
        private Duration syncTimeout = Duration.ofSeconds(2);
        private Duration queueScanInterval = Duration.ofMillis(100);
        private Duration msgTimeout = Duration.ofSeconds(60);
        private Duration maxMsgTimeout = Duration.ofMinutes(15);
        private int maxMsgSize = 1024 * 1024;
        private int maxBodySize = 5 * 1024 * 1024;
        private Duration maxReqTimeout = Duration.ofHours(1);
        private Duration clientTimeout = Duration.ofSeconds(60);
        private Duration maxHeartbeatInterval = Duration.ofSeconds(60);
        private int maxRdyCount = 2500;
        private int maxOutputBufferSize = 65536;
        private Duration outputBufferTimeout = Duration.ofMillis(250);
        private Duration minOutputBufferTimeout = Duration.ofMillis(25);
        private Duration maxOutputBufferTimeout = Duration.ofSeconds(30);
        private int maxChannelConsumers = 0;
        private List<Double> e2eProcessingLatencyPercentiles = List.of();
        private Duration e2eProcessingLatencyWindowTime = Duration.ofMinutes(10);
        private boolean deflate = true;
        private int maxDeflateLevel = 6;
        private boolean snappy = true;
        private String tlsCert = "";
        private String tlsKey = "";
        private List<String> authHttpAddresses = List.of();
        private String logLevel = "info";
        private String logPrefix = "[nsqd] ";
        private int shards = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private String durability = "memory-first";
        private String httpsAddress = "0.0.0.0:4152";
        private String tlsRootCaFile = "";
        private String tlsClientAuthPolicy = "";
        private String tlsRequired = "";
        private String tlsMinVersion = "tls1.0";
        private String authHttpRequestMethod = "get";
        private Duration httpClientConnectTimeout = Duration.ofSeconds(2);
        private Duration httpClientRequestTimeout = Duration.ofSeconds(5);
        private int maxConnections = 0;
        private int maxAttempts = 0;
        private String deadLetterSuffix = "";
        private Duration jitWarmup = Duration.ofSeconds(3);
        private int jitNice = 10;
        private Duration schedSlice = Duration.ofNanos(LinuxScheduling.MIN_SLICE_NS);
        private int eventLoops = 0;

        /** The hostname defaults are looked up here (maybe DNS): build a fresh builder off the event loops. */
        Builder() {
            broadcastAddress = Hostname.get();
            nodeId = defaultNodeId();
        }

        Builder(DaemonOptions o) {
            tcpAddress = o.tcpAddress;
            httpAddress = o.httpAddress;
            broadcastAddress = o.broadcastAddress;
            broadcastTcpPort = o.broadcastTcpPort;
            broadcastHttpPort = o.broadcastHttpPort;
            lookupdTcpAddresses = o.lookupdTcpAddresses;
            nodeId = o.nodeId;
            dataPath = o.dataPath;
            memQueueSize = o.memQueueSize;
            maxBytesPerFile = o.maxBytesPerFile;
            syncEvery = o.syncEvery;
            syncTimeout = o.syncTimeout;
            queueScanInterval = o.queueScanInterval;
            msgTimeout = o.msgTimeout;
            maxMsgTimeout = o.maxMsgTimeout;
            maxMsgSize = o.maxMsgSize;
            maxBodySize = o.maxBodySize;
            maxReqTimeout = o.maxReqTimeout;
            clientTimeout = o.clientTimeout;
            maxHeartbeatInterval = o.maxHeartbeatInterval;
            maxRdyCount = o.maxRdyCount;
            maxOutputBufferSize = o.maxOutputBufferSize;
            outputBufferTimeout = o.outputBufferTimeout;
            minOutputBufferTimeout = o.minOutputBufferTimeout;
            maxOutputBufferTimeout = o.maxOutputBufferTimeout;
            maxChannelConsumers = o.maxChannelConsumers;
            e2eProcessingLatencyPercentiles = o.e2eProcessingLatencyPercentiles;
            e2eProcessingLatencyWindowTime = o.e2eProcessingLatencyWindowTime;
            deflate = o.deflate;
            maxDeflateLevel = o.maxDeflateLevel;
            snappy = o.snappy;
            tlsCert = o.tlsCert;
            tlsKey = o.tlsKey;
            authHttpAddresses = o.authHttpAddresses;
            logLevel = o.logLevel;
            logPrefix = o.logPrefix;
            shards = o.shards;
            durability = o.durability;
            httpsAddress = o.httpsAddress;
            tlsRootCaFile = o.tlsRootCaFile;
            tlsClientAuthPolicy = o.tlsClientAuthPolicy;
            tlsRequired = o.tlsRequired;
            tlsMinVersion = o.tlsMinVersion;
            authHttpRequestMethod = o.authHttpRequestMethod;
            httpClientConnectTimeout = o.httpClientConnectTimeout;
            httpClientRequestTimeout = o.httpClientRequestTimeout;
            maxConnections = o.maxConnections;
            maxAttempts = o.maxAttempts;
            deadLetterSuffix = o.deadLetterSuffix;
            jitWarmup = o.jitWarmup;
            jitNice = o.jitNice;
            schedSlice = o.schedSlice;
            eventLoops = o.eventLoops;
        }

        public Builder tcpAddress(String v) { tcpAddress = v; return this; }
        public Builder httpAddress(String v) { httpAddress = v; return this; }
        public Builder broadcastAddress(String v) { broadcastAddress = v; return this; }
        public Builder broadcastTcpPort(int v) { broadcastTcpPort = v; return this; }
        public Builder broadcastHttpPort(int v) { broadcastHttpPort = v; return this; }
        public Builder lookupdTcpAddresses(List<String> v) { lookupdTcpAddresses = v; return this; }
        public Builder nodeId(int v) { nodeId = v; return this; }
        public Builder dataPath(Path v) { dataPath = v; return this; }
        public Builder memQueueSize(long v) { memQueueSize = v; return this; }
        public Builder maxBytesPerFile(long v) { maxBytesPerFile = v; return this; }
        public Builder syncEvery(long v) { syncEvery = v; return this; }
        public Builder syncTimeout(Duration v) { syncTimeout = v; return this; }
        public Builder queueScanInterval(Duration v) { queueScanInterval = v; return this; }
        public Builder msgTimeout(Duration v) { msgTimeout = v; return this; }
        public Builder maxMsgTimeout(Duration v) { maxMsgTimeout = v; return this; }
        public Builder maxMsgSize(int v) { maxMsgSize = v; return this; }
        public Builder maxBodySize(int v) { maxBodySize = v; return this; }
        public Builder maxReqTimeout(Duration v) { maxReqTimeout = v; return this; }
        public Builder clientTimeout(Duration v) { clientTimeout = v; return this; }
        public Builder maxHeartbeatInterval(Duration v) { maxHeartbeatInterval = v; return this; }
        public Builder maxRdyCount(int v) { maxRdyCount = v; return this; }
        public Builder maxOutputBufferSize(int v) { maxOutputBufferSize = v; return this; }
        public Builder outputBufferTimeout(Duration v) { outputBufferTimeout = v; return this; }
        public Builder minOutputBufferTimeout(Duration v) { minOutputBufferTimeout = v; return this; }
        public Builder maxOutputBufferTimeout(Duration v) { maxOutputBufferTimeout = v; return this; }
        public Builder maxChannelConsumers(int v) { maxChannelConsumers = v; return this; }
        public Builder e2eProcessingLatencyPercentiles(List<Double> v) { e2eProcessingLatencyPercentiles = v; return this; }
        public Builder e2eProcessingLatencyWindowTime(Duration v) { e2eProcessingLatencyWindowTime = v; return this; }
        public Builder deflate(boolean v) { deflate = v; return this; }
        public Builder maxDeflateLevel(int v) { maxDeflateLevel = v; return this; }
        public Builder snappy(boolean v) { snappy = v; return this; }
        public Builder tlsCert(String v) { tlsCert = v; return this; }
        public Builder tlsKey(String v) { tlsKey = v; return this; }
        public Builder authHttpAddresses(List<String> v) { authHttpAddresses = v; return this; }
        public Builder logLevel(String v) { logLevel = v; return this; }
        public Builder logPrefix(String v) { logPrefix = v; return this; }
        public Builder shards(int v) { shards = v; return this; }
        public Builder durability(String v) { durability = v; return this; }
        public Builder httpsAddress(String v) { httpsAddress = v; return this; }
        public Builder tlsRootCaFile(String v) { tlsRootCaFile = v; return this; }
        public Builder tlsClientAuthPolicy(String v) { tlsClientAuthPolicy = v; return this; }
        public Builder tlsRequired(String v) { tlsRequired = v; return this; }
        public Builder tlsMinVersion(String v) { tlsMinVersion = v; return this; }
        public Builder authHttpRequestMethod(String v) { authHttpRequestMethod = v; return this; }
        public Builder httpClientConnectTimeout(Duration v) { httpClientConnectTimeout = v; return this; }
        public Builder httpClientRequestTimeout(Duration v) { httpClientRequestTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder deadLetterSuffix(String v) { deadLetterSuffix = v; return this; }
        public Builder jitWarmup(Duration v) { jitWarmup = v; return this; }
        public Builder jitNice(int v) { jitNice = v; return this; }
        public Builder schedSlice(Duration v) { schedSlice = v; return this; }
        public Builder eventLoops(int v) { eventLoops = v; return this; }

        public DaemonOptions build() {
            return new DaemonOptions(tcpAddress, httpAddress, broadcastAddress, broadcastTcpPort, broadcastHttpPort,
                    lookupdTcpAddresses, nodeId, dataPath, memQueueSize, maxBytesPerFile, syncEvery, syncTimeout,
                    queueScanInterval, msgTimeout, maxMsgTimeout, maxMsgSize, maxBodySize, maxReqTimeout,
                    clientTimeout, maxHeartbeatInterval, maxRdyCount, maxOutputBufferSize, outputBufferTimeout,
                    minOutputBufferTimeout, maxOutputBufferTimeout, maxChannelConsumers,
                    e2eProcessingLatencyPercentiles, e2eProcessingLatencyWindowTime, deflate, maxDeflateLevel, snappy,
                    tlsCert, tlsKey, authHttpAddresses, logLevel, logPrefix, shards, durability, httpsAddress,
                    tlsRootCaFile, tlsClientAuthPolicy, tlsRequired, tlsMinVersion, authHttpRequestMethod,
                    httpClientConnectTimeout, httpClientRequestTimeout, maxConnections, maxAttempts, deadLetterSuffix,
                    jitWarmup, jitNice, schedSlice, eventLoops);
        }
    }

    /** nsqd: crc32(md5(hostname)) % 1024. */
    static int defaultNodeId() {
        try {
            byte[] md5 = java.security.MessageDigest.getInstance("MD5")
                    .digest(Hostname.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(md5);
            return (int) (crc.getValue() % 1024);
        } catch (java.security.NoSuchAlgorithmException e) {
            return 0;
        }
    }
}
