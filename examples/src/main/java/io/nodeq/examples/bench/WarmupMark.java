package io.nodeq.examples.bench;

import io.nodeq.protocol.GoDuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a run's warm-up ended: a thread notes the message count {@code warmup} after the start, so
 * the rate from there on leaves out the JIT's first seconds (a consumer or producer lives far longer
 * than a bench run; its steady state is what it is judged by). Both the raw tools and the client
 * benches take the same {@code --warmup}, so their figures stay comparable.
 */
final class WarmupMark {
    private final Duration warmup;
    private volatile long nanos = -1;
    private volatile long count;

    private WarmupMark(Duration warmup) {
        this.warmup = warmup;
    }

    /** Starts watching; with a zero warm-up the mark is the start itself. */
    static WarmupMark start(Duration warmup, long startNanos, LongSupplier counter) {
        WarmupMark m = new WarmupMark(warmup);
        if (warmup.isZero()) {
            m.count = 0;
            m.nanos = startNanos;
            return m;
        }
        Thread t = new Thread(() -> {
            try {
                long wait = startNanos + warmup.toNanos() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                m.count = counter.getAsLong();
                m.nanos = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "warmup-mark");
        t.setDaemon(true);
        t.start();
        return m;
    }

    /**
     * The result line for what happened after the warm-up, up to {@code endNanos} when {@code total}
     * messages were done; null without a warm-up. Says so when the run ended before the warm-up did.
     */
    String line(long endNanos, long total, int size) {
        if (warmup.isZero()) {
            return null;
        }
        long at = nanos;
        if (at < 0 || endNanos <= at) {
            return "after the " + GoDuration.format(warmup) + " warm-up: the run ended first";
        }
        long n = total - count;
        return "after the " + GoDuration.format(warmup) + " warm-up: "
                + BenchReport.throughputLine(Duration.ofNanos(endNanos - at), n, n * size);
    }
}
