package io.nodeq.daemon.broker;

import io.nodeq.daemon.LinuxScheduling;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One ordered worker thread per shard for blocking file IO, like NSQ's disk queue io loop: work
 * runs in submission order; results come back as a task of the shard ({@link Shard#run}), so a
 * completion gets the shard's catch, its closed check and its {@code afterTask} like any other task.
 * A second thread beside it runs the periodic fsyncs of memory-first topics, so that a slow fsync
 * does not hold the writes queued behind it ({@link #syncInBackground}).
 */
final class DiskLane {
    private static final Logger LOG = LoggerFactory.getLogger(DiskLane.class);
    private final ExecutorService executor;
    /** The lane's second thread: background fsyncs of memory-first topics ({@link #syncInBackground}). */
    private final ExecutorService syncer;
    private final Executor onShard;

    /**
     * {@code onShard} runs a completion as a shard task: {@code shard::run}; the thread asks for a
     * scheduler slice of {@code schedSliceNs} when it starts (0: the kernel's default; see
     * {@link LinuxScheduling}, whose answer the event loops have already logged).
     */
    DiskLane(String name, long schedSliceNs, Executor onShard) {
        this.onShard = onShard;
        this.executor = thread(name, schedSliceNs);
        this.syncer = thread(name.replace("lane", "sync"), schedSliceNs);
    }

    private static ExecutorService thread(String name, long schedSliceNs) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                if (schedSliceNs > 0) {
                    LinuxScheduling.setSliceOfCurrentThread(schedSliceNs);
                }
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code fsyncs} on the sync thread, then {@code done(error)} back on the lane (not at all
     * once the lane has shut down): the lane goes on writing meanwhile. Called on the lane.
     */
    void syncInBackground(Callable<?> fsyncs, java.util.function.Consumer<Throwable> done) {
        syncer.execute(() -> {
            Throwable error = null;
            try {
                fsyncs.call();
            } catch (Throwable t) {
                error = t;
            }
            Throwable e = error;
            try {
                executor.execute(() -> done.accept(e));
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                // the lane closed its files after forcing them itself
            }
        });
    }

    /**
     * Runs {@code work} on the lane, then {@code done(result, error)} as a shard task; dropped
     * with every other task once the shard is closed.
     */
    <T> void submit(Callable<T> work, BiConsumer<T, Throwable> done) {
        executor.execute(() -> {
            T result = null;
            Throwable error = null;
            try {
                result = work.call();
            } catch (Throwable t) {
                error = t;
            }
            T r = result;
            Throwable e = error;
            onShard.execute(() -> done.accept(r, e));
        });
    }

    /** Runs {@code work} on the lane; the future completes on the lane thread (for the shutdown save, after the shard closed). */
    <T> Future<T> call(Callable<T> work) {
        Promise<T> promise = Promise.promise();
        executor.execute(() -> {
            try {
                promise.complete(work.call());
            } catch (Throwable t) {
                promise.fail(t);
            }
        });
        return promise.future();
    }

    /** Runs {@code work} on the lane; a failure is logged, nobody waits. */
    void execute(String what, Callable<?> work) {
        executor.execute(() -> {
            try {
                work.call();
            } catch (Throwable t) {
                LOG.error("disk lane: {} failed: {}", what, t.toString());
            }
        });
    }

    /** Waits for queued work to finish, then stops the thread. Blocking: never on an event loop. */
    void shutdown(long timeoutMs) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.warn("disk lane did not finish within {} ms", timeoutMs);
        }
        syncer.shutdown();
        if (!syncer.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
            LOG.warn("disk lane's sync thread did not finish within {} ms", timeoutMs);
        }
    }
}
