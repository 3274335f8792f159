package io.nodeq.daemon.broker;

import java.time.Instant;

/**
 * The broker's sense of time: a monotonic clock for deadlines and due times, and wall-clock
 * nanoseconds for message timestamps and for due times that must survive a restart. Injectable so
 * that timeout, deferral and cursor logic is tested without waiting.
 */
public interface BrokerClock {

    /** Monotonic nanoseconds (System.nanoTime's contract). */
    long nanoTime();

    /** Wall-clock nanoseconds since the Unix epoch. */
    long epochNanos();

    default long epochMillis() {
        return epochNanos() / 1_000_000L;
    }

    /** The system clock: wall time derived from the monotonic one, so both move together. */
    static BrokerClock system() {
        Instant now = Instant.now();
        long epochBase = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long monoBase = System.nanoTime();
        return new BrokerClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochNanos() {
                return epochBase + (System.nanoTime() - monoBase);
            }
        };
    }
}
