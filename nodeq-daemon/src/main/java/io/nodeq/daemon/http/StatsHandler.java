package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonView;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /stats}: {@code format=json} for JSON, anything else text; {@code topic},
 * {@code channel} (empty means all), {@code include_clients}, {@code include_mem} (true|1|false|0,
 * other values count as true). Stateless.
 */
final class StatsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StatsHandler.class);

    private final DaemonView view;

    StatsHandler(DaemonView view) {
        this.view = view;
    }

    void handle(RoutingContext ctx) {
        boolean json = "json".equals(Params.first(ctx, "format"));
        String topic = emptyToNull(Params.first(ctx, "topic"));
        String channel = emptyToNull(Params.first(ctx, "channel"));
        boolean includeClients = Params.bool(ctx, "include_clients", true);
        boolean includeMem = Params.bool(ctx, "include_mem", true);
        view.broker().stats(new StatsFilter(topic, channel, includeClients)).onComplete(r -> {
            if (r.failed()) {
                LOG.error("stats failed: {}", r.cause().toString());
                V1.error(ctx, 500, "INTERNAL_ERROR");
                return;
            }
            JvmMemory.Stats memory = includeMem ? JvmMemory.read() : null;
            if (json) {
                V1.json(ctx, StatsJson.render(r.result(), includeClients, memory));
            } else {
                V1.text(ctx, StatsText.render(r.result(), memory, System.currentTimeMillis()));
            }
        });
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
