package io.nodeq.client.impl;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.concurrent.TimeUnit;

/** The Vert.x instance a client uses: the application's, or one the client created and must close. */
public record VertxRef(Vertx vertx, boolean owned) {

    public static VertxRef of(Vertx given) {
        if (given != null) {
            return new VertxRef(given, false);
        }
        // a client needs few threads: its connections share one event loop
        return new VertxRef(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)), true);
    }

    /** Closes the instance if the client created it. Call from an application thread. */
    public void release(long timeoutMs) {
        if (owned) {
            try {
                vertx.close().await(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // closing is best effort; the threads are daemon-less but idle
            }
        }
    }
}
