package io.nodeq.daemon.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's Micrometer registry: JVM (memory, GC, threads, classes) and Vert.x (TCP/HTTP
 * connections, bytes) meters, filled by vertx-micrometer-metrics. Created by the Daemon before its
 * Vert.x; the registry is thread-safe, {@link #scrape()} may run on any thread.
 *
 * <p>The per-topic numbers are not here: {@link StatsExposition} renders them from a /stats
 * snapshot at scrape time, so a deleted topic leaves no meter behind.
 */
public final class DaemonMetrics {
    /** vertx-micrometer keeps backends in a JVM-wide map by name: each Vert.x needs its own. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** A Vert.x reporting into this registry; the options get their metrics options set here. */
    public Vertx createVertx(VertxOptions options) {
        options.setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setRegistryName("nodeq-daemon-" + INSTANCES.incrementAndGet())
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
        return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    }

    /** The JVM and Vert.x meters in Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }
}
