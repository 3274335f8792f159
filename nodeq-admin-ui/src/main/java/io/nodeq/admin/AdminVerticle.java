package io.nodeq.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The admin server's one context: HTTP routes, the chart sampler and the cluster memory all run
 * here, so {@link Cluster} and {@link History} need no locks. Owned by Vert.x (deployed by
 * {@link AdminServer}).
 */
final class AdminVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);

    private final AdminOptions options;
    private Upstream upstream;
    private Cluster cluster;
    private History history;
    private final DeadLetters deadLetters = new DeadLetters();
    private HttpServer server;
    private long samplerTimer = -1;
    private boolean sampling;
    private volatile int port = -1;

    AdminVerticle(AdminOptions options) {
        this.options = options;
    }

    @Override
    public Future<?> start() {
        upstream = new Upstream(vertx, options);
        cluster = new Cluster(options, upstream, System::currentTimeMillis);
        history = new History(options.sampleInterval().toMillis(), options.historyWindow().toMillis());
        Router router = Router.router(vertx);
        new ApiRoutes(options, cluster, history, deadLetters, new Actions(options, cluster, upstream),
                new DeliveryActions(cluster, upstream), loadIndex()).mount(router);
        sample();
        samplerTimer = vertx.setPeriodic(options.sampleInterval().toMillis(), id -> sample());
        return vertx.createHttpServer().requestHandler(router).listen(options.httpPort(), options.httpHost())
                .onSuccess(s -> {
                    server = s;
                    port = s.actualPort();
                    LOG.info("admin listening on http://{}:{} ({} mode, {})", options.httpHost(), port,
                            options.lookupdMode() ? "lookupd" : "nsqd", options.lookupdMode()
                                    ? options.lookupdHttpAddresses() : options.nsqdHttpAddresses());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(samplerTimer);
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.transform(ar -> upstream.close());
    }

    int port() {
        return port;
    }

    /** One gathering round for the charts; skipped while the previous one (slow nodes) is still running. */
    private void sample() {
        if (sampling) {
            return;
        }
        sampling = true;
        cluster.gather(Cluster.Scope.ALL).onComplete(ar -> {
            sampling = false;
            if (ar.succeeded()) {
                history.record(ar.result());
                deadLetters.record(ar.result());
            } else {
                LOG.warn("sample failed: {}", ar.cause().toString());
            }
        });
    }

    private static Buffer loadIndex() {
        try (InputStream in = AdminVerticle.class.getClassLoader().getResourceAsStream("webroot/index.html")) {
            if (in == null) {
                throw new IllegalStateException("webroot/index.html missing from the classpath");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
