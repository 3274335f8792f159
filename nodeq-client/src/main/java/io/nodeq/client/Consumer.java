package io.nodeq.client;

import io.nodeq.client.impl.ConsumerEngine;
import io.nodeq.client.impl.VertxRef;
import io.vertx.core.Context;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Subscribes to a topic/channel on every daemon given directly or found through lookups, and runs
 * the handler for each message on worker threads. {@code maxInFlight} is split over the
 * connections and rotated when there are more daemons than {@code maxInFlight}; failures requeue
 * with a delay and put the consumer in exponential backoff (go-nsq's behaviour, see
 * {@link ConsumerOptions}).
 *
 * <pre>{@code
 * Consumer c = Consumer.create(ConsumerOptions.builder("events", "archive", m -> store(m.body()))
 *         .lookup("127.0.0.1:4161").maxInFlight(100).concurrency(4).build());
 * ...
 * c.stop();   // CLS, wait for in-flight handlers, close
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Consumer implements AutoCloseable {
    private final ConsumerOptions options;
    private final VertxRef vertx;
    private final ExecutorService executor;
    private final boolean ownExecutor;
    private final ConsumerEngine engine;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicInteger stopCalls = new AtomicInteger();

    private Consumer(ConsumerOptions options) {
        this.options = options;
        this.vertx = VertxRef.of(options.vertx());
        this.ownExecutor = options.executor() == null;
        this.executor = ownExecutor ? workerPool(options) : options.executor();
        this.engine = new ConsumerEngine(options, vertx.vertx(), executor);
    }

    /** Creates the consumer and starts connecting (and polling lookups) in the background. */
    public static Consumer create(ConsumerOptions options) {
        Consumer c = new Consumer(Objects.requireNonNull(options, "options"));
        c.engine.start();
        return c;
    }

    public ConsumerOptions options() {
        return options;
    }

    /** Counters since creation; cheap, callable from any thread. */
    public ConsumerStats stats() {
        return engine.stats();
    }

    /** Changes the total in-flight budget; 0 pauses delivery (RDY 0 everywhere). */
    public void changeMaxInFlight(int maxInFlight) {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must be >= 0");
        }
        engine.changeMaxInFlight(maxInFlight);
    }

    /**
     * Stops without blocking: CLS to every daemon, handlers finish the messages already delivered
     * (their FIN/REQ are still sent), then the connections close. Completes when everything is
     * closed; after {@code stopTimeout} the remaining connections are closed anyway (the daemons
     * redeliver what was in flight).
     */
    public CompletableFuture<Void> stopAsync() {
        if (stopCalls.getAndIncrement() == 0) {
            engine.stop().onComplete(ar -> {
                boolean clean = ar.succeeded() && ar.result();
                if (ownExecutor) {
                    if (clean) {
                        executor.shutdown();
                    } else {
                        executor.shutdownNow();
                    }
                }
                stopped.complete(null);
            });
        }
        return stopped;
    }

    /**
     * Stops and waits (see {@link #stopAsync()}), then releases the Vert.x instance if the consumer
     * created it. Call from an application thread, not an event loop.
     */
    public void stop() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Consumer.stop() blocks; use stopAsync() on an event loop");
        }
        try {
            stopAsync().get(options.stopTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // timed out beyond the stop timeout: the event loop is stuck; release what we can
        }
        if (ownExecutor) {
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        vertx.release(5000);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private static ExecutorService workerPool(ConsumerOptions o) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "nodeq-consumer-" + o.topic() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(o.concurrency(), o.concurrency(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), tf);
    }
}
