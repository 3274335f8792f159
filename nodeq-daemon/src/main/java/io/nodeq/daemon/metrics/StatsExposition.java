package io.nodeq.daemon.metrics;

import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.stats.StatsSnapshot.ChannelStats;
import io.nodeq.daemon.stats.StatsSnapshot.E2eLatency;
import io.nodeq.daemon.stats.StatsSnapshot.Quantile;
import io.nodeq.daemon.stats.StatsSnapshot.TopicStats;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Renders a /stats snapshot as Prometheus families ({@code nodeq_*}, labels {@code topic} and
 * {@code channel}); see METRICS.md. Built at scrape time from the same numbers /stats shows, so
 * nothing is counted twice and a topic that is gone is simply not rendered. Stateless.
 */
public final class StatsExposition {
    private static final String GAUGE = "gauge";
    private static final String COUNTER = "counter";

    private record Family<T>(String name, String type, String help, ToDoubleFunction<T> value) {
    }

    private static final List<Family<TopicStats>> TOPIC = List.of(
            new Family<>("nodeq_topic_depth", GAUGE, "Messages queued in the topic, memory and disk (not yet copied to channels).",
                    TopicStats::depth),
            new Family<>("nodeq_topic_memory_depth", GAUGE, "Messages queued in the topic's memory.",
                    t -> t.depth() - t.backendDepth()),
            new Family<>("nodeq_topic_backend_depth", GAUGE, "Messages queued in the topic's disk queue.",
                    TopicStats::backendDepth),
            new Family<>("nodeq_topic_messages_total", COUNTER, "Messages published to the topic since start.",
                    TopicStats::messageCount),
            new Family<>("nodeq_topic_message_bytes_total", COUNTER, "Body bytes published to the topic since start.",
                    TopicStats::messageBytes),
            new Family<>("nodeq_topic_channels", GAUGE, "Channels of the topic.",
                    t -> t.channels().size()),
            new Family<>("nodeq_topic_paused", GAUGE, "1 when the topic is paused.",
                    t -> t.paused() ? 1 : 0),
            new Family<>("nodeq_topic_durable", GAUGE, "1 when the topic is durable (OK only after fsync), 0 when memory-first.",
                    t -> "durable".equals(t.durability()) ? 1 : 0),
            new Family<>("nodeq_topic_dedup_window_seconds", GAUGE, "How long a Nodeq-Msg-Id is remembered (0 = no dedup).",
                    t -> t.extensions() == null ? 0 : t.extensions().dedupWindowMs() / 1000.0),
            new Family<>("nodeq_topic_retention_seconds", GAUGE, "How long consumed segments are kept for rewind (0 = until every channel is past).",
                    t -> t.extensions() == null ? 0 : t.extensions().retentionMs() / 1000.0),
            new Family<>("nodeq_topic_deduplicated_total", COUNTER, "Publishes answered OK but not stored: a repeated Nodeq-Msg-Id inside the dedup window.",
                    t -> t.extensions() == null ? 0 : t.extensions().deduplicatedCount()));

    private static final List<Family<ChannelStats>> CHANNEL = List.of(
            new Family<>("nodeq_channel_depth", GAUGE, "Messages queued in the channel, memory and disk (no in-flight, no deferred).",
                    ChannelStats::depth),
            new Family<>("nodeq_channel_memory_depth", GAUGE, "Messages queued in the channel's memory.",
                    c -> c.depth() - c.backendDepth()),
            new Family<>("nodeq_channel_backend_depth", GAUGE, "Messages queued in the channel's disk queue.",
                    ChannelStats::backendDepth),
            new Family<>("nodeq_channel_in_flight", GAUGE, "Messages delivered and not yet finished, requeued or timed out.",
                    ChannelStats::inFlightCount),
            new Family<>("nodeq_channel_deferred", GAUGE, "Messages waiting for their defer time (DPUB, REQ with delay).",
                    ChannelStats::deferredCount),
            new Family<>("nodeq_channel_clients", GAUGE, "Consumer connections subscribed to the channel.",
                    ChannelStats::clientCount),
            new Family<>("nodeq_channel_paused", GAUGE, "1 when the channel is paused.",
                    c -> c.paused() ? 1 : 0),
            new Family<>("nodeq_channel_messages_total", COUNTER, "Messages that entered the channel since start.",
                    ChannelStats::messageCount),
            new Family<>("nodeq_channel_requeues_total", COUNTER, "Messages requeued (REQ) in the channel since start.",
                    ChannelStats::requeueCount),
            new Family<>("nodeq_channel_timeouts_total", COUNTER, "In-flight messages that timed out in the channel since start.",
                    ChannelStats::timeoutCount),
            new Family<>("nodeq_channel_max_attempts", GAUGE, "Deliveries after which a requeued or timed-out message is dead-lettered (0 = unlimited).",
                    c -> c.extensions() == null ? 0 : c.extensions().maxAttempts()),
            new Family<>("nodeq_channel_dead_lettered_total", COUNTER, "Messages that reached max attempts (sent to the dead-letter topic, or dropped without one).",
                    c -> c.extensions() == null ? 0 : c.extensions().deadLetteredCount()));

    private StatsExposition() {
    }

    public static String render(StatsSnapshot s) {
        Exposition out = new Exposition();
        List<TopicStats> topics = s.topics() == null ? List.of() : s.topics();
        out.family("nodeq_health", GAUGE, "1 when the daemon is healthy (/ping OK), 0 after a storage error.");
        out.sample("nodeq_health", "OK".equals(s.health()) ? 1 : 0);
        out.family("nodeq_start_time_seconds", GAUGE, "When the daemon started, Unix seconds.");
        out.sample("nodeq_start_time_seconds", s.startTime());
        out.family("nodeq_topics", GAUGE, "Topics on the daemon.");
        out.sample("nodeq_topics", topics.size());
        out.family("nodeq_producers", GAUGE, "Connections that have published.");
        out.sample("nodeq_producers", s.producers() == null ? 0 : s.producers().size());

        for (Family<TopicStats> f : TOPIC) {
            out.family(f.name(), f.type(), f.help());
            for (TopicStats t : topics) {
                out.sample(f.name(), f.value().applyAsDouble(t), "topic", t.topicName());
            }
        }
        for (Family<ChannelStats> f : CHANNEL) {
            out.family(f.name(), f.type(), f.help());
            for (TopicStats t : topics) {
                for (ChannelStats c : t.channels()) {
                    out.sample(f.name(), f.value().applyAsDouble(c), "topic", t.topicName(), "channel", c.channelName());
                }
            }
        }
        latency(out, "nodeq_topic", topics, false);
        latency(out, "nodeq_channel", topics, true);
        return out.toString();
    }

    /**
     * E2E processing latency over nsqd's sliding window, as gauges (the window forgets, so neither
     * counter nor summary fits): one sample per configured percentile, plus the window's sample count.
     * Per channel, or per topic (the merge of its channels).
     */
    private static void latency(Exposition out, String prefix, List<TopicStats> topics, boolean perChannel) {
        String seconds = prefix + "_e2e_processing_latency_seconds";
        String samples = prefix + "_e2e_processing_latency_samples";
        String what = perChannel ? "channel" : "topic (merge of its channels)";
        out.family(seconds, GAUGE, "E2E processing latency (publish to FIN) of the " + what
                + " at the configured percentiles, over --e2e-processing-latency-window-time.");
        for (TopicStats t : topics) {
            if (!perChannel) {
                quantiles(out, seconds, t.e2eProcessingLatency(), "topic", t.topicName());
            } else {
                for (ChannelStats c : t.channels()) {
                    quantiles(out, seconds, c.e2eProcessingLatency(), "topic", t.topicName(), "channel", c.channelName());
                }
            }
        }
        out.family(samples, GAUGE, "FINs in the E2E latency window of the " + what + ".");
        for (TopicStats t : topics) {
            if (!perChannel) {
                out.sample(samples, t.e2eProcessingLatency().count(), "topic", t.topicName());
            } else {
                for (ChannelStats c : t.channels()) {
                    out.sample(samples, c.e2eProcessingLatency().count(), "topic", t.topicName(),
                            "channel", c.channelName());
                }
            }
        }
    }

    private static void quantiles(Exposition out, String name, E2eLatency e2e, String... labels) {
        if (e2e.percentiles() == null) {
            return;
        }
        for (Quantile q : e2e.percentiles()) {
            String[] withQuantile = Arrays.copyOf(labels, labels.length + 2);
            withQuantile[labels.length] = "quantile";
            withQuantile[labels.length + 1] = Double.toString(q.quantile());
            out.sample(name, q.value() / 1e9, withQuantile);
        }
    }
}
