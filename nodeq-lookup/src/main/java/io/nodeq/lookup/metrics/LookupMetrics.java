package io.nodeq.lookup.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodeq.lookup.registry.RegistryCounts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The lookup's Prometheus registry: a fixed set of {@code nodeq_lookup_*} gauges over the latest
 * {@link RegistryCounts}, plus JVM and Vert.x meters when the lookup runs its own Vert.x (see
 * {@link #createVertx}). Owned by the LookupServer; the registry is thread-safe, the counts are
 * replaced whole by {@link #scrape}, which any thread may call.
 */
public final class LookupMetrics {
    /** vertx-micrometer keeps backends in a JVM-wide map by name: each Vert.x needs its own. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<RegistryCounts> counts = new AtomicReference<>(RegistryCounts.EMPTY);

    public LookupMetrics() {
        registrations("topic", RegistryCounts::topics);
        registrations("channel", RegistryCounts::channels);
        producers("client", RegistryCounts::clientProducers);
        producers("topic", RegistryCounts::topicProducers);
        producers("channel", RegistryCounts::channelProducers);
        gauge("nodeq.lookup.active.producers", "Daemons that pinged within --inactive-producer-timeout (as /nodes lists them).",
                RegistryCounts::activeProducers);
        gauge("nodeq.lookup.tombstones", "Topic producers tombstoned within --tombstone-lifetime.",
                RegistryCounts::tombstones);
    }

    /** A Vert.x reporting into this registry (TCP/HTTP connections, bytes) with JVM meters. */
    public Vertx createVertx(VertxOptions options) {
        options.setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setJvmMetricsEnabled(true)
                .setRegistryName("nodeq-lookup-" + INSTANCES.incrementAndGet())
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
        return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    }

    /** Cluster mode: the members this one sees (a local read of Hazelcast's member list). */
    public void clusterMembers(IntSupplier members) {
        Gauge.builder("nodeq.lookup.cluster.members", members, IntSupplier::getAsInt)
                .description("Lookup members in the Hazelcast cluster, as this member sees it.")
                .strongReference(true).register(registry);
    }

    /** Renders Prometheus text format 0.0.4 with these counts. */
    public String scrape(RegistryCounts latest) {
        counts.set(latest);
        return registry.scrape();
    }

    private void registrations(String category, ToLongFunction<RegistryCounts> value) {
        Gauge.builder("nodeq.lookup.registrations", counts, c -> value.applyAsLong(c.get()))
                .description("Registrations in the database, per category.")
                .tag("category", category).register(registry);
    }

    private void producers(String category, ToLongFunction<RegistryCounts> value) {
        Gauge.builder("nodeq.lookup.producers", counts, c -> value.applyAsLong(c.get()))
                .description("Producer entries in the registrations of each category (client: daemon connections).")
                .tag("category", category).register(registry);
    }

    private void gauge(String name, String help, ToLongFunction<RegistryCounts> value) {
        Gauge.builder(name, counts, c -> value.applyAsLong(c.get())).description(help).register(registry);
    }
}
