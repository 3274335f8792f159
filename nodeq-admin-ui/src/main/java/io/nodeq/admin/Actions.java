package io.nodeq.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import static io.nodeq.admin.Cluster.enc;

/**
 * Admin actions fanned out as nsqadmin does (nsq-protocol.md §4.1): pause/unpause/empty on every
 * producer daemon; delete on the lookups and every producer; create through the lookups (and the
 * producers, for a channel); tombstone on the lookups, then delete on that one daemon.
 * Stateless apart from its collaborators.
 */
final class Actions {

    /** The outcome of one action: how many upstream calls, which failed. */
    record Outcome(String action, int calls, List<UpstreamError> errors) {
        JsonObject toJson() {
            JsonArray e = new JsonArray();
            errors.forEach(x -> e.add(x.toJson()));
            String message = errors.isEmpty() ? "" : errors.size() + " of " + calls + " calls failed: "
                    + errors.get(0).address() + " " + errors.get(0).message();
            return new JsonObject().put("action", action).put("calls", calls).put("errors", e)
                    .put("message", message);
        }
    }

    private record Call(String kind, String address, String path) {
    }

    private final AdminOptions options;
    private final Cluster cluster;
    private final Upstream upstream;

    Actions(AdminOptions options, Cluster cluster, Upstream upstream) {
        this.options = options;
        this.cluster = cluster;
        this.upstream = upstream;
    }

    /** pause, unpause or empty a topic (channel null) or a channel on every producer. */
    Future<Outcome> onProducers(String action, String topic, String channel) {
        String path = (channel == null ? "/topic/" : "/channel/") + action + "?topic=" + enc(topic)
                + (channel == null ? "" : "&channel=" + enc(channel));
        return cluster.producers(topic).compose(nodes -> run(action, nodesCalls(nodes, path)));
    }

    /** Delete from the lookups first (consumers stop discovering it), then from every producer. */
    Future<Outcome> delete(String topic, String channel) {
        String query = "?topic=" + enc(topic) + (channel == null ? "" : "&channel=" + enc(channel));
        String path = (channel == null ? "/topic/delete" : "/channel/delete") + query;
        return cluster.producers(topic).compose(nodes -> {
            List<Call> calls = lookupdCalls(path);
            calls.addAll(nodesCalls(nodes, path));
            return run("delete", calls);
        });
    }

    /** Create through the lookups; a channel also on every producer (a daemon needs the topic first). */
    Future<Outcome> create(String topic, String channel) {
        if (channel == null) {
            String path = "/topic/create?topic=" + enc(topic);
            if (options.lookupdMode()) {
                return run("create", lookupdCalls(path));
            }
            return cluster.nodes().compose(nodes -> run("create", nodesCalls(nodes, path)));
        }
        String path = "/channel/create?topic=" + enc(topic) + "&channel=" + enc(channel);
        return cluster.producers(topic).compose(nodes -> {
            List<Call> calls = lookupdCalls(path);
            calls.addAll(nodesCalls(nodes, path));
            return run("create", calls);
        });
    }

    /** Tombstone a topic for one node on every lookup, then delete it on that daemon (§3.5). */
    Future<Outcome> tombstone(String node, String topic) {
        List<Call> calls = lookupdCalls("/topic/tombstone?topic=" + enc(topic) + "&node=" + enc(node));
        return run("tombstone", calls).compose(first -> {
            List<Call> del = List.of(new Call(UpstreamError.NSQD, node, "/topic/delete?topic=" + enc(topic)));
            return run("tombstone", del).map(second -> {
                List<UpstreamError> errors = new ArrayList<>(first.errors());
                errors.addAll(second.errors());
                return new Outcome("tombstone", first.calls() + second.calls(), errors);
            });
        });
    }

    private List<Call> lookupdCalls(String path) {
        List<Call> calls = new ArrayList<>();
        for (String l : options.lookupdHttpAddresses()) {
            calls.add(new Call(UpstreamError.LOOKUPD, l, path));
        }
        return calls;
    }

    private static List<Call> nodesCalls(List<Node> nodes, String path) {
        List<Call> calls = new ArrayList<>();
        for (Node n : nodes) {
            calls.add(new Call(UpstreamError.NSQD, n.address(), path));
        }
        return calls;
    }

    /** Lookups first, then daemons, each group in parallel; a failure never stops the others. */
    private Future<Outcome> run(String action, List<Call> calls) {
        List<Future<Void>> lookupd = new ArrayList<>();
        List<Call> lookupdCalls = calls.stream().filter(c -> c.kind().equals(UpstreamError.LOOKUPD)).toList();
        List<Call> nsqdCalls = calls.stream().filter(c -> c.kind().equals(UpstreamError.NSQD)).toList();
        lookupdCalls.forEach(c -> lookupd.add(upstream.post(c.address(), c.path())));
        return Future.join(lookupd).transform(ignored -> {
            List<Future<Void>> nsqd = new ArrayList<>();
            nsqdCalls.forEach(c -> nsqd.add(upstream.post(c.address(), c.path())));
            return Future.join(nsqd).transform(ignored2 -> {
                List<UpstreamError> errors = new ArrayList<>();
                collect(errors, lookupdCalls, lookupd);
                collect(errors, nsqdCalls, nsqd);
                return Future.succeededFuture(new Outcome(action, calls.size(), errors));
            });
        });
    }

    private static void collect(List<UpstreamError> errors, List<Call> calls, List<Future<Void>> results) {
        for (int i = 0; i < calls.size(); i++) {
            if (results.get(i).failed()) {
                errors.add(new UpstreamError(calls.get(i).kind(), calls.get(i).address(),
                        results.get(i).cause().getMessage()));
            }
        }
    }
}
