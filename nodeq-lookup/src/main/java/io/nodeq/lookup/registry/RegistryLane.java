package io.nodeq.lookup.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.function.Function;

/**
 * Where registry work runs. An in-memory registry is owned by the server's context, so work runs
 * inline there (callers are on that context). A blocking (Hazelcast) registry runs on a small
 * worker pool, unordered: each TCP connection waits for one command's answer before the next, so
 * its own commands stay in order.
 */
public final class RegistryLane implements AutoCloseable {
    private final LookupOps ops;
    private final WorkerExecutor workers;

    public RegistryLane(Vertx vertx, LookupOps ops) {
        this.ops = ops;
        this.workers = ops.registry().blocking()
                ? vertx.createSharedWorkerExecutor("lookup-registry-" + System.identityHashCode(this), 4)
                : null;
    }

    public LookupOps ops() {
        return ops;
    }

    public <T> Future<T> call(Function<LookupOps, T> work) {
        if (workers == null) {
            try {
                return Future.succeededFuture(work.apply(ops));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        return workers.executeBlocking(() -> work.apply(ops), false);
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.close();
        }
    }
}
