package io.nodeq.examples.bench;

import io.nodeq.protocol.GoDuration;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Runs one bench the way NSQ's tools do: every worker connects and handshakes on its own thread,
 * all are released together (after {@code --deadline} if given), and the wall-clock time from
 * release to the last worker's end is the measured duration. Driven by the thread calling
 * {@link #execute}; {@link #stop} may be called from any worker.
 */
final class BenchRun {
    /** One connection's part of the bench. */
    interface Worker {
        /** Connect and handshake; not measured. */
        void prepare() throws Exception;

        /** The measured part; returns when done or throws once {@link #abort()} closed its socket. */
        void run(BenchRun run) throws Exception;

        /** From any thread: make the worker end soon (blocking reads return), letting it finish its writes. */
        void abort();

        /** From any thread: close the socket now; for a worker that did not end after {@link #abort()}. */
        void kill();
    }

    private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_AFTER = Duration.ofSeconds(5);

    private final List<? extends Worker> workers;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long startNanos;
    private long cpuNanos;

    BenchRun(List<? extends Worker> workers) {
        this.workers = workers;
    }

    /**
     * Runs all workers and returns the measured duration. After {@code abortAfter} every socket is
     * closed; when {@code abortIsFailure} (the workers should have ended on their own) that is an error.
     */
    Duration execute(Instant deadline, Duration abortAfter, boolean abortIsFailure, String tool, PrintStream log) throws Exception {
        return execute(deadline, abortAfter, abortIsFailure, tool, log, start -> { });
    }

    /** As above; {@code onStart} gets the start's {@link System#nanoTime()} just before the workers are released. */
    Duration execute(Instant deadline, Duration abortAfter, boolean abortIsFailure, String tool, PrintStream log,
                     LongConsumer onStart) throws Exception {
        CountDownLatch ready = new CountDownLatch(workers.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            String name = tool + "-" + i;
            Thread t = new Thread(() -> work(w, name, ready, go), name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            if (!ready.await(PREPARE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                failure.compareAndSet(null, new IllegalStateException("connections not ready after " + PREPARE_TIMEOUT.toSeconds() + "s"));
            }
            if (failure.get() == null && deadline != null) {
                Duration wait = Duration.between(Instant.now(), deadline);
                log.println("[" + tool + "] sleeping until " + deadline + " (" + GoDuration.format(wait.isNegative() ? Duration.ZERO : wait) + ")");
                if (!wait.isNegative()) {
                    Thread.sleep(wait.toMillis());
                }
            }
        } finally {
            if (failure.get() != null) {
                stop();
            }
        }
        long cpuAtStart = processCpuNanos();
        long start = System.nanoTime();
        startNanos = start;
        onStart.accept(start);
        go.countDown();
        long abortAt = start + abortAfter.toNanos();
        for (Thread t : threads) {
            long left = abortAt - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive() && !stopping.get()) {
                if (abortIsFailure) {
                    failure.compareAndSet(null, new IllegalStateException("workers still busy " + GoDuration.format(abortAfter) + " after the start: nsqd stopped answering?"));
                }
                stop();
            }
        }
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
            t.join(KILL_AFTER.toMillis());
            if (t.isAlive()) {
                // Stuck in a write to a server that stopped reading: only closing the socket frees it.
                workers.get(i).kill();
                t.join(KILL_AFTER.toMillis());
            }
        }
        long end = System.nanoTime();
        cpuNanos = processCpuNanos() - cpuAtStart;
        Exception e = failure.get();
        if (e != null) {
            throw e;
        }
        return Duration.ofNanos(end - start);
    }

    /** Ends the run: every worker is aborted; exceptions caused by that are not failures. */
    void stop() {
        if (stopping.compareAndSet(false, true)) {
            workers.forEach(Worker::abort);
        }
    }

    /** {@link System#nanoTime()} when the workers were released. */
    long startNanos() {
        return startNanos;
    }

    /** CPU time this whole process (workers, JIT, GC) used during the run; -1 if the JVM cannot tell. */
    long cpuNanos() {
        return cpuNanos;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    boolean stopping() {
        return stopping.get();
    }

    private void work(Worker w, String name, CountDownLatch ready, CountDownLatch go) {
        try {
            try {
                w.prepare();
            } finally {
                ready.countDown();
            }
            go.await();
            if (!stopping.get()) {
                w.run(this);
            }
        } catch (Exception e) {
            if (!stopping.get()) {
                failure.compareAndSet(null, e);
                stop();
            }
        }
    }
}
