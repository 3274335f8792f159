package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;


/**
 * Base of the fake-broker API tests: one Vert.x per class, one HttpApi on 127.0.0.1:0 per
 * {@link #start} over a {@link FakeView}.
 */
abstract class FakeApiFixture {
    static Vertx vertx;
    FakeView view;
    FakeBroker broker;
    HttpClientSupport http;
    private HttpServer server;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    void start() throws Exception {
        start(b -> b);
    }

    void start(UnaryOperator<DaemonOptions.Builder> options) throws Exception {
        view = new FakeView(options.apply(DaemonOptions.forTest(Path.of("unused"))).build());
        broker = view.broker;
        server = HttpApi.start(vertx, view, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        http = new HttpClientSupport(server.actualPort());
    }

    int port() {
        return server.actualPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close().await(10, TimeUnit.SECONDS);
        }
    }
}
