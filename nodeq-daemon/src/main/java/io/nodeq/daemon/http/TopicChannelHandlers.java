package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.protocol.Names;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        Future<Broker.Result> done = broker.get().createTopic(topic, durability).map(Broker.Result.OK);
        done.onComplete(r -> answer(ctx, r));
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
        broker.get().createChannel(tc[0], tc[1]).onComplete(r -> answer(ctx, r));
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
