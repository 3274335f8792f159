package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.broker.PublishException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * nodeq: {@code POST /topic/redrive?topic=D} sends the dead letters of D back to the channel each
 * came from: 200 {@code {"redriven":N,"skipped":M}}, 404 {@code TOPIC_NOT_FOUND}, 500
 * {@code STORAGE_FAILED: <reason>} when a read or a publish failed (what was redriven before stays
 * redriven; the mark did not move, so the next redrive sends those again). Stateless.
 */
final class RedriveHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RedriveHandler.class);

    private final Supplier<Broker> broker;

    RedriveHandler(Supplier<Broker> broker) {
        this.broker = broker;
    }

    void redrive(RoutingContext ctx) {
        String topic = Params.validTopic(ctx);
        broker.get().redriveTopic(topic).onComplete(r -> {
            if (r.succeeded()) {
                Broker.RedriveResult result = r.result();
                if (result.result() == Broker.Result.TOPIC_NOT_FOUND) {
                    V1.error(ctx, 404, "TOPIC_NOT_FOUND");
                } else {
                    V1.json(ctx, new JsonObject().put("redriven", result.redriven()).put("skipped", result.skipped())
                            .encode());
                }
            } else if (r.cause() instanceof PublishException p && p.storage()) {
                V1.error(ctx, 500, "STORAGE_FAILED: " + p.getMessage());
            } else if (r.cause() instanceof PublishException) {
                V1.error(ctx, 503, "EXITING");
            } else {
                LOG.error("/topic/redrive?topic={} failed: {}", topic, r.cause().toString());
                V1.error(ctx, 500, "INTERNAL_ERROR");
            }
        });
    }
}
