package io.nodeq.daemon.compat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * A minimal lookupd answering /lookup with one fixed daemon, so an independent client's own
 * discovery code runs unchanged against a nodeq daemon.
 */
final class FakeLookupd implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    FakeLookupd(int daemonTcpPort, int daemonHttpPort) throws Exception {
        JsonObject producer = new JsonObject().put("remote_address", "127.0.0.1:1").put("hostname", "localhost")
                .put("broadcast_address", "127.0.0.1").put("tcp_port", daemonTcpPort)
                .put("http_port", daemonHttpPort).put("version", "1.3.0");
        server = vertx.createHttpServer().requestHandler(req -> req.response()
                        .putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                        .putHeader("Content-Type", "application/json; charset=utf-8")
                        .end(new JsonObject().put("channels", new JsonArray())
                                .put("producers", new JsonArray().add(producer)).encode()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    String address() {
        return "127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
