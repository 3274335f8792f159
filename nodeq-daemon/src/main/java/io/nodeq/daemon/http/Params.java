package io.nodeq.daemon.http;

import io.nodeq.protocol.Names;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Request parameters as nsqd reads them: from the query string only (never a form body), the
 * first value of a repeated key, and "present but empty" distinct from "absent".
 */
final class Params {
    private Params() {
    }

    /** First value, {@code ""} for {@code ?k} or {@code ?k=}, null when absent. */
    static String first(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** nsqd's boolParams: true/1 and false/0; anything else (or absent) gives the default. */
    static boolean bool(RoutingContext ctx, String name, boolean fallback) {
        String v = first(ctx, name);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> fallback;
        };
    }

    /** The topic of /pub, /mpub and /topic/create: MISSING_ARG_TOPIC, INVALID_TOPIC. */
    static String validTopic(RoutingContext ctx) {
        String topic = first(ctx, "topic");
        if (topic == null) {
            throw HttpError.badRequest("MISSING_ARG_TOPIC");
        }
        if (!Names.isValidTopicName(topic)) {
            throw HttpError.badRequest("INVALID_TOPIC");
        }
        return topic;
    }

    /** The topic of delete/pause/unpause: only presence is checked (the name is not validated). */
    static String anyTopic(RoutingContext ctx) {
        String topic = first(ctx, "topic");
        if (topic == null) {
            throw HttpError.badRequest("MISSING_ARG_TOPIC");
        }
        return topic;
    }

    /**
     * Topic and channel of the /channel/* endpoints, with the texts of the helper nsqd shares with
     * nsqlookupd ({@code INVALID_ARG_TOPIC}, not {@code INVALID_TOPIC}).
     */
    static String[] topicAndChannel(RoutingContext ctx) {
        String topic = first(ctx, "topic");
        if (topic == null) {
            throw HttpError.badRequest("MISSING_ARG_TOPIC");
        }
        if (!Names.isValidTopicName(topic)) {
            throw HttpError.badRequest("INVALID_ARG_TOPIC");
        }
        String channel = first(ctx, "channel");
        if (channel == null) {
            throw HttpError.badRequest("MISSING_ARG_CHANNEL");
        }
        if (!Names.isValidChannelName(channel)) {
            throw HttpError.badRequest("INVALID_ARG_CHANNEL");
        }
        return new String[] {topic, channel};
    }
}
