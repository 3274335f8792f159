package io.nodeq.admin;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * nodeq's own {@code /stats} fields, which nsqd does not have: a topic's {@code durability},
 * {@code dedup_window}, {@code retention}, {@code deduplicated_count}; a channel's
 * {@code max_attempts}, {@code dead_letter_topic}, {@code dead_lettered_count}. Across nodes the
 * counters are summed and a setting is its one value, or {@value #MIXED} when the nodes differ.
 * A node that lacks a field (nsqd, an older nodeq) does not count, and a field no node has stays
 * absent, so the pages can hide what they cannot know.
 */
final class NodeqFields {
    static final String MIXED = "mixed";
    private static final String[] COUNTERS = {"deduplicated_count", "dead_lettered_count"};
    private static final String[] SETTINGS = {"durability", "dedup_window", "retention", "max_attempts",
            "dead_letter_topic"};

    private NodeqFields() {
    }

    /** Adds to {@code into} the fields that at least one of {@code rows} (one per node) has. */
    static JsonObject merge(JsonObject into, List<JsonObject> rows) {
        for (String f : COUNTERS) {
            Long total = null;
            for (JsonObject o : rows) {
                if (o.getValue(f) instanceof Number n) {
                    total = (total == null ? 0 : total) + n.longValue();
                }
            }
            if (total != null) {
                into.put(f, total);
            }
        }
        for (String f : SETTINGS) {
            Object value = null;
            for (JsonObject o : rows) {
                Object v = o.getValue(f);
                if (v == null) {
                    continue;
                }
                value = value == null || Objects.equals(value, v) ? v : MIXED;
            }
            if (value != null) {
                into.put(f, value);
            }
        }
        return into;
    }

    /** The channel's dead-letter topic on one node, or null when it has none (or the node cannot say). */
    static String deadLetterTopic(JsonObject channelRow) {
        String d = channelRow.getValue("dead_letter_topic") instanceof String s ? s : null;
        return d == null || d.isEmpty() ? null : d;
    }
}
