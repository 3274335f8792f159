package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.broker.ChannelSettings;
import io.nodeq.daemon.broker.TopicSettings;
import io.nodeq.protocol.GoDuration;
import io.nodeq.protocol.Names;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code POST /topic/*} and {@code POST /channel/*} (nsq-protocol.md §2.2): 200 with an empty body
 * on success, nsqd's (inconsistent, on purpose) error texts otherwise. Stateless.
 */
final class TopicChannelHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(TopicChannelHandlers.class);

    private final Supplier<Broker> broker;

    TopicChannelHandlers(Supplier<Broker> broker) {
        this.broker = broker;
    }

    void createTopic(RoutingContext ctx) {
        String topic = Params.validTopic(ctx);
        String level = Params.first(ctx, "durability");
        io.nodeq.daemon.broker.Durability durability = null;
        if (level != null && !level.isEmpty()) {
            durability = io.nodeq.daemon.broker.Durability.parse(level);
            if (durability == null) {
                throw HttpError.badRequest("INVALID_DURABILITY");
            }
        }
        TopicSettings.Update settings = topicSettings(ctx);
        Future<Broker.Result> done = broker.get().createTopic(topic, durability, settings).map(Broker.Result.OK);
        done.onComplete(r -> answer(ctx, r));
    }

    /** nodeq: {@code POST /topic/config?topic=T&dedup_window=2m&retention=24h} changes an existing topic. */
    void configureTopic(RoutingContext ctx) {
        String topic = Params.validTopic(ctx);
        if (Params.first(ctx, "durability") != null) {
            throw HttpError.badRequest("DURABILITY_FIXED_AT_CREATION");
        }
        TopicSettings.Update settings = topicSettings(ctx);
        if (settings.isEmpty()) {
            throw HttpError.badRequest("MISSING_ARG_SETTING");
        }
        broker.get().configureTopic(topic, settings).onComplete(r -> answer(ctx, r));
    }

    /** {@code dedup_window} and {@code retention} as Go durations ({@code 2m}, {@code 24h}; {@code 0} = off). */
    private static TopicSettings.Update topicSettings(RoutingContext ctx) {
        return new TopicSettings.Update(duration(ctx, "dedup_window", "INVALID_DEDUP_WINDOW"),
                duration(ctx, "retention", "INVALID_RETENTION"));
    }

    private static Duration duration(RoutingContext ctx, String name, String error) {
        String v = Params.first(ctx, name);
        if (v == null) {
            return null;
        }
        Duration d;
        try {
            d = GoDuration.parse(v);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(error);
        }
        if (d.isNegative()) {
            throw HttpError.badRequest(error);
        }
        return d;
    }

    /** {@code max_attempts} (0..65535, 0 = unlimited) and {@code dead_letter_topic} ({@code ""} = none). */
    private static ChannelSettings.Update channelSettings(RoutingContext ctx, String topic) {
        Integer maxAttempts = null;
        String v = Params.first(ctx, "max_attempts");
        if (v != null) {
            try {
                maxAttempts = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("INVALID_MAX_ATTEMPTS");
            }
            if (maxAttempts < 0 || maxAttempts > 0xFFFF) {
                throw HttpError.badRequest("INVALID_MAX_ATTEMPTS");
            }
        }
        String dead = Params.first(ctx, "dead_letter_topic");
        if (dead != null && !dead.isEmpty() && (!Names.isValidTopicName(dead) || dead.equals(topic))) {
            throw HttpError.badRequest("INVALID_DEAD_LETTER_TOPIC");
        }
        return new ChannelSettings.Update(maxAttempts, dead);
    }

    void deleteTopic(RoutingContext ctx) {
        String topic = Params.anyTopic(ctx);
        broker.get().deleteTopic(topic).onComplete(r -> answer(ctx, r));
    }

    void emptyTopic(RoutingContext ctx) {
        String topic = Params.anyTopic(ctx);
        if (!Names.isValidTopicName(topic)) {
            throw HttpError.badRequest("INVALID_TOPIC");
        }
        broker.get().emptyTopic(topic).onComplete(r -> answer(ctx, r));
    }

    void pauseTopic(RoutingContext ctx, boolean paused) {
        String topic = Params.anyTopic(ctx);
        broker.get().pauseTopic(topic, paused).onComplete(r -> answer(ctx, r));
    }

    void createChannel(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        ChannelSettings.Update settings = channelSettings(ctx, tc[0]);
        broker.get().createChannel(tc[0], tc[1], settings).onComplete(r -> answer(ctx, r));
    }

    /** nodeq: {@code POST /channel/config?topic=T&channel=C&max_attempts=5&dead_letter_topic=T.dead}. */
    void configureChannel(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        ChannelSettings.Update settings = channelSettings(ctx, tc[0]);
        if (settings.isEmpty()) {
            throw HttpError.badRequest("MISSING_ARG_SETTING");
        }
        broker.get().configureChannel(tc[0], tc[1], settings).onComplete(r -> answer(ctx, r));
    }

    void deleteChannel(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        broker.get().deleteChannel(tc[0], tc[1]).onComplete(r -> answer(ctx, r));
    }

    void emptyChannel(RoutingContext ctx) {
        String[] tc = Params.topicAndChannel(ctx);
        broker.get().emptyChannel(tc[0], tc[1]).onComplete(r -> answer(ctx, r));
    }

    void pauseChannel(RoutingContext ctx, boolean paused) {
        String[] tc = Params.topicAndChannel(ctx);
        broker.get().pauseChannel(tc[0], tc[1], paused).onComplete(r -> answer(ctx, r));
    }

    private static void answer(RoutingContext ctx, AsyncResult<Broker.Result> r) {
        if (r.failed()) {
            LOG.error("{} failed: {}", ctx.request().path(), r.cause().toString());
            V1.error(ctx, 500, "INTERNAL_ERROR");
            return;
        }
        switch (r.result()) {
            case OK -> V1.empty(ctx);
            case TOPIC_NOT_FOUND -> V1.error(ctx, 404, "TOPIC_NOT_FOUND");
            case CHANNEL_NOT_FOUND -> V1.error(ctx, 404, "CHANNEL_NOT_FOUND");
        }
    }
}
