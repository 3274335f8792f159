package io.nodeq.lookup.http;

import io.nodeq.lookup.metrics.LookupMetrics;
import io.nodeq.lookup.registry.LookupOps;
import io.nodeq.lookup.registry.PeerInfo;
import io.nodeq.lookup.registry.Producer;
import io.nodeq.lookup.registry.Registration;
import io.nodeq.lookup.registry.RegistryLane;
import io.nodeq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nsqlookupd's HTTP API (nsq-protocol.md §3.4). Handlers run on the server context; registry work
 * goes through the {@link RegistryLane}. Parameters come from the query string only (§8 pitfall 9);
 * a repeated parameter counts by its first value; an empty value is present (and usually invalid).
 */
public final class LookupHttpApi {
    private static final Logger LOG = LoggerFactory.getLogger("io.nodeq.lookup.HTTP");

    /** Prometheus text exposition format 0.0.4. */
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final RegistryLane lane;
    private final String version;
    private final LookupMetrics metrics;

    public LookupHttpApi(RegistryLane lane, String version, LookupMetrics metrics) {
        this.lane = lane;
        this.version = version;
        this.metrics = metrics;
    }

    public Router router(Vertx vertx) {
        Router r = Router.router(vertx);
        route(r, "/ping", HttpMethod.GET, ctx -> V1Response.text(ctx, "OK"));
        route(r, "/info", HttpMethod.GET, ctx -> V1Response.json(ctx, new JsonObject().put("version", version)));
        route(r, "/debug", HttpMethod.GET, this::debug);
        route(r, "/lookup", HttpMethod.GET, this::lookup);
        route(r, "/topics", HttpMethod.GET, this::topics);
        route(r, "/channels", HttpMethod.GET, this::channels);
        route(r, "/nodes", HttpMethod.GET, this::nodes);
        route(r, "/metrics", HttpMethod.GET, this::metrics);
        route(r, "/topic/create", HttpMethod.POST, this::createTopic);
        route(r, "/topic/delete", HttpMethod.POST, this::deleteTopic);
        route(r, "/topic/tombstone", HttpMethod.POST, this::tombstone);
        route(r, "/channel/create", HttpMethod.POST, this::createChannel);
        route(r, "/channel/delete", HttpMethod.POST, this::deleteChannel);
        // deprecated spellings nsqlookupd still answers, with GET or POST
        route(r, "/create_topic", List.of(HttpMethod.GET, HttpMethod.POST), this::createTopic);
        route(r, "/delete_topic", List.of(HttpMethod.GET, HttpMethod.POST), this::deleteTopic);
        route(r, "/tombstone_topic_producer", List.of(HttpMethod.GET, HttpMethod.POST), this::tombstone);
        route(r, "/create_channel", List.of(HttpMethod.GET, HttpMethod.POST), this::createChannel);
        route(r, "/delete_channel", List.of(HttpMethod.GET, HttpMethod.POST), this::deleteChannel);
        r.route().handler(ctx -> V1Response.error(ctx, 404, "NOT_FOUND"));
        return r;
    }

    private static void route(Router r, String path, HttpMethod method, Handler<RoutingContext> h) {
        route(r, path, List.of(method), h);
    }

    /** Exact path; another method on it gets 405 with an Allow header, like Go's httprouter. */
    private static void route(Router r, String path, List<HttpMethod> methods, Handler<RoutingContext> h) {
        for (HttpMethod m : methods) {
            r.route(m, path).handler(h);
        }
        String allow = String.join(", ", methods.stream().map(HttpMethod::name).toList())
                + ", OPTIONS";
        r.route(path).handler(ctx -> {
            if (ctx.request().method() == HttpMethod.OPTIONS) {
                ctx.response().putHeader("Allow", allow).setStatusCode(200).end();
                return;
            }
            ctx.response().putHeader("Allow", allow);
            V1Response.error(ctx, 405, "METHOD_NOT_ALLOWED");
        });
    }

    private static String param(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Runs registry work, then answers; a registry failure is a 500. */
    private <T> void run(RoutingContext ctx, Function<LookupOps, T> work, java.util.function.BiConsumer<RoutingContext, T> answer) {
        Future<T> f = lane.call(work);
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ctx, ar.result());
            } else {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString());
                V1Response.error(ctx, 500, "INTERNAL_ERROR");
            }
        });
    }

    private void lookup(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        run(ctx, ops -> ops.lookup(topic), (c, res) -> {
            if (res == null) {
                V1Response.error(c, 404, "TOPIC_NOT_FOUND");
                return;
            }
            JsonArray producers = new JsonArray();
            for (PeerInfo p : res.producers()) {
                producers.add(peer(p));
            }
            V1Response.json(c, new JsonObject().put("channels", new JsonArray(res.channels())).put("producers", producers));
        });
    }

    private void topics(RoutingContext ctx) {
        run(ctx, LookupOps::topics, (c, t) -> V1Response.json(c, new JsonObject().put("topics", new JsonArray(t))));
    }

    private void channels(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        run(ctx, ops -> ops.channels(topic),
                (c, ch) -> V1Response.json(c, new JsonObject().put("channels", new JsonArray(ch))));
    }

    private void nodes(RoutingContext ctx) {
        run(ctx, LookupOps::nodes, (c, nodes) -> {
            JsonArray out = new JsonArray();
            for (LookupOps.Node n : nodes) {
                out.add(peer(n.peer()).put("tombstones", new JsonArray(n.tombstones()))
                        .put("topics", new JsonArray(n.topics())));
            }
            V1Response.json(c, new JsonObject().put("producers", out));
        });
    }

    /** nodeq's Prometheus endpoint: the registry counted at scrape time, then JVM and Vert.x meters. */
    private void metrics(RoutingContext ctx) {
        run(ctx, LookupOps::counts,
                (c, counts) -> c.response().putHeader("Content-Type", METRICS_TYPE).end(metrics.scrape(counts)));
    }

    private void debug(RoutingContext ctx) {
        run(ctx, LookupOps::debug, (c, dump) -> {
            Map<String, JsonArray> sorted = new TreeMap<>();
            for (Map.Entry<Registration, List<Producer>> e : dump.entrySet()) {
                if (e.getValue().isEmpty()) {
                    continue;   // nsqlookupd lists a key only through its producers
                }
                JsonArray list = new JsonArray();
                for (Producer p : e.getValue()) {
                    PeerInfo i = p.peer();
                    list.add(new JsonObject().put("id", i.id()).put("hostname", i.hostname())
                            .put("broadcast_address", i.broadcastAddress()).put("tcp_port", i.tcpPort())
                            .put("http_port", i.httpPort()).put("version", i.version())
                            .put("topology_zone", i.topologyZone()).put("topology_region", i.topologyRegion())
                            .put("last_update", p.lastUpdate()).put("tombstoned", p.tombstoned())
                            .put("tombstoned_at", p.tombstonedAt()));
                }
                sorted.put(e.getKey().asString(), list);
            }
            JsonObject out = new JsonObject();
            sorted.forEach(out::put);
            V1Response.json(c, out);
        });
    }

    private void createTopic(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (!Names.isValidTopicName(topic)) {
            V1Response.error(ctx, 400, "INVALID_ARG_TOPIC");
        } else {
            run(ctx, ops -> {
                ops.createTopic(topic);
                return true;
            }, (c, x) -> V1Response.empty(c));
        }
    }

    private void deleteTopic(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        if (topic == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        run(ctx, ops -> {
            ops.deleteTopic(topic);
            return true;
        }, (c, x) -> V1Response.empty(c));
    }

    private void tombstone(RoutingContext ctx) {
        String topic = param(ctx, "topic");
        String node = param(ctx, "node");
        if (topic == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_TOPIC");
        } else if (node == null) {
            V1Response.error(ctx, 400, "MISSING_ARG_NODE");
        } else {
            run(ctx, ops -> ops.tombstone(topic, node), (c, n) -> V1Response.empty(c));
        }
    }

    /** nsq's GetTopicChannelArgs: the first failing check wins; null when both are fine. */
    private static String topicChannelError(String topic, String channel) {
        if (topic == null) {
            return "MISSING_ARG_TOPIC";
        }
        if (!Names.isValidTopicName(topic)) {
            return "INVALID_ARG_TOPIC";
        }
        if (channel == null) {
            return "MISSING_ARG_CHANNEL";
        }
        if (!Names.isValidChannelName(channel)) {
            return "INVALID_ARG_CHANNEL";
        }
        return null;
    }

    /** Validates topic and channel (400 with NSQ's text), then hands them on. */
    private static void withTopicChannel(RoutingContext ctx, java.util.function.BiConsumer<String, String> then) {
        String topic = param(ctx, "topic");
        String channel = param(ctx, "channel");
        String err = topicChannelError(topic, channel);
        if (err != null) {
            V1Response.error(ctx, 400, err);
        } else {
            then.accept(topic, channel);
        }
    }

    private void createChannel(RoutingContext ctx) {
        withTopicChannel(ctx, (topic, channel) -> run(ctx, ops -> {
            ops.createChannel(topic, channel);
            return true;
        }, (c, x) -> V1Response.empty(c)));
    }

    private void deleteChannel(RoutingContext ctx) {
        withTopicChannel(ctx, (topic, channel) -> run(ctx, ops -> ops.deleteChannel(topic, channel), (c, found) -> {
            if (found) {
                V1Response.empty(c);
            } else {
                V1Response.error(c, 404, "CHANNEL_NOT_FOUND");
            }
        }));
    }

    private static JsonObject peer(PeerInfo p) {
        return new JsonObject().put("remote_address", p.remoteAddress()).put("hostname", p.hostname())
                .put("broadcast_address", p.broadcastAddress()).put("tcp_port", p.tcpPort())
                .put("http_port", p.httpPort()).put("version", p.version())
                .put("topology_zone", p.topologyZone()).put("topology_region", p.topologyRegion());
    }
}
