package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.stats.StatsSnapshot.ChannelStats;
import io.nodeq.daemon.stats.StatsSnapshot.ClientStats;
import io.nodeq.daemon.stats.StatsSnapshot.E2eLatency;
import io.nodeq.daemon.stats.StatsSnapshot.TopicStats;
import io.nodeq.protocol.GoDuration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * {@code /stats?format=json} exactly as nsqd 1.3.0 shapes it (nsq-protocol.md §2.5): same keys in
 * the same order, {@code e2e_processing_latency} on every topic and channel (nsqadmin dereferences
 * it), {@code clients}/{@code producers} null when clients are not included, {@code memory}
 * omitted when not asked for. JsonObject keeps insertion order, which is the order on the wire.
 */
final class StatsJson {
    private StatsJson() {
    }

    static String render(StatsSnapshot s, boolean includeClients, JvmMemory.Stats memory) {
        JsonObject root = new JsonObject()
                .put("version", DaemonOptions.VERSION)
                .put("health", s.health())
                .put("start_time", s.startTime())
                .put("topics", s.topics() == null ? null : topics(s.topics(), includeClients));
        if (memory != null) {
            root.put("memory", memory(memory));
        }
        List<ClientStats> producers = s.producers();
        boolean noProducers = !includeClients || s.topics() == null || producers == null || producers.isEmpty();
        root.put("producers", noProducers ? null : clients(producers));
        return root.encode();
    }

    private static JsonArray topics(List<TopicStats> topics, boolean includeClients) {
        JsonArray out = new JsonArray();
        for (TopicStats t : topics) {
            JsonArray channels = new JsonArray();
            if (t.channels() != null) {
                for (ChannelStats c : t.channels()) {
                    channels.add(channel(c, includeClients));
                }
            }
            out.add(new JsonObject()
                    .put("topic_name", t.topicName())
                    .put("channels", channels)
                    .put("depth", t.depth())
                    .put("backend_depth", t.backendDepth())
                    .put("message_count", t.messageCount())
                    .put("message_bytes", t.messageBytes())
                    .put("paused", t.paused())
                    .put("e2e_processing_latency", e2e(t.e2eProcessingLatency())));
            JsonObject topic = out.getJsonObject(out.size() - 1);
            if (t.durability() != null) {
                topic.put("durability", t.durability());
            }
            if (t.extensions() != null) {
                topic.put("dedup_window", GoDuration.format(Duration.ofMillis(t.extensions().dedupWindowMs())))
                        .put("retention", GoDuration.format(Duration.ofMillis(t.extensions().retentionMs())))
                        .put("deduplicated_count", t.extensions().deduplicatedCount())
                        .put("retained_from", t.extensions().retainedFromMs());
            }
        }
        return out;
    }

    private static JsonObject channel(ChannelStats c, boolean includeClients) {
        JsonArray clients = null;
        if (includeClients) {
            clients = c.clients() == null ? new JsonArray() : clients(c.clients());
        }
        JsonObject o = new JsonObject()
                .put("channel_name", c.channelName())
                .put("depth", c.depth())
                .put("backend_depth", c.backendDepth())
                .put("in_flight_count", c.inFlightCount())
                .put("deferred_count", c.deferredCount())
                .put("message_count", c.messageCount())
                .put("requeue_count", c.requeueCount())
                .put("timeout_count", c.timeoutCount())
                .put("client_count", c.clientCount())
                .put("clients", clients)
                .put("paused", c.paused())
                .put("e2e_processing_latency", e2e(c.e2eProcessingLatency()));
        if (c.extensions() != null) {
            o.put("max_attempts", c.extensions().maxAttempts())
                    .put("dead_letter_topic", c.extensions().deadLetterTopic())
                    .put("dead_lettered_count", c.extensions().deadLetteredCount());
        }
        return o;
    }

    private static JsonArray clients(List<ClientStats> clients) {
        JsonArray out = new JsonArray();
        for (ClientStats c : clients) {
            JsonObject o = new JsonObject()
                    .put("client_id", c.clientId())
                    .put("hostname", c.hostname())
                    .put("version", c.version())
                    .put("remote_address", c.remoteAddress())
                    .put("state", c.state())
                    .put("ready_count", c.readyCount())
                    .put("in_flight_count", c.inFlightCount())
                    .put("message_count", c.messageCount())
                    .put("finish_count", c.finishCount())
                    .put("requeue_count", c.requeueCount())
                    .put("connect_ts", c.connectTs())
                    .put("sample_rate", c.sampleRate())
                    .put("deflate", c.deflate())
                    .put("snappy", c.snappy())
                    .put("user_agent", c.userAgent());
            if (c.pubCounts() != null && !c.pubCounts().isEmpty()) {
                JsonArray counts = new JsonArray();
                c.pubCounts().forEach(p -> counts.add(new JsonObject().put("topic", p.topic()).put("count", p.count())));
                o.put("pub_counts", counts);
            }
            o.put("topology_zone", "")
                    .put("topology_region", "")
                    .put("tls", c.tls())
                    .put("tls_cipher_suite", c.security().tlsCipherSuite())
                    .put("tls_version", c.security().tlsVersion())
                    .put("tls_negotiated_protocol", "")
                    .put("tls_negotiated_protocol_is_mutual", c.tls()); // Go: deprecated, always true
            if (c.security().authed()) {
                // omitempty in nsqd
                o.put("authed", true);
                if (!c.security().authIdentity().isEmpty()) {
                    o.put("auth_identity", c.security().authIdentity());
                }
                if (!c.security().authIdentityUrl().isEmpty()) {
                    o.put("auth_identity_url", c.security().authIdentityUrl());
                }
            }
            out.add(o);
        }
        return out;
    }

    /** Never null: nsqadmin crashes on a topic or channel without it. */
    static JsonObject e2e(E2eLatency e2e) {
        E2eLatency l = e2e == null ? E2eLatency.NONE : e2e;
        JsonArray percentiles = null;
        if (l.percentiles() != null) {
            percentiles = new JsonArray();
            for (StatsSnapshot.Quantile q : l.percentiles()) {
                percentiles.add(new JsonObject().put("quantile", number(q.quantile())).put("value", q.value()));
            }
        }
        return new JsonObject().put("count", l.count()).put("percentiles", percentiles);
    }

    /** Go prints the float 1.0 as {@code 1}; so do we. */
    private static Number number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
    }

    private static JsonObject memory(JvmMemory.Stats m) {
        return new JsonObject()
                .put("heap_objects", m.heapObjects())
                .put("heap_idle_bytes", m.heapIdleBytes())
                .put("heap_in_use_bytes", m.heapInUseBytes())
                .put("heap_released_bytes", m.heapReleasedBytes())
                .put("gc_pause_usec_100", m.gcPauseUsec100())
                .put("gc_pause_usec_99", m.gcPauseUsec99())
                .put("gc_pause_usec_95", m.gcPauseUsec95())
                .put("next_gc_bytes", m.nextGcBytes())
                .put("gc_total_runs", m.gcTotalRuns());
    }
}
