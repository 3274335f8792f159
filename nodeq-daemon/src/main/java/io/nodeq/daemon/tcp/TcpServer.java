package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.auth.AuthClient;
import io.nodeq.daemon.tls.TlsSettings;
import io.nodeq.daemon.broker.ShardedBroker;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The protocol V2 listener: one accepting server instance per event loop, sharing the port, so
 * connections spread over the loops (vertx5-notes.md §1).
 */
public final class TcpServer {
    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    private final Vertx vertx;
    private final ShardedBroker broker;
    private final DaemonOptions options;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastRefusalLogNs = new AtomicLong(System.nanoTime() - 2_000_000_000L);
    private final TlsSettings tls;
    private final AuthClient auth;
    private volatile int port;
    private String deploymentId;

    public TcpServer(Vertx vertx, ShardedBroker broker, DaemonOptions options) {
        this.vertx = vertx;
        this.broker = broker;
        this.options = options;
        this.tls = TlsSettings.of(options);
        Identify.warmUp(options);
        this.auth = options.authHttpAddresses().isEmpty() ? null : new AuthClient(vertx, options.authHttpAddresses(),
                options.authHttpRequestMethod(), options.httpClientConnectTimeout(), options.httpClientRequestTimeout());
    }

    /** Binds host:port (port 0: the OS chooses) with {@code instances} accepting loops. */
    public Future<Integer> start(String host, int requestedPort, int instances) {
        // N instances asking for port 0 would each get their own port; -1 shares one random port
        int bindPort = requestedPort == 0 && instances > 1 ? -1 : requestedPort;
        return vertx.deployVerticle(() -> new VerticleBase() {
            private NetServer server;

            @Override
            public Future<?> start() {
                server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(bindPort)
                                .setTcpNoDelay(true).setReceiveBufferSize(256 * 1024).setSendBufferSize(1024 * 1024))
                        .connectHandler(sock -> {
                            if (!admit()) {
                                sock.close();
                                return;
                            }
                            ClientConnection c = new ClientConnection(sock, context, vertx, broker, options, TcpServer.this);
                            connections.add(c);
                            c.start();
                        });
                return server.listen().onSuccess(s -> port = s.actualPort());
            }
        }, new DeploymentOptions().setInstances(instances)).map(id -> {
            deploymentId = id;
            return port;
        });
    }

    public int port() {
        return port;
    }

    /** TLS settings for the IDENTIFY upgrade, or null when no certificate is configured. */
    TlsSettings tls() {
        return tls;
    }

    /** The auth servers' client, or null when --auth-http-address is not set. */
    AuthClient auth() {
        return auth;
    }

    /**
     * Counts a new connection against --max-connections. Refusals are logged at most once a
     * second, with how many there were, so a flood cannot flood the log too.
     */
    private boolean admit() {
        int max = options.maxConnections();
        if (max <= 0) {
            open.incrementAndGet();
            return true;
        }
        if (open.incrementAndGet() <= max) {
            return true;
        }
        open.decrementAndGet();
        long n = refused.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLogNs.get();
        if (now - last >= 1_000_000_000L && lastRefusalLogNs.compareAndSet(last, now)) {
            LOG.warn("TCP: refusing connections: --max-connections {} reached ({} refused so far)", max, n);
        }
        return false;
    }

    /** Connections refused by --max-connections since start. */
    public long refusedConnections() {
        return refused.get();
    }

    void removed(ClientConnection c) {
        if (connections.remove(c)) {
            open.decrementAndGet();
        }
    }

    /** Producers for /stats: connections that published (to {@code topic}, when not null). */
    public List<StatsSnapshot.ClientStats> producers(String topic) {
        List<StatsSnapshot.ClientStats> out = new ArrayList<>();
        for (ClientConnection c : connections) {
            if (c.hasPublished()) {
                StatsSnapshot.ClientStats s = c.producerStats(topic);
                if (topic == null || s.pubCounts() != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Stops accepting and closes every connection. */
    public Future<Void> close() {
        for (ClientConnection c : connections) {
            c.shutdown();
        }
        if (auth != null) {
            auth.close();
        }
        return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    }
}
