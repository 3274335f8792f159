package io.nodeq.lookup;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Hostname;
import io.nodeq.lookup.registry.ClusterOptions;
import java.time.Duration;

/**
 * Everything a lookup needs to start, with nsqlookupd's defaults (nsq-protocol.md §5.2).
 * {@code cluster} null means standalone, exactly like nsqlookupd.
 */
public record LookupOptions(String tcpAddress, String httpAddress, String broadcastAddress,
                            Duration inactiveProducerTimeout, Duration tombstoneLifetime,
                            ClusterOptions cluster, Duration reapInterval) {

    public static final String DEFAULT_TCP = "0.0.0.0:4160";
    public static final String DEFAULT_HTTP = "0.0.0.0:4161";
    public static final Duration DEFAULT_INACTIVE = Duration.ofSeconds(300);
    public static final Duration DEFAULT_TOMBSTONE = Duration.ofSeconds(45);
    public static final Duration DEFAULT_REAP = Duration.ofSeconds(1);

    public LookupOptions {
        NsqAddress.listen(tcpAddress);
        NsqAddress.listen(httpAddress);
        if (broadcastAddress == null || broadcastAddress.isEmpty()) {
            broadcastAddress = Hostname.get();
        }
        positive("inactive-producer-timeout", inactiveProducerTimeout);
        positive("tombstone-lifetime", tombstoneLifetime);
        positive("reap interval", reapInterval);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--" + name + " must be positive");
        }
    }

    public static LookupOptions defaults() {
        return new LookupOptions(DEFAULT_TCP, DEFAULT_HTTP, null, DEFAULT_INACTIVE, DEFAULT_TOMBSTONE, null, DEFAULT_REAP);
    }

    /** Both servers on 127.0.0.1 port 0, for tests. */
    public static LookupOptions loopback() {
        return defaults().withTcpAddress("127.0.0.1:0").withHttpAddress("127.0.0.1:0").withBroadcastAddress("127.0.0.1");
    }

    public LookupOptions withTcpAddress(String v) {
        return new LookupOptions(v, httpAddress, broadcastAddress, inactiveProducerTimeout, tombstoneLifetime, cluster, reapInterval);
    }

    public LookupOptions withHttpAddress(String v) {
        return new LookupOptions(tcpAddress, v, broadcastAddress, inactiveProducerTimeout, tombstoneLifetime, cluster, reapInterval);
    }

    public LookupOptions withBroadcastAddress(String v) {
        return new LookupOptions(tcpAddress, httpAddress, v, inactiveProducerTimeout, tombstoneLifetime, cluster, reapInterval);
    }

    public LookupOptions withInactiveProducerTimeout(Duration v) {
        return new LookupOptions(tcpAddress, httpAddress, broadcastAddress, v, tombstoneLifetime, cluster, reapInterval);
    }

    public LookupOptions withTombstoneLifetime(Duration v) {
        return new LookupOptions(tcpAddress, httpAddress, broadcastAddress, inactiveProducerTimeout, v, cluster, reapInterval);
    }

    public LookupOptions withCluster(ClusterOptions v) {
        return new LookupOptions(tcpAddress, httpAddress, broadcastAddress, inactiveProducerTimeout, tombstoneLifetime, v, reapInterval);
    }

    public LookupOptions withReapInterval(Duration v) {
        return new LookupOptions(tcpAddress, httpAddress, broadcastAddress, inactiveProducerTimeout, tombstoneLifetime, cluster, v);
    }
}
