package io.nodeq.lookup;

import com.hazelcast.core.HazelcastInstance;
import io.nodeq.client.NsqAddress;
import io.nodeq.config.Hostname;
import io.nodeq.lookup.http.LookupHttpApi;
import io.nodeq.lookup.metrics.LookupMetrics;
import io.nodeq.lookup.registry.HazelcastRegistry;
import io.nodeq.lookup.registry.InMemoryRegistry;
import io.nodeq.lookup.registry.LookupOps;
import io.nodeq.lookup.registry.Registry;
import io.nodeq.lookup.registry.RegistryLane;
import io.nodeq.lookup.tcp.LookupConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embeddable lookup: TCP (protocol V1) and HTTP servers over one registry, standalone or as a
 * member of a Hazelcast cluster. Its servers and in-memory registry are owned by one verticle
 * context; lookup traffic is small, one event loop serves it.
 */
public final class LookupServer {
    private static final Logger LOG = LoggerFactory.getLogger(LookupServer.class);
    /** The nsqlookupd version we answer with; clients and nsqadmin read it. */
    public static final String VERSION = "1.3.0";

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final LookupOptions options;
    private final LookupMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private HazelcastInstance hazelcast;
    private Registry registry;
    private volatile String hostname;
    private RegistryLane lane;
    private String deploymentId;
    private volatile int tcpPort;
    private volatile int httpPort;

    private LookupServer(Vertx vertx, boolean ownsVertx, LookupOptions options, LookupMetrics metrics) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.options = options;
        this.metrics = metrics;
    }

    /**
     * Starts on a Vert.x instance of its own, closed again by {@link #close()}; its /metrics has
     * JVM and Vert.x meters besides the registry's.
     */
    public static Future<LookupServer> start(LookupOptions options) {
        LookupMetrics metrics = new LookupMetrics();
        Vertx vertx = metrics.createVertx(new VertxOptions());
        return new LookupServer(vertx, true, options, metrics).start()
                .recover(e -> vertx.close().transform(x -> Future.failedFuture(e)));
    }

    /** Starts on the caller's Vert.x; {@link #close()} leaves it running. /metrics has the registry's only. */
    public static Future<LookupServer> start(Vertx vertx, LookupOptions options) {
        return new LookupServer(vertx, false, options, new LookupMetrics()).start();
    }

    private Future<LookupServer> start() {
        Future<Registry> reg;
        if (options.cluster() == null) {
            reg = Future.succeededFuture(new InMemoryRegistry());
        } else {
            reg = vertx.executeBlocking(() -> {
                hazelcast = HazelcastRegistry.startMember(options.cluster());
                LOG.info("CLUSTER: joined {} as {} ({} members)", options.cluster().clusterName(),
                        hazelcast.getCluster().getLocalMember().getAddress(), hazelcast.getCluster().getMembers().size());
                HazelcastInstance hz = hazelcast;
                metrics.clusterMembers(() -> hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0);
                return new HazelcastRegistry(hazelcast);
            }, false);
        }
        // the hostname may take a DNS lookup: found here, off the event loops, for IDENTIFY answers
        return reg.compose(r -> vertx.executeBlocking(Hostname::get, false).map(h -> {
            hostname = h;
            return r;
        })).compose(r -> {
            registry = r;
            LookupOps ops = new LookupOps(r, options.inactiveProducerTimeout().toNanos(),
                    options.tombstoneLifetime().toNanos(), hazelcast != null, LookupServer::nowNanos);
            return vertx.deployVerticle(new LookupVerticle(ops));
        }).map(id -> {
            deploymentId = id;
            return this;
        }).recover(e -> shutdownHazelcast().transform(x -> Future.failedFuture(e)));
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public LookupOptions options() {
        return options;
    }

    /** The Hazelcast member in cluster mode, else null. */
    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /**
     * Stops serving. Open connections close without removing their registrations: in a cluster the
     * daemons behind them are still alive and reconnect elsewhere or here after a restart.
     */
    public Future<Void> close() {
        closing.set(true);
        Future<Void> undeploy = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
        Future<Void> stopped = undeploy.eventually(() -> {
            if (lane != null) {
                lane.close();
            }
            if (registry != null) {
                registry.close();
            }
            return shutdownHazelcast();
        });
        if (!ownsVertx) {
            return stopped.onComplete(ar -> LOG.info("lookup stopped"));
        }
        // Vert.x's own close must be awaited off its event loops: a listener on a closing loop never runs
        Promise<Void> done = Promise.promise();
        stopped.onComplete(ar -> CompletableFuture.runAsync(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                LOG.info("lookup stopped");
                done.complete();
            } catch (Exception e) {
                done.fail(e);
            }
        }));
        return done.future();
    }

    /** For tests: drop out as a crash would (Hazelcast terminated without goodbye), then close. */
    public Future<Void> crash() {
        closing.set(true);
        // no Vert.x context in this chain: the last step closes the Vert.x it would run on
        Promise<Void> done = Promise.promise();
        CompletableFuture.runAsync(() -> {
            if (hazelcast != null) {
                hazelcast.getLifecycleService().terminate();
            }
        }).whenComplete((v, e) -> close().onComplete(done));
        return done.future();
    }

    private Future<Void> shutdownHazelcast() {
        HazelcastInstance hz = hazelcast;
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            hz.shutdown();
            return null;
        }, false);
    }

    /** Owns the servers; everything in it runs on its context. */
    private final class LookupVerticle extends VerticleBase {
        private final LookupOps ops;
        private NetServer tcp;
        private HttpServer http;
        private String identifyResponse;
        private long reaper = -1;
        private boolean reaping;

        LookupVerticle(LookupOps ops) {
            this.ops = ops;
        }

        @Override
        public Future<?> start() {
            lane = new RegistryLane(vertx, ops);
            NsqAddress tcpAddr = NsqAddress.listen(options.tcpAddress());
            NsqAddress httpAddr = NsqAddress.listen(options.httpAddress());
            String idScope = hazelcast == null ? "" : "@" + hazelcast.getCluster().getLocalMember().getAddress();
            http = vertx.createHttpServer().requestHandler(new LookupHttpApi(lane, VERSION, metrics).router(vertx));
            tcp = vertx.createNetServer(new NetServerOptions())
                    .connectHandler(sock -> new LookupConnection(sock, lane, idScope, () -> identifyResponse,
                            closing::get));
            return http.listen(httpAddr.port(), httpAddr.host())
                    .compose(h -> tcp.listen(tcpAddr.port(), tcpAddr.host()))
                    .onSuccess(t -> {
                        tcpPort = tcp.actualPort();
                        httpPort = http.actualPort();
                        identifyResponse = new JsonObject()
                                .put("broadcast_address", options.broadcastAddress())
                                .put("hostname", hostname)
                                .put("http_port", httpPort)
                                .put("tcp_port", tcpPort)
                                .put("version", VERSION).encode();
                        LOG.info("TCP: listening on {}:{}", tcpAddr.host(), tcpPort);
                        LOG.info("HTTP: listening on {}:{}", httpAddr.host(), httpPort);
                        if (registry instanceof HazelcastRegistry h) {
                            startReaper(h);
                        }
                    });
        }

        private void startReaper(HazelcastRegistry h) {
            long timeout = options.inactiveProducerTimeout().toNanos();
            reaper = vertx.setPeriodic(options.reapInterval().toMillis(), t -> {
                if (reaping || closing.get()) {
                    return;
                }
                reaping = true;
                lane.call(o -> h.reapOrphans(timeout, o.now()))
                        .onComplete(ar -> {
                            reaping = false;
                            if (ar.failed() && !closing.get()) {
                                LOG.warn("CLUSTER: orphan sweep failed: {}", ar.cause().toString());
                            }
                        });
            });
        }

        @Override
        public Future<?> stop() {
            if (reaper >= 0) {
                vertx.cancelTimer(reaper);
            }
            return Future.join(tcp.close(), http.close());
        }
    }
}
