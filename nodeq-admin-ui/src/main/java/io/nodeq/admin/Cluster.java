package io.nodeq.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Gathers the mesh's state as a client would (nsq-protocol.md §4.1): lookups' {@code /nodes},
 * {@code /topics}, {@code /lookup}, then every daemon's {@code /stats?format=json}, all in parallel
 * with per-call deadlines; a node that fails becomes an {@link UpstreamError}, never a failed page.
 * Owned by the admin verticle's context: {@code seen} (the lost-node memory) is touched only there.
 */
final class Cluster {

    /** What a page needs: one topic/channel/node, or everything; clients only for the channel page. */
    record Scope(String topic, String channel, String node, boolean includeClients) {
        static final Scope ALL = new Scope(null, null, null, false);
    }

    private record Discovery(List<Node> nodes, List<UpstreamError> errors, List<String> topics,
                             List<String> channels) {
    }

    private record Seen(Node node, long lastSeenMs, boolean gone) {
    }

    private final AdminOptions options;
    private final Upstream upstream;
    private final LongSupplier clock;
    private final Map<String, Seen> seen = new LinkedHashMap<>();

    Cluster(AdminOptions options, Upstream upstream, LongSupplier clock) {
        this.options = options;
        this.upstream = upstream;
        this.clock = clock;
    }

    Future<Snapshot> gather(Scope scope) {
        return discover(scope.topic()).compose(d -> {
            List<Node> targets = d.nodes().stream()
                    .filter(n -> scope.node() == null || n.address().equals(scope.node())).toList();
            List<UpstreamError> errors = new ArrayList<>(d.errors());
            if (scope.node() != null) {
                errors.removeIf(e -> e.kind().equals(UpstreamError.NSQD) && !e.address().equals(scope.node()));
            }
            String query = statsQuery(scope);
            List<Future<Snapshot.NodeStats>> calls = new ArrayList<>();
            for (Node n : targets) {
                calls.add(upstream.getJson(n.address(), query).map(stats -> new Snapshot.NodeStats(n, stats)));
            }
            return Future.join(calls).transform(ignored -> {
                List<Snapshot.NodeStats> ok = new ArrayList<>();
                for (int i = 0; i < calls.size(); i++) {
                    Future<Snapshot.NodeStats> f = calls.get(i);
                    if (f.succeeded()) {
                        ok.add(f.result());
                    } else {
                        errors.add(new UpstreamError(UpstreamError.NSQD, targets.get(i).address(),
                                f.cause().getMessage()));
                    }
                }
                return Future.succeededFuture(
                        new Snapshot(clock.getAsLong(), ok, errors, d.topics(), d.channels()));
            });
        });
    }

    /** Every node, known to lookups or configured; for the nodes page and actions on all producers. */
    Future<List<Node>> nodes() {
        return discover(null).map(Discovery::nodes);
    }

    /** Producers of a topic (lookups' {@code /lookup}, or configured daemons that have it). */
    Future<List<Node>> producers(String topic) {
        if (options.lookupdMode()) {
            return discover(topic).map(Discovery::nodes);
        }
        return gather(new Scope(topic, null, null, false)).map(s -> s.nodes().stream()
                .filter(ns -> !topicsOf(ns.stats()).isEmpty()).map(Snapshot.NodeStats::node).toList());
    }

    private Future<Discovery> discover(String topic) {
        if (!options.lookupdMode()) {
            return discoverConfigured();
        }
        List<String> lookupds = options.lookupdHttpAddresses();
        List<Future<JsonObject>> nodeCalls = new ArrayList<>();
        List<Future<JsonObject>> extraCalls = new ArrayList<>();
        for (String l : lookupds) {
            // /nodes every time: it feeds the lost-node memory even on a one-topic page
            nodeCalls.add(upstream.getJson(l, "/nodes"));
            if (topic == null) {
                extraCalls.add(upstream.getJson(l, "/topics"));
            } else {
                // a topic no lookup knows is a 404 TOPIC_NOT_FOUND: an empty answer, not an error
                extraCalls.add(upstream.getJson(l, "/lookup?topic=" + enc(topic)).recover(err ->
                        err.getMessage().contains("TOPIC_NOT_FOUND") ? Future.succeededFuture(new JsonObject())
                                : Future.failedFuture(err)));
            }
        }
        List<Future<JsonObject>> all = new ArrayList<>(nodeCalls);
        all.addAll(extraCalls);
        return Future.join(all).transform(ignored -> {
            Map<String, Node> registered = new LinkedHashMap<>();
            Map<String, Node> producers = new LinkedHashMap<>();
            List<UpstreamError> errors = new ArrayList<>();
            TreeSet<String> topics = new TreeSet<>();
            TreeSet<String> channels = new TreeSet<>();
            int answered = 0;
            for (int i = 0; i < lookupds.size(); i++) {
                Future<JsonObject> nodes = nodeCalls.get(i);
                Future<JsonObject> extra = extraCalls.get(i);
                Future<JsonObject> failed = nodes.failed() ? nodes : extra.failed() ? extra : null;
                if (failed != null) {
                    errors.add(new UpstreamError(UpstreamError.LOOKUPD, lookupds.get(i), failed.cause().getMessage()));
                }
                if (nodes.succeeded()) {
                    answered++;
                    addProducers(registered, nodes.result(), lookupds.get(i));
                }
                if (extra.succeeded()) {
                    if (topic == null) {
                        addStrings(topics, extra.result().getJsonArray("topics"));
                    } else {
                        addProducers(producers, extra.result(), lookupds.get(i));
                        addStrings(channels, extra.result().getJsonArray("channels"));
                    }
                }
            }
            // only a full answer proves a node left: one lookup down must not make its nodes look lost
            errors.addAll(remember(topic, registered, answered == lookupds.size()));
            Map<String, Node> result = topic == null ? registered : producers;
            return Future.succeededFuture(new Discovery(new ArrayList<>(result.values()), errors,
                    new ArrayList<>(topics), new ArrayList<>(channels)));
        });
    }

    private static void addProducers(Map<String, Node> into, JsonObject answer, String lookupd) {
        JsonArray list = answer.getJsonArray("producers", new JsonArray());
        for (int p = 0; p < list.size(); p++) {
            Node n = Node.fromProducer(list.getJsonObject(p), lookupd);
            into.merge(n.address(), n, Node::merge);
        }
    }

    /**
     * A daemon that stops leaves every lookup at once, so without memory it would silently vanish
     * from the page; keep it as an error row for --lost-node-timeout instead.
     */
    private List<UpstreamError> remember(String topic, Map<String, Node> registered, boolean allAnswered) {
        long now = clock.getAsLong();
        if (allAnswered) {
            for (Node n : registered.values()) {
                seen.put(n.address(), new Seen(n, now, false));
            }
            seen.replaceAll((addr, s) -> registered.containsKey(addr) ? s : new Seen(s.node(), s.lastSeenMs(), true));
        }
        seen.values().removeIf(s -> s.gone() && now - s.lastSeenMs() > options.lostNodeTimeout().toMillis());
        List<UpstreamError> lost = new ArrayList<>();
        for (Seen s : seen.values()) {
            if (s.gone() && (topic == null || s.node().topics().contains(topic))) {
                lost.add(new UpstreamError(UpstreamError.NSQD, s.node().address(),
                        "no longer registered with any lookup (last seen " + (now - s.lastSeenMs()) / 1000
                                + " s ago)"));
            }
        }
        return lost;
    }

    private Future<Discovery> discoverConfigured() {
        List<String> nsqds = options.nsqdHttpAddresses();
        List<Future<JsonObject>> calls = new ArrayList<>();
        for (String a : nsqds) {
            calls.add(upstream.getJson(a, "/info"));
        }
        return Future.join(calls).transform(ignored -> {
            List<Node> nodes = new ArrayList<>();
            List<UpstreamError> errors = new ArrayList<>();
            for (int i = 0; i < nsqds.size(); i++) {
                if (calls.get(i).succeeded()) {
                    nodes.add(Node.fromInfo(nsqds.get(i), calls.get(i).result()));
                } else {
                    errors.add(new UpstreamError(UpstreamError.NSQD, nsqds.get(i), calls.get(i).cause().getMessage()));
                }
            }
            return Future.succeededFuture(new Discovery(nodes, errors, List.of(), List.of()));
        });
    }

    /** The lookup page: topics and channels each lookup knows, with or without producers. */
    Future<JsonObject> lookupView() {
        List<String> lookupds = options.lookupdHttpAddresses();
        List<Future<JsonObject>> perLookupd = new ArrayList<>();
        for (String l : lookupds) {
            perLookupd.add(upstream.getJson(l, "/topics").compose(t -> {
                JsonArray topics = t.getJsonArray("topics", new JsonArray());
                List<Future<JsonObject>> ch = new ArrayList<>();
                for (int i = 0; i < topics.size(); i++) {
                    String name = topics.getString(i);
                    ch.add(upstream.getJson(l, "/channels?topic=" + enc(name))
                            .map(c -> new JsonObject().put("topic", name)
                                    .put("channels", c.getJsonArray("channels", new JsonArray()))));
                }
                return Future.all(ch).map(cf -> new JsonObject().put("topics", new JsonArray(cf.list())));
            }));
        }
        return Future.join(perLookupd).transform(ignored -> discover(null)).map(d -> {
            Map<String, TreeSet<String>> channels = new HashMap<>();
            Map<String, List<String>> knownBy = new HashMap<>();
            JsonArray errors = new JsonArray();
            for (int i = 0; i < lookupds.size(); i++) {
                Future<JsonObject> f = perLookupd.get(i);
                if (f.failed()) {
                    errors.add(new UpstreamError(UpstreamError.LOOKUPD, lookupds.get(i), f.cause().getMessage())
                            .toJson());
                    continue;
                }
                JsonArray topics = f.result().getJsonArray("topics");
                for (int t = 0; t < topics.size(); t++) {
                    JsonObject e = topics.getJsonObject(t);
                    TreeSet<String> set = channels.computeIfAbsent(e.getString("topic"), k -> new TreeSet<>());
                    addStrings(set, e.getJsonArray("channels"));
                    knownBy.computeIfAbsent(e.getString("topic"), k -> new ArrayList<>()).add(lookupds.get(i));
                }
            }
            JsonArray topicRows = new JsonArray();
            new TreeSet<>(channels.keySet()).forEach(t -> {
                JsonArray producers = new JsonArray();
                JsonArray tombstoned = new JsonArray();
                for (Node n : d.nodes()) {
                    if (n.topics().contains(t)) {
                        (n.tombstoned(t) ? tombstoned : producers).add(n.address());
                    }
                }
                topicRows.add(new JsonObject().put("topic", t).put("channels", new JsonArray(new ArrayList<>(
                        channels.get(t)))).put("known_by", new JsonArray(knownBy.get(t)))
                        .put("producers", producers).put("tombstoned_on", tombstoned));
            });
            for (UpstreamError e : d.errors()) {
                if (e.kind().equals(UpstreamError.NSQD)) {
                    errors.add(e.toJson());
                }
            }
            return new JsonObject().put("lookupds", new JsonArray(lookupds)).put("topics", topicRows)
                    .put("errors", errors);
        });
    }

    static JsonArray topicsOf(JsonObject stats) {
        JsonArray t = stats.getJsonArray("topics");
        return t == null ? new JsonArray() : t;
    }

    private static String statsQuery(Scope scope) {
        StringBuilder q = new StringBuilder("/stats?format=json");
        if (scope.topic() != null) {
            q.append("&topic=").append(enc(scope.topic()));
        }
        if (scope.channel() != null) {
            q.append("&channel=").append(enc(scope.channel()));
        }
        q.append("&include_clients=").append(scope.includeClients());
        return q.toString();
    }

    private static void addStrings(java.util.Collection<String> into, JsonArray values) {
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                into.add(values.getString(i));
            }
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
