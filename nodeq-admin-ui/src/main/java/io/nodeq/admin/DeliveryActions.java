package io.nodeq.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.nodeq.admin.Cluster.enc;

/**
 * nodeq's delivery features, fanned out to every producer of the topic as the other actions are:
 * peek at a channel's next messages, rewind a channel, redrive a dead-letter topic, change a topic's
 * or a channel's settings. A node answering TOPIC_NOT_FOUND / CHANNEL_NOT_FOUND does not host it and
 * is left out; a node answering 404 NOT_FOUND or 405 has no such endpoint (nsqd, or a nodeq daemon
 * without the feature), which becomes an error saying so. Stateless apart from its collaborators.
 */
final class DeliveryActions {

    /** One node's answer. */
    record Result(String node, JsonObject body) {
    }

    /** Every hosting node's answer, and the nodes that failed; {@code calls} leaves out non-hosts. */
    record FanOut(String action, int calls, List<Result> results, List<UpstreamError> errors) {
        /** Nobody hosts it (and nobody failed): the topic or channel does not exist. */
        boolean nowhere() {
            return calls == 0;
        }

        /** The action reply of API.md, plus each node's answer under {@code results}. */
        JsonObject toJson() {
            JsonArray r = new JsonArray();
            results.forEach(x -> r.add(x.body().copy().put("node", x.node())));
            return new Actions.Outcome(action, calls, errors).toJson().put("results", r);
        }

        /** The sum of a numeric field over every node's answer. */
        long total(String field) {
            return results.stream().mapToLong(x -> x.body().getLong(field, 0L)).sum();
        }
    }

    private final Cluster cluster;
    private final Upstream upstream;

    DeliveryActions(Cluster cluster, Upstream upstream) {
        this.cluster = cluster;
        this.upstream = upstream;
    }

    /** {@code GET /channel/peek} on every node: nothing is delivered, depths stay. */
    Future<FanOut> peek(String topic, String channel, int n) {
        String path = "/channel/peek?topic=" + enc(topic) + "&channel=" + enc(channel) + "&n=" + n;
        return fanOut("peek", topic, node -> upstream.getJson(node, path));
    }

    /** {@code POST /channel/rewind}: each node redelivers its retained messages since {@code toMs}. */
    Future<FanOut> rewind(String topic, String channel, long toMs) {
        String path = "/channel/rewind?topic=" + enc(topic) + "&channel=" + enc(channel) + "&to=" + toMs;
        return fanOut("rewind", topic, node -> upstream.postJson(node, path));
    }

    /** {@code POST /topic/redrive}: each node sends the dead letters it holds back to their channels. */
    Future<FanOut> redrive(String topic) {
        String path = "/topic/redrive?topic=" + enc(topic);
        return fanOut("redrive", topic, node -> upstream.postJson(node, path));
    }

    /** {@code POST /topic/config} (channel null) or {@code /channel/config} with these settings. */
    Future<FanOut> configure(String topic, String channel, Map<String, String> settings) {
        StringBuilder path = new StringBuilder(channel == null ? "/topic/config" : "/channel/config")
                .append("?topic=").append(enc(topic));
        if (channel != null) {
            path.append("&channel=").append(enc(channel));
        }
        settings.forEach((k, v) -> path.append('&').append(k).append('=').append(enc(v)));
        String p = path.toString();
        return fanOut("config", topic, node -> upstream.postJson(node, p));
    }

    private Future<FanOut> fanOut(String action, String topic, Function<String, Future<JsonObject>> call) {
        return cluster.producers(topic).compose(nodes -> {
            List<Future<JsonObject>> calls = new ArrayList<>();
            nodes.forEach(n -> calls.add(call.apply(n.address())));
            return Future.join(calls).transform(ignored -> {
                List<Result> results = new ArrayList<>();
                List<UpstreamError> errors = new ArrayList<>();
                for (int i = 0; i < calls.size(); i++) {
                    String node = nodes.get(i).address();
                    Future<JsonObject> f = calls.get(i);
                    if (f.succeeded()) {
                        results.add(new Result(node, f.result()));
                    } else if (f.cause() instanceof Upstream.HttpStatus h && h.notHosted()) {
                        continue;
                    } else if (f.cause() instanceof Upstream.HttpStatus h && h.unsupported()) {
                        errors.add(new UpstreamError(UpstreamError.NSQD, node, action + " is not supported by this"
                                + " daemon (" + h.getMessage() + "): it needs a nodeq daemon with that feature"));
                    } else {
                        errors.add(new UpstreamError(UpstreamError.NSQD, node, f.cause().getMessage()));
                    }
                }
                return Future.succeededFuture(new FanOut(action, results.size() + errors.size(), results, errors));
            });
        });
    }
}
