package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which topics are some channel's {@code dead_letter_topic}, and for which channels, as the last
 * whole-mesh snapshot said. A topic page only reads its own topic's {@code /stats}, which cannot
 * tell that another topic's channel dead-letters into it, so the sampler and the topics page keep
 * this index up to date. Owned by the admin verticle's context.
 */
final class DeadLetters {
    /** dead-letter topic → the channels whose messages go there, sorted. */
    private Map<String, TreeSet<Origin>> origins = Map.of();

    record Origin(String topic, String channel) implements Comparable<Origin> {
        @Override
        public int compareTo(Origin o) {
            int c = topic.compareTo(o.topic);
            return c != 0 ? c : channel.compareTo(o.channel);
        }

        JsonObject toJson() {
            return new JsonObject().put("topic", topic).put("channel", channel);
        }
    }

    /** Replaces the index with what a whole-mesh snapshot (no topic scope) shows. */
    void record(Snapshot all) {
        Map<String, TreeSet<Origin>> next = new TreeMap<>();
        for (Snapshot.NodeStats ns : all.nodes()) {
            for (JsonObject t : StatsJson.objects(Cluster.topicsOf(ns.stats()))) {
                for (JsonObject c : StatsJson.objects(t.getJsonArray("channels"))) {
                    String dead = NodeqFields.deadLetterTopic(c);
                    if (dead != null) {
                        next.computeIfAbsent(dead, k -> new TreeSet<>())
                                .add(new Origin(t.getString("topic_name"), c.getString("channel_name")));
                    }
                }
            }
        }
        origins = next;
    }

    /** The channels dead-lettering into {@code topic}; empty when it is no dead-letter topic. */
    JsonArray originsOf(String topic) {
        JsonArray out = new JsonArray();
        origins.getOrDefault(topic, new TreeSet<>()).forEach(o -> out.add(o.toJson()));
        return out;
    }
}
