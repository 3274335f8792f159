package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.nodeq.admin.StatsJson.CHANNEL_FIELDS;
import static io.nodeq.admin.StatsJson.TOPIC_FIELDS;

/**
 * The JSON behind each page (documented in API.md), computed from one {@link Snapshot}: pure
 * functions, so the aggregation is tested without a server. Every view carries {@code errors}:
 * the daemons and lookups that did not answer, shown as error rows.
 */
final class Views {
    private static final String[] CLIENT_FIELDS = {"client_id", "hostname", "version", "remote_address",
            "user_agent", "state", "ready_count", "in_flight_count", "message_count", "finish_count",
            "requeue_count", "connect_ts", "sample_rate", "deflate", "snappy", "tls", "tls_version",
            "tls_cipher_suite", "authed", "auth_identity", "topology_zone", "topology_region"};

    private Views() {
    }

    static JsonObject topics(Snapshot s, History h, DeadLetters dl) {
        Map<String, List<JsonObject>> rows = new TreeMap<>();
        Map<String, TreeSet<String>> channels = new TreeMap<>();
        for (String t : s.lookupTopics()) {
            rows.computeIfAbsent(t, k -> new ArrayList<>());
            channels.computeIfAbsent(t, k -> new TreeSet<>());
        }
        for (Snapshot.NodeStats ns : s.nodes()) {
            for (JsonObject t : StatsJson.objects(Cluster.topicsOf(ns.stats()))) {
                String name = t.getString("topic_name");
                rows.computeIfAbsent(name, k -> new ArrayList<>()).add(t);
                TreeSet<String> set = channels.computeIfAbsent(name, k -> new TreeSet<>());
                StatsJson.objects(t.getJsonArray("channels")).forEach(c -> set.add(c.getString("channel_name")));
            }
        }
        JsonArray out = new JsonArray();
        rows.forEach((name, list) -> out.add(StatsJson.sum(list, TOPIC_FIELDS).put("topic", name)
                .put("node_count", list.size()).put("channel_count", channels.get(name).size())
                .put("channels", new JsonArray(new ArrayList<>(channels.get(name))))
                .put("rate", h.rate(name, null)).put("dead_letter_for", dl.originsOf(name))));
        return envelope(s).put("topics", out);
    }

    static JsonObject topic(Snapshot s, String topic, History h, DeadLetters dl) {
        List<JsonObject> topicRows = new ArrayList<>();
        JsonArray nodes = new JsonArray();
        Map<String, List<JsonObject>> channelRows = new TreeMap<>();
        s.lookupChannels().forEach(c -> channelRows.computeIfAbsent(c, k -> new ArrayList<>()));
        for (Snapshot.NodeStats ns : s.nodes()) {
            JsonObject t = StatsJson.find(Cluster.topicsOf(ns.stats()), "topic_name", topic);
            if (t == null) {
                continue;
            }
            topicRows.add(t);
            List<JsonObject> chans = StatsJson.objects(t.getJsonArray("channels"));
            nodes.add(StatsJson.row(t, TOPIC_FIELDS).put("node", ns.node().address())
                    .put("hostname", ns.node().hostname()).put("channel_count", chans.size()));
            chans.forEach(c -> channelRows.computeIfAbsent(c.getString("channel_name"), k -> new ArrayList<>()).add(c));
        }
        JsonArray channels = new JsonArray();
        channelRows.forEach((name, list) -> channels.add(StatsJson.sum(list, CHANNEL_FIELDS).put("channel", name)
                .put("node_count", list.size()).put("rate", h.rate(topic, name))));
        boolean exists = !topicRows.isEmpty() || s.lookupTopics().contains(topic) || !s.lookupChannels().isEmpty();
        return envelope(s).put("topic", topic).put("exists", exists)
                .put("totals", StatsJson.sum(topicRows, TOPIC_FIELDS).put("rate", h.rate(topic, null)))
                .put("nodes", nodes).put("channels", channels).put("dead_letter_for", dl.originsOf(topic));
    }

    static JsonObject channel(Snapshot s, String topic, String channel, History h) {
        List<JsonObject> rows = new ArrayList<>();
        JsonArray nodes = new JsonArray();
        JsonArray clients = new JsonArray();
        for (Snapshot.NodeStats ns : s.nodes()) {
            JsonObject t = StatsJson.find(Cluster.topicsOf(ns.stats()), "topic_name", topic);
            JsonObject c = t == null ? null : StatsJson.find(t.getJsonArray("channels"), "channel_name", channel);
            if (c == null) {
                continue;
            }
            rows.add(c);
            nodes.add(StatsJson.row(c, CHANNEL_FIELDS).put("node", ns.node().address())
                    .put("hostname", ns.node().hostname()));
            for (JsonObject cl : StatsJson.objects(c.getJsonArray("clients"))) {
                JsonObject r = new JsonObject().put("node", ns.node().address());
                for (String f : CLIENT_FIELDS) {
                    r.put(f, cl.getValue(f));
                }
                clients.add(r);
            }
        }
        boolean exists = !rows.isEmpty() || s.lookupChannels().contains(channel);
        return envelope(s).put("topic", topic).put("channel", channel).put("exists", exists)
                .put("totals", StatsJson.sum(rows, CHANNEL_FIELDS).put("rate", h.rate(topic, channel)))
                .put("nodes", nodes).put("clients", clients);
    }

    static JsonObject nodes(Snapshot s, int lookupdCount) {
        String newest = "0.0.0";
        for (Snapshot.NodeStats ns : s.nodes()) {
            if (StatsJson.compareVersions(ns.node().version(), newest) > 0) {
                newest = ns.node().version();
            }
        }
        JsonArray out = new JsonArray();
        for (Snapshot.NodeStats ns : s.nodes()) {
            JsonObject totals = nodeTotals(ns.stats());
            out.add(ns.node().toJson().mergeIn(totals)
                    .put("out_of_date", StatsJson.compareVersions(ns.node().version(), newest) < 0)
                    .put("missing_from_lookupds", lookupdCount > 0 && ns.node().reportedBy().size() < lookupdCount)
                    .put("health", ns.stats().getString("health", ""))
                    .put("start_time", ns.stats().getLong("start_time", 0L)));
        }
        return envelope(s).put("nodes", out);
    }

    static JsonObject node(Snapshot s, String address) {
        Snapshot.NodeStats ns = s.nodes().stream().filter(n -> n.node().address().equals(address)).findFirst()
                .orElse(null);
        if (ns == null) {
            return envelope(s).put("node", address).put("exists", false);
        }
        JsonArray topics = new JsonArray();
        for (JsonObject t : StatsJson.objects(Cluster.topicsOf(ns.stats()))) {
            JsonArray channels = new JsonArray();
            for (JsonObject c : StatsJson.objects(t.getJsonArray("channels"))) {
                channels.add(StatsJson.row(c, CHANNEL_FIELDS).put("channel", c.getString("channel_name")));
            }
            String name = t.getString("topic_name");
            topics.add(StatsJson.row(t, TOPIC_FIELDS).put("topic", name)
                    .put("tombstoned", ns.node().tombstoned(name)).put("channels", channels));
        }
        return envelope(s).put("node", address).put("exists", true).put("info", ns.node().toJson())
                .put("totals", nodeTotals(ns.stats())).put("health", ns.stats().getString("health", ""))
                .put("start_time", ns.stats().getLong("start_time", 0L)).put("topics", topics);
    }

    static JsonObject counter(Snapshot s, History h) {
        long channelMessages = 0;
        long topicMessages = 0;
        for (Snapshot.NodeStats ns : s.nodes()) {
            for (JsonObject t : StatsJson.objects(Cluster.topicsOf(ns.stats()))) {
                topicMessages += t.getLong("message_count", 0L);
                for (JsonObject c : StatsJson.objects(t.getJsonArray("channels"))) {
                    channelMessages += c.getLong("message_count", 0L);
                }
            }
        }
        return envelope(s).put("message_count", channelMessages).put("topic_message_count", topicMessages)
                .put("rate", h.rate(null, null)).put("node_count", s.nodes().size());
    }

    private static JsonObject nodeTotals(JsonObject stats) {
        long depth = 0;
        long messages = 0;
        long clients = 0;
        int channels = 0;
        JsonArray topics = Cluster.topicsOf(stats);
        for (JsonObject t : StatsJson.objects(topics)) {
            depth += t.getLong("depth", 0L);
            messages += t.getLong("message_count", 0L);
            for (JsonObject c : StatsJson.objects(t.getJsonArray("channels"))) {
                channels++;
                depth += c.getLong("depth", 0L);
                clients += c.getLong("client_count", 0L);
            }
        }
        return new JsonObject().put("topic_count", topics.size()).put("channel_count", channels)
                .put("depth", depth).put("message_count", messages).put("client_count", clients);
    }

    private static JsonObject envelope(Snapshot s) {
        JsonArray errors = new JsonArray();
        s.errors().forEach(e -> errors.add(e.toJson()));
        return new JsonObject().put("taken_at", s.takenAtMs()).put("errors", errors);
    }
}
