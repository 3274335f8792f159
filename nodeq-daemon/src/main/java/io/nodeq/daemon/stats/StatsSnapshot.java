package io.nodeq.daemon.stats;

import java.util.List;

/**
 * The numbers behind /stats (nsq-protocol.md §2.5). {@code topics} is null when a topic filter
 * names a missing topic (nsqd then also nulls producers); {@code producers} is null when clients
 * are not included or none published.
 */
public record StatsSnapshot(long startTime, String health, List<TopicStats> topics, List<ClientStats> producers) {

    /**
     * {@code durability}: the topic's storage level ({@code memory-first}, {@code durable}); null where
     * unknown. {@code extensions}: nodeq's own fields, null where unknown (the shape nsqd sends).
     */
    public record TopicStats(String topicName, List<ChannelStats> channels, long depth, long backendDepth,
                             long messageCount, long messageBytes, boolean paused, E2eLatency e2eProcessingLatency,
                             String durability, TopicExtensions extensions) {
        public TopicStats(String topicName, List<ChannelStats> channels, long depth, long backendDepth,
                          long messageCount, long messageBytes, boolean paused, E2eLatency e2eProcessingLatency) {
            this(topicName, channels, depth, backendDepth, messageCount, messageBytes, paused, e2eProcessingLatency,
                    null, null);
        }
    }

    /**
     * A topic's nodeq extensions: dedup window and retention (ms, 0 = off), publishes deduplicated,
     * and the timestamp of the oldest message its log still holds (ms, 0 when unknown or empty).
     */
    public record TopicExtensions(long dedupWindowMs, long retentionMs, long deduplicatedCount, long retainedFromMs) {
        public TopicExtensions(long dedupWindowMs, long retentionMs, long deduplicatedCount) {
            this(dedupWindowMs, retentionMs, deduplicatedCount, 0);
        }
    }

    /** {@code extensions}: nodeq's own fields, null where unknown (the shape nsqd sends). */
    public record ChannelStats(String channelName, long depth, long backendDepth, long inFlightCount,
                               long deferredCount, long messageCount, long requeueCount, long timeoutCount,
                               int clientCount, List<ClientStats> clients, boolean paused,
                               E2eLatency e2eProcessingLatency, ChannelExtensions extensions) {
        public ChannelStats(String channelName, long depth, long backendDepth, long inFlightCount,
                            long deferredCount, long messageCount, long requeueCount, long timeoutCount,
                            int clientCount, List<ClientStats> clients, boolean paused,
                            E2eLatency e2eProcessingLatency) {
            this(channelName, depth, backendDepth, inFlightCount, deferredCount, messageCount, requeueCount,
                    timeoutCount, clientCount, clients, paused, e2eProcessingLatency, null);
        }
    }

    /** A channel's nodeq extensions: max attempts (0 = unlimited), dead-letter topic ("" = none), messages dead-lettered. */
    public record ChannelExtensions(int maxAttempts, String deadLetterTopic, long deadLetteredCount) {
    }

    /** One connection; {@code pubCounts} only for producers. */
    public record ClientStats(String clientId, String hostname, String version, String remoteAddress, int state,
                              long readyCount, long inFlightCount, long messageCount, long finishCount,
                              long requeueCount, long connectTs, int sampleRate, boolean deflate, boolean snappy,
                              String userAgent, boolean tls, List<PubCount> pubCounts, ClientSecurity security) {

        public ClientStats(String clientId, String hostname, String version, String remoteAddress, int state,
                           long readyCount, long inFlightCount, long messageCount, long finishCount,
                           long requeueCount, long connectTs, int sampleRate, boolean deflate, boolean snappy,
                           String userAgent, boolean tls, List<PubCount> pubCounts) {
            this(clientId, hostname, version, remoteAddress, state, readyCount, inFlightCount, messageCount,
                    finishCount, requeueCount, connectTs, sampleRate, deflate, snappy, userAgent, tls, pubCounts,
                    ClientSecurity.NONE);
        }
    }

    public record PubCount(String topic, long count) {
    }

    /** {@code percentiles} null when no percentiles are configured, as nsqd sends. Values in ns. */
    public record E2eLatency(long count, List<Quantile> percentiles) {
        public static final E2eLatency NONE = new E2eLatency(0, null);
    }

    public record Quantile(double quantile, long value) {
    }
}
