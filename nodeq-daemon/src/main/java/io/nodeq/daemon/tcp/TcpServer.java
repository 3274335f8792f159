package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.broker.ShardedBroker;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol V2 listener: one accepting server instance per event loop, sharing the port, so
 * connections spread over the loops (vertx5-notes.md §1).
 */
public final class TcpServer {
    private final Vertx vertx;
    private final ShardedBroker broker;
    private final DaemonOptions options;
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile int port;
    private String deploymentId;

    public TcpServer(Vertx vertx, ShardedBroker broker, DaemonOptions options) {
        this.vertx = vertx;
        this.broker = broker;
        this.options = options;
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

    void removed(ClientConnection c) {
        connections.remove(c);
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
        return deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    }
}
