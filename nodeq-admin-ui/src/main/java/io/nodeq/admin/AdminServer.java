package io.nodeq.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The embeddable admin web server: {@code AdminServer.start(options)} → a running server on
 * {@link #httpPort()}; {@link #close()} stops it (and its Vert.x instance if it made one).
 * Used by {@link Main} and by tests. Thread-safe: its fields are final after start.
 */
public final class AdminServer {
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String deploymentId;
    private final AdminVerticle verticle;

    private AdminServer(Vertx vertx, boolean ownsVertx, String deploymentId, AdminVerticle verticle) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.deploymentId = deploymentId;
        this.verticle = verticle;
    }

    /** Starts on a Vert.x instance of its own, closed again by {@link #close()}. */
    public static Future<AdminServer> start(AdminOptions options) {
        Vertx vertx = Vertx.vertx();
        // not chained: a continuation on a Vert.x being closed would never run (see close())
        return start(vertx, options, true).onFailure(err -> vertx.close());
    }

    /** Starts on the caller's Vert.x instance, which {@link #close()} leaves running. */
    public static Future<AdminServer> start(Vertx vertx, AdminOptions options) {
        return start(vertx, options, false);
    }

    private static Future<AdminServer> start(Vertx vertx, AdminOptions options, boolean owns) {
        AdminVerticle verticle = new AdminVerticle(options);
        return vertx.deployVerticle(verticle).map(id -> new AdminServer(vertx, owns, id, verticle));
    }

    /** The port actually listened on (useful with port 0). */
    public int httpPort() {
        return verticle.port();
    }

    public Future<Void> close() {
        // closing our own Vert.x undeploys the verticle too; chaining close() after undeploy() would
        // complete on a context of the Vert.x being closed, and that completion is never delivered
        return ownsVertx ? vertx.close() : vertx.undeploy(deploymentId);
    }
}
