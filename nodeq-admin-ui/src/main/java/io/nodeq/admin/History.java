package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Chart history kept by the admin server itself (no Graphite): every sample stores, per topic and
 * per channel, the cluster depth and the message rate in a fixed-size ring. A topic's depth here is
 * its backlog (topic depth plus its channels' depths); its rate is the publish rate. Rates are summed from
 * per-node deltas so a node dropping out or restarting never shows as a negative spike.
 * Owned by the admin verticle's context (the sampler writes, API handlers read, same thread).
 */
final class History {
    /** The key of the whole-mesh series (counter page). */
    static final String TOTAL = "";

    private static final class Ring {
        final long[] ts;
        final long[] depth;
        final double[] rate;
        int next;
        int size;
        long lastWrite;

        Ring(int capacity) {
            ts = new long[capacity];
            depth = new long[capacity];
            rate = new double[capacity];
        }

        void add(long t, long d, double r) {
            ts[next] = t;
            depth[next] = d;
            rate[next] = r;
            next = (next + 1) % ts.length;
            size = Math.min(size + 1, ts.length);
            lastWrite = t;
        }

        double lastRate() {
            return size == 0 ? 0 : rate[(next - 1 + ts.length) % ts.length];
        }
    }

    private final int capacity;
    private final long windowMs;
    private final long intervalMs;
    private final Map<String, Ring> rings = new HashMap<>();
    private Map<String, Long> lastCounts = new HashMap<>();
    private long lastSampleMs = -1;

    History(long intervalMs, long windowMs) {
        this.intervalMs = intervalMs;
        this.windowMs = windowMs;
        this.capacity = (int) Math.max(2, windowMs / intervalMs + 1);
    }

    static String key(String topic, String channel) {
        return channel == null ? topic : topic + "/" + channel;
    }

    void record(Snapshot s) {
        long now = s.takenAtMs();
        double seconds = lastSampleMs < 0 ? 0 : Math.max(0.001, (now - lastSampleMs) / 1000.0);
        Map<String, Long> counts = new HashMap<>();
        Map<String, long[]> depthAndDelta = new HashMap<>();
        for (Snapshot.NodeStats ns : s.nodes()) {
            String node = ns.node().address();
            for (JsonObject t : StatsJson.objects(Cluster.topicsOf(ns.stats()))) {
                String topic = t.getString("topic_name");
                long[] topicSeries = depthAndDelta.computeIfAbsent(key(topic, null), k -> new long[2]);
                accumulate(depthAndDelta, counts, node, key(topic, null), t);
                for (JsonObject c : StatsJson.objects(t.getJsonArray("channels"))) {
                    String k = key(topic, c.getString("channel_name"));
                    long delta = accumulate(depthAndDelta, counts, node, k, c);
                    // a topic's chart shows its whole backlog: what waits in the topic and its channels
                    topicSeries[0] += c.getLong("depth", 0L);
                    long[] total = depthAndDelta.computeIfAbsent(TOTAL, x -> new long[2]);
                    total[0] += c.getLong("depth", 0L);
                    total[1] += delta;
                }
            }
        }
        depthAndDelta.computeIfAbsent(TOTAL, x -> new long[2]);
        for (Map.Entry<String, long[]> e : depthAndDelta.entrySet()) {
            double rate = seconds == 0 ? 0 : e.getValue()[1] / seconds;
            rings.computeIfAbsent(e.getKey(), k -> new Ring(capacity)).add(now, e.getValue()[0], rate);
        }
        rings.values().removeIf(r -> now - r.lastWrite > windowMs);
        lastCounts = counts;
        lastSampleMs = now;
    }

    private long accumulate(Map<String, long[]> into, Map<String, Long> counts, String node, String key,
                            JsonObject row) {
        long count = row.getLong("message_count", 0L);
        String nodeKey = node + "\u0000" + key;
        counts.put(nodeKey, count);
        Long prev = lastCounts.get(nodeKey);
        long delta = prev == null ? 0 : Math.max(0, count - prev);
        long[] v = into.computeIfAbsent(key, k -> new long[2]);
        v[0] += row.getLong("depth", 0L);
        v[1] += delta;
        return delta;
    }

    /** Messages per second over the last sample interval; 0 before two samples. */
    double rate(String topic, String channel) {
        Ring r = rings.get(topic == null ? TOTAL : key(topic, channel));
        return r == null ? 0 : r.lastRate();
    }

    /** The series for a chart: unix-second timestamps, depth, rate (uPlot's column layout). */
    JsonObject series(String topic, String channel) {
        Ring r = rings.get(topic == null ? TOTAL : key(topic, channel));
        JsonArray t = new JsonArray();
        JsonArray d = new JsonArray();
        JsonArray rate = new JsonArray();
        if (r != null) {
            int start = (r.next - r.size + capacity) % capacity;
            for (int i = 0; i < r.size; i++) {
                int at = (start + i) % capacity;
                t.add(r.ts[at] / 1000.0);
                d.add(r.depth[at]);
                rate.add(Math.round(r.rate[at] * 100) / 100.0);
            }
        }
        return new JsonObject().put("interval_ms", intervalMs).put("window_ms", windowMs)
                .put("time", t).put("depth", d).put("rate", rate);
    }
}
