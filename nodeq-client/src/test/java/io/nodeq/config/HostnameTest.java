package io.nodeq.config;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HostnameTest {

    @Test
    void theMachinesNameKeptAfterTheFirstCall() {
        String h = Hostname.get();
        assertThat(h).isNotBlank();
        assertThat(Hostname.get()).isSameAs(h);
    }

    @Test
    void aCallOnAnEventLoopIsCounted() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            long before = Hostname.callsOnEventLoop();
            vertx.executeBlocking(Hostname::get).await(5, TimeUnit.SECONDS);
            assertThat(Hostname.callsOnEventLoop()).as("on a worker").isEqualTo(before);
            java.util.concurrent.CompletableFuture<String> onLoop = new java.util.concurrent.CompletableFuture<>();
            vertx.runOnContext(v -> onLoop.complete(Hostname.get()));
            assertThat(onLoop.get(5, TimeUnit.SECONDS)).isEqualTo(Hostname.get());
            assertThat(Hostname.callsOnEventLoop()).as("on an event loop").isEqualTo(before + 1);
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
