package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.broker.PeekResult;
import io.nodeq.daemon.broker.PeekedMessage;
import io.nodeq.daemon.broker.RewindResult;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.protocol.Headers;
import io.nodeq.protocol.MessageIds;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * nodeq's peek and replay endpoints (README, "Peek and replay"): {@code GET /channel/peek} shows
 * the next messages a channel would deliver without delivering them; {@code POST /channel/rewind}
 * makes it deliver again what was published since a time. Topic and channel are read and checked
 * as nsqd's /channel/* endpoints do. Stateless.
 */
final class ReplayHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayHandlers.class);
    static final int DEFAULT_N = 10;
    static final int MAX_N = 1000;

    private final Supplier<Broker> broker;

    ReplayHandlers(Supplier<Broker> broker) {
        this.broker = broker;
    }

    void peek(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        int n = count(Params.first(ctx, "n"));
        boolean includeDeferred = Params.bool(ctx, "include_deferred", false);
        broker.get().peek(tc[0], tc[1], n, includeDeferred).onComplete(r -> {
            if (failed(ctx, r) || notFound(ctx, r.result().result())) {
                return;
            }
            JsonArray messages = new JsonArray();
            for (PeekedMessage m : r.result().messages()) {
                messages.add(json(m));
            }
            V1.json(ctx, new JsonObject().put("topic", tc[0]).put("channel", tc[1]).put("messages", messages).encode());
        });
    }

    void rewind(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        long toNs = epochNanos(Params.first(ctx, "to"));
        broker.get().rewind(tc[0], tc[1], toNs).onComplete(r -> {
            if (failed(ctx, r) || notFound(ctx, r.result().result())) {
                return;
            }
            RewindResult done = r.result();
            if (done.refused() != null) {
                V1.error(ctx, 400, done.refused());
                return;
            }
            V1.json(ctx, new JsonObject().put("from_seq", done.fromSeq()).put("messages", done.messages()).encode());
        });
    }

    /** {@code n}: absent means {@link #DEFAULT_N}; anything but 1..{@link #MAX_N} is INVALID_N. */
    static int count(String n) {
        if (n == null) {
            return DEFAULT_N;
        }
        try {
            int v = Integer.parseInt(n);
            if (v >= 1 && v <= MAX_N) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw HttpError.badRequest("INVALID_N");
    }

    /** {@code to}: RFC 3339 ({@code 2026-12-02T10:00:00Z}) or Unix milliseconds, as Unix nanoseconds. */
    static long epochNanos(String to) {
        if (to == null) {
            throw HttpError.badRequest("MISSING_ARG_TO");
        }
        try {
            if (!to.isEmpty() && to.chars().allMatch(Character::isDigit)) {
                return Math.multiplyExact(Long.parseLong(to), 1_000_000L);
            }
            // an unencoded '+' of an offset arrives as a space: take it back
            OffsetDateTime t = OffsetDateTime.parse(to.replace(' ', '+'));
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw HttpError.badRequest("INVALID_TO");
        }
    }

    /**
     * One message: the body as text (invalid UTF-8 shown as U+FFFD) and as base64, and its
     * headers when its record says the body starts with a header block (flags bit 0).
     */
    static JsonObject json(PeekedMessage m) {
        byte[] body = m.body();
        JsonObject headers = new JsonObject();
        if ((m.flags() & LogRecord.FLAG_HEADERS) != 0) {
            try {
                int block = Headers.blockLength(body, 0, body.length);
                for (Map.Entry<String, String> e : Headers.decode(body, 0).asMap().entrySet()) {
                    headers.put(e.getKey(), e.getValue());
                }
                body = Arrays.copyOfRange(body, block, body.length);
            } catch (IllegalArgumentException e) {
                headers = new JsonObject(); // not a block after all: show the body as stored
            }
        }
        JsonObject o = new JsonObject()
                .put("id", MessageIds.toHex(m.id()))
                .put("seq", m.seq())
                .put("timestamp", m.timestampNs())
                .put("attempts", m.attempts())
                .put("state", m.state())
                .put("body", new String(body, StandardCharsets.UTF_8))
                .put("body_base64", Base64.getEncoder().encodeToString(body))
                .put("headers", headers);
        if (PeekedMessage.DEFERRED.equals(m.state())) {
            o.put("due", m.dueEpochMs());
        }
        return o;
    }

    private static boolean failed(RoutingContext ctx, AsyncResult<?> r) {
        if (r.succeeded()) {
            return false;
        }
        LOG.error("{} failed: {}", ctx.request().path(), r.cause().toString());
        V1.error(ctx, 500, "INTERNAL_ERROR");
        return true;
    }

    private static boolean notFound(RoutingContext ctx, Broker.Result result) {
        switch (result) {
            case TOPIC_NOT_FOUND -> V1.error(ctx, 404, "TOPIC_NOT_FOUND");
            case CHANNEL_NOT_FOUND -> V1.error(ctx, 404, "CHANNEL_NOT_FOUND");
            default -> {
                return false;
            }
        }
        return true;
    }
}
