package io.nodeq.admin;

import io.nodeq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The admin API for nodeq's delivery features (API.md): the peek route, and the {@code rewind},
 * {@code redrive} and {@code config} actions that {@link ApiRoutes} hands over. Peek is guarded like
 * the actions: it shows message bodies, which the counters never do. Runs on the admin verticle's
 * context; keeps no state of its own.
 */
final class DeliveryRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRoutes.class);
    static final Set<String> TOPIC_ACTIONS = Set.of("redrive", "config");
    static final Set<String> CHANNEL_ACTIONS = Set.of("rewind", "config");
    private static final List<String> TOPIC_SETTINGS = List.of("dedup_window", "retention");
    private static final List<String> CHANNEL_SETTINGS = List.of("max_attempts", "dead_letter_topic");
    static final int MAX_PEEK = 100;

    private final DeliveryActions delivery;
    private final AdminGuard guard;

    DeliveryRoutes(DeliveryActions delivery, AdminGuard guard) {
        this.delivery = delivery;
        this.guard = guard;
    }

    /** The peek route; mount before the API's catch-all. */
    void mount(Router router) {
        router.get("/api/topics/:topic/:channel/peek").handler(this::peek);
    }

    private void peek(RoutingContext ctx) {
        if (!guard.allowed(ctx.request())) {
            ApiRoutes.error(ctx, 403, "FORBIDDEN");
            return;
        }
        String topic = ctx.pathParam("topic");
        String channel = ctx.pathParam("channel");
        Integer n = integer(ctx.request().getParam("n", "10"));
        if (n == null || n < 1 || n > MAX_PEEK) {
            ApiRoutes.error(ctx, 400, "INVALID_N");
            return;
        }
        if (!ApiRoutes.validNames(ctx, topic, channel)) {
            return;
        }
        delivery.peek(topic, channel, n).onComplete(ar -> {
            if (ar.failed()) {
                ApiRoutes.error(ctx, 502, ar.cause().getMessage());
                return;
            }
            DeliveryActions.FanOut f = ar.result();
            LOG.info("peek topic={} channel={} n={} by {}: {} nodes, {} failed", topic, channel, n,
                    guard.who(ctx.request()), f.calls(), f.errors().size());
            if (f.nowhere()) {
                ApiRoutes.error(ctx, 404, "CHANNEL_NOT_FOUND");
            } else {
                ctx.json(PeekView.of(topic, channel, n, f));
            }
        });
    }

    /** {@code action} on {@code topic} (channel null) or on a channel; names already checked. */
    void act(RoutingContext ctx, String action, String topic, String channel, JsonObject body) {
        switch (action) {
            case "rewind" -> rewind(ctx, topic, channel, body);
            case "redrive" -> reply(ctx, action, topic, null, delivery.redrive(topic),
                    f -> f.toJson().put("redriven", f.total("redriven")).put("skipped", f.total("skipped")));
            default -> configure(ctx, topic, channel, body);
        }
    }

    private void rewind(RoutingContext ctx, String topic, String channel, JsonObject body) {
        String to = param(ctx, body, "to");
        if (to == null || to.isEmpty()) {
            ApiRoutes.error(ctx, 400, "MISSING_ARG_TO");
            return;
        }
        Long toMs = epochMillis(to);
        if (toMs == null) {
            ApiRoutes.error(ctx, 400, "INVALID_TO");
            return;
        }
        reply(ctx, "rewind", topic, channel, delivery.rewind(topic, channel, toMs),
                f -> f.toJson().put("to", toMs).put("messages", f.total("messages")));
    }

    private void configure(RoutingContext ctx, String topic, String channel, JsonObject body) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String k : channel == null ? TOPIC_SETTINGS : CHANNEL_SETTINGS) {
            String v = param(ctx, body, k);
            if (v != null) {
                settings.put(k, v.trim());
            }
        }
        if (settings.isEmpty()) {
            ApiRoutes.error(ctx, 400, "MISSING_ARG_SETTING");
            return;
        }
        String dead = settings.get("dead_letter_topic");
        if (dead != null && !dead.isEmpty() && !Names.isValidTopicName(dead)) {
            ApiRoutes.error(ctx, 400, "INVALID_DEAD_LETTER_TOPIC");
            return;
        }
        String max = settings.get("max_attempts");
        if (max != null && integer(max) == null) {
            ApiRoutes.error(ctx, 400, "INVALID_MAX_ATTEMPTS");
            return;
        }
        reply(ctx, "config", topic, channel, delivery.configure(topic, channel, settings),
                f -> f.toJson().put("settings", new JsonObject(new LinkedHashMap<>(settings))));
    }

    private void reply(RoutingContext ctx, String action, String topic, String channel,
                       Future<DeliveryActions.FanOut> outcome, Function<DeliveryActions.FanOut, JsonObject> view) {
        outcome.onComplete(ar -> {
            if (ar.failed()) {
                ApiRoutes.error(ctx, 502, ar.cause().getMessage());
                return;
            }
            DeliveryActions.FanOut f = ar.result();
            LOG.info("action {} topic={}{} by {}: {} calls, {} failed", action, topic,
                    channel == null ? "" : " channel=" + channel, guard.who(ctx.request()), f.calls(),
                    f.errors().size());
            if (f.nowhere()) {
                ApiRoutes.error(ctx, 404, channel == null ? "TOPIC_NOT_FOUND" : "CHANNEL_NOT_FOUND");
                return;
            }
            ctx.response().setStatusCode(f.errors().isEmpty() ? 200 : 502);
            ctx.json(view.apply(f));
        });
    }

    /** A JSON body field (any scalar, as text) or else the query parameter. */
    private static String param(RoutingContext ctx, JsonObject body, String name) {
        Object v = body.getValue(name);
        return v != null ? String.valueOf(v) : ctx.request().getParam(name);
    }

    /** RFC 3339 (with an offset or Z) or Unix milliseconds, as the daemons' {@code to}. */
    static Long epochMillis(String to) {
        String t = to.trim();
        if (t.matches("\\d{1,15}")) {
            return Long.parseLong(t);
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t).toEpochMilli();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static Integer integer(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
