package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading and summing the {@code /stats} JSON of several daemons (nsq-protocol.md §2.5): the cluster
 * row of a topic or channel is the sum of its rows on every node, as nsqadmin computes it.
 */
final class StatsJson {
    static final String[] TOPIC_FIELDS = {"depth", "backend_depth", "message_count", "message_bytes"};
    static final String[] CHANNEL_FIELDS = {"depth", "backend_depth", "in_flight_count", "deferred_count",
            "requeue_count", "timeout_count", "message_count", "client_count"};

    private StatsJson() {
    }

    static List<JsonObject> objects(JsonArray a) {
        List<JsonObject> out = new ArrayList<>();
        if (a != null) {
            for (int i = 0; i < a.size(); i++) {
                out.add(a.getJsonObject(i));
            }
        }
        return out;
    }

    static JsonObject find(JsonArray a, String key, String name) {
        for (JsonObject o : objects(a)) {
            if (name.equals(o.getString(key))) {
                return o;
            }
        }
        return null;
    }

    /** One node's topic or channel row: the numbers the pages show, memory depth derived (§4.1). */
    static JsonObject row(JsonObject src, String[] fields) {
        JsonObject r = new JsonObject();
        for (String f : fields) {
            r.put(f, src.getLong(f, 0L));
        }
        r.put("memory_depth", r.getLong("depth") - r.getLong("backend_depth"));
        r.put("paused", src.getBoolean("paused", false));
        r.put("e2e_processing_latency", e2e(List.of(src)));
        return NodeqFields.merge(r, List.of(src));
    }

    /** The cluster row: sums; paused when paused on any node. */
    static JsonObject sum(List<JsonObject> rows, String[] fields) {
        JsonObject r = new JsonObject();
        for (String f : fields) {
            long total = 0;
            for (JsonObject o : rows) {
                total += o.getLong(f, 0L);
            }
            r.put(f, total);
        }
        r.put("memory_depth", r.getLong("depth") - r.getLong("backend_depth"));
        r.put("paused", rows.stream().anyMatch(o -> o.getBoolean("paused", false)));
        r.put("e2e_processing_latency", e2e(rows));
        return NodeqFields.merge(r, rows);
    }

    /**
     * Percentiles cannot be summed; across nodes we show the worst value per quantile (an upper
     * bound), and the total sample count. Values stay in nanoseconds as nsqd reports them.
     */
    static JsonObject e2e(List<JsonObject> rows) {
        long count = 0;
        Map<Double, Long> worst = new TreeMap<>((a, b) -> Double.compare(b, a));
        for (JsonObject row : rows) {
            JsonObject lat = row.getJsonObject("e2e_processing_latency");
            if (lat == null || lat.getLong("count", 0L) == 0) {
                continue;   // no samples: its percentiles (zeros) mean nothing
            }
            count += lat.getLong("count", 0L);
            for (JsonObject p : objects(lat.getJsonArray("percentiles"))) {
                worst.merge(p.getDouble("quantile", 0d), p.getLong("value", 0L), Math::max);
            }
        }
        JsonArray percentiles = new JsonArray();
        worst.forEach((q, v) -> percentiles.add(new JsonObject().put("quantile", q).put("value", v)));
        return new JsonObject().put("count", count).put("percentiles", percentiles);
    }

    /** Semver-ish comparison for the "out of date" badge; anything unparsable counts as 0.0.0 (§4.1). */
    static int compareVersions(String a, String b) {
        int[] x = version(a);
        int[] y = version(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    private static int[] version(String v) {
        int[] out = new int[3];
        if (v == null) {
            return out;
        }
        String core = v.split("[-+]", 2)[0];
        String[] parts = core.split("\\.");
        try {
            for (int i = 0; i < Math.min(3, parts.length); i++) {
                out[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return new int[3];
        }
        return out;
    }
}
