package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonView;
import io.nodeq.daemon.metrics.DaemonMetrics;
import io.nodeq.daemon.metrics.StatsExposition;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: Prometheus text format 0.0.4. The topic and channel families come from the
 * same snapshot /stats shows; JVM and Vert.x meters from the daemon's registry when it has one.
 * Stateless; runs on the HTTP server's event loop (rendering is CPU only, no IO).
 */
final class MetricsHandler {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);

    private final DaemonView view;

    MetricsHandler(DaemonView view) {
        this.view = view;
    }

    void handle(RoutingContext ctx) {
        view.broker().stats(StatsFilter.ALL).onComplete(r -> {
            if (r.failed()) {
                LOG.error("metrics: stats failed: {}", r.cause().toString());
                V1.error(ctx, 500, "INTERNAL_ERROR");
                return;
            }
            String body = StatsExposition.render(r.result());
            DaemonMetrics metrics = view.metrics();
            if (metrics != null) {
                body += metrics.scrape();
            }
            ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(body);
        });
    }
}
