package io.nodeq.admin;

import io.nodeq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The admin's HTTP surface: the JSON API under {@code /api} (API.md), the single-page app's
 * index for every page URL nsqadmin has, static assets and the chart webjar.
 * Runs on the admin verticle's context; keeps no state of its own.
 */
final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final Set<String> PRODUCER_ACTIONS = Set.of("pause", "unpause", "empty");
    static final String[] PAGES = {"/", "/topics", "/topics/:topic", "/topics/:topic/:channel", "/nodes",
            "/nodes/:node", "/lookup", "/counter"};

    private final AdminOptions options;
    private final Cluster cluster;
    private final History history;
    private final Actions actions;
    private final AdminGuard guard;
    private final DeadLetters deadLetters;
    private final DeliveryRoutes delivery;
    private final Buffer index;

    ApiRoutes(AdminOptions options, Cluster cluster, History history, DeadLetters deadLetters, Actions actions,
              DeliveryActions delivery, Buffer index) {
        this.options = options;
        this.cluster = cluster;
        this.history = history;
        this.deadLetters = deadLetters;
        this.actions = actions;
        this.guard = new AdminGuard(options);
        this.delivery = new DeliveryRoutes(delivery, guard);
        this.index = index;
    }

    void mount(Router router) {
        router.get("/api/info").handler(ctx -> ctx.json(info()));
        router.get("/api/topics").handler(ctx -> reply(ctx, () -> cluster.gather(Cluster.Scope.ALL)
                .map(s -> {
                    deadLetters.record(s);
                    return Views.topics(s, history, deadLetters);
                })));
        router.get("/api/topics/:topic").handler(ctx -> {
            String topic = ctx.pathParam("topic");
            reply(ctx, () -> cluster.gather(new Cluster.Scope(topic, null, null, false))
                    .map(s -> Views.topic(s, topic, history, deadLetters)));
        });
        router.get("/api/topics/:topic/:channel").handler(ctx -> {
            String topic = ctx.pathParam("topic");
            String channel = ctx.pathParam("channel");
            reply(ctx, () -> cluster.gather(new Cluster.Scope(topic, channel, null, true))
                    .map(s -> Views.channel(s, topic, channel, history)));
        });
        router.get("/api/nodes").handler(ctx -> reply(ctx, () -> cluster.gather(Cluster.Scope.ALL)
                .map(s -> Views.nodes(s, options.lookupdHttpAddresses().size()))));
        router.get("/api/nodes/:node").handler(ctx -> {
            String node = ctx.pathParam("node");
            reply(ctx, () -> cluster.gather(new Cluster.Scope(null, null, node, false)).map(s -> Views.node(s, node)));
        });
        router.get("/api/counter").handler(ctx -> reply(ctx, () -> cluster.gather(Cluster.Scope.ALL)
                .map(s -> Views.counter(s, history))));
        router.get("/api/lookup").handler(ctx -> reply(ctx, () -> options.lookupdMode() ? cluster.lookupView()
                : Future.succeededFuture(new JsonObject().put("lookupds", new JsonArray())
                .put("topics", new JsonArray()).put("errors", new JsonArray()))));
        delivery.mount(router);
        router.get("/api/history").handler(ctx -> ctx.json(history.series(null, null)));
        router.get("/api/history/:topic").handler(ctx -> ctx.json(history.series(ctx.pathParam("topic"), null)));
        router.get("/api/history/:topic/:channel").handler(ctx ->
                ctx.json(history.series(ctx.pathParam("topic"), ctx.pathParam("channel"))));

        router.route("/api/*").method(HttpMethod.POST).method(HttpMethod.DELETE)
                .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
                .handler(this::guard);
        router.post("/api/topics").handler(this::create);
        router.post("/api/topics/:topic").handler(ctx -> producerAction(ctx, null));
        router.post("/api/topics/:topic/:channel").handler(ctx -> producerAction(ctx, ctx.pathParam("channel")));
        router.delete("/api/topics/:topic").handler(ctx -> delete(ctx, null));
        router.delete("/api/topics/:topic/:channel").handler(ctx -> delete(ctx, ctx.pathParam("channel")));
        router.delete("/api/nodes/:node").handler(this::tombstone);
        router.route("/api/*").handler(ctx -> error(ctx, 404, "NOT_FOUND"));

        for (String page : PAGES) {
            router.get(page).handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").end(index));
        }
        router.route("/static/*").handler(StaticHandler.create("webroot/static").setCachingEnabled(false));
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    }

    private JsonObject info() {
        return new JsonObject().put("version", Main.VERSION)
                .put("mode", options.lookupdMode() ? "lookupd" : "nsqd")
                .put("lookupd_http_addresses", new JsonArray(options.lookupdHttpAddresses()))
                .put("nsqd_http_addresses", new JsonArray(options.nsqdHttpAddresses()))
                .put("actions_protected", options.actionsProtected())
                .put("token_auth", options.adminToken() != null)
                .put("acl_http_header", options.aclHttpHeader())
                .put("refresh_interval_ms", options.refreshInterval().toMillis())
                .put("sample_interval_ms", options.sampleInterval().toMillis())
                .put("history_window_ms", options.historyWindow().toMillis())
                .put("request_timeout_ms", options.requestTimeout().toMillis());
    }

    private void guard(RoutingContext ctx) {
        if (guard.allowed(ctx.request())) {
            ctx.next();
        } else {
            error(ctx, 403, "FORBIDDEN");
        }
    }

    private void create(RoutingContext ctx) {
        JsonObject body = body(ctx);
        String topic = body.getString("topic");
        String channel = body.getString("channel");
        if (channel != null && channel.isEmpty()) {
            channel = null;
        }
        if (!validNames(ctx, topic, channel)) {
            return;
        }
        act(ctx, "create", topic, channel, null, actions.create(topic, channel));
    }

    private void producerAction(RoutingContext ctx, String channel) {
        String topic = ctx.pathParam("topic");
        JsonObject body = body(ctx);
        String action = body.getString("action", ctx.request().getParam("action"));
        boolean nodeq = action != null
                && (channel == null ? DeliveryRoutes.TOPIC_ACTIONS : DeliveryRoutes.CHANNEL_ACTIONS).contains(action);
        if (action == null || !(PRODUCER_ACTIONS.contains(action) || nodeq)) {
            error(ctx, 400, "INVALID_ACTION");
            return;
        }
        if (!validNames(ctx, topic, channel)) {
            return;
        }
        if (nodeq) {
            delivery.act(ctx, action, topic, channel, body);
        } else {
            act(ctx, action, topic, channel, null, actions.onProducers(action, topic, channel));
        }
    }

    private void delete(RoutingContext ctx, String channel) {
        String topic = ctx.pathParam("topic");
        if (validNames(ctx, topic, channel)) {
            act(ctx, "delete", topic, channel, null, actions.delete(topic, channel));
        }
    }

    private void tombstone(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        String topic = body(ctx).getString("topic", ctx.request().getParam("topic"));
        if (!options.lookupdMode()) {
            error(ctx, 400, "TOMBSTONE_NEEDS_LOOKUPD");
            return;
        }
        if (validNames(ctx, topic, null)) {
            act(ctx, "tombstone", topic, null, node, actions.tombstone(node, topic));
        }
    }

    private void act(RoutingContext ctx, String action, String topic, String channel, String node,
                     Future<Actions.Outcome> outcome) {
        outcome.onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 502, ar.cause().getMessage());
                return;
            }
            Actions.Outcome o = ar.result();
            LOG.info("action {} topic={}{}{} by {}: {} calls, {} failed", action, topic,
                    channel == null ? "" : " channel=" + channel, node == null ? "" : " node=" + node,
                    guard.who(ctx.request()), o.calls(), o.errors().size());
            ctx.response().setStatusCode(o.errors().isEmpty() ? 200 : 502);
            ctx.json(o.toJson());
        });
    }

    static boolean validNames(RoutingContext ctx, String topic, String channel) {
        if (topic == null || topic.isEmpty()) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return false;
        }
        if (!Names.isValidTopicName(topic)) {
            error(ctx, 400, "INVALID_TOPIC");
            return false;
        }
        if (channel != null && !Names.isValidChannelName(channel)) {
            error(ctx, 400, "INVALID_CHANNEL");
            return false;
        }
        return true;
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject o = ctx.body() == null ? null : ctx.body().asJsonObject();
            return o == null ? new JsonObject() : o;
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    private static void reply(RoutingContext ctx, Supplier<Future<JsonObject>> view) {
        view.get().onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.json(ar.result());
            } else {
                LOG.warn("view {} failed: {}", ctx.request().path(), ar.cause().toString());
                error(ctx, 500, "INTERNAL_ERROR");
            }
        });
    }

    static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status);
        ctx.json(new JsonObject().put("message", message));
    }
}
