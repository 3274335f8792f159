package io.nodeq.daemon.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the test clients saw, across every daemon restart of one test: which message bodies were
 * acknowledged (their OK arrived) and when, which were delivered and how often, and which were
 * FIN'd in a way the daemon certainly processed. Written by publisher and consumer threads.
 */
final class Ledger {
    /** body -> System.nanoTime() when its OK arrived. */
    private final Map<String, Long> acked = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    /** body -> System.currentTimeMillis() of its first delivery (wall clock: due times survive restarts). */
    private final Map<String, Long> firstDeliveredAt = new ConcurrentHashMap<>();
    /** Bodies whose FIN the daemon processed before it was stopped (see RecordingConsumer#close). */
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    /** Deliveries of a body that was already in {@link #finished}: must not happen after a SIGTERM. */
    private final Set<String> redeliveredAfterFin = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();

    void sent(int messages) {
        sent.addAndGet(messages);
    }

    void acked(List<String> bodies, long nanos) {
        for (String b : bodies) {
            acked.put(b, nanos);
        }
    }

    /** Called before the FIN is sent ("FIN after recording"). */
    void delivered(String body) {
        if (finished.contains(body)) {
            redeliveredAfterFin.add(body);
        }
        firstDeliveredAt.putIfAbsent(body, System.currentTimeMillis());
        deliveries.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
    }

    /** Wall-clock ms of the body's first delivery, or -1. */
    long firstDeliveredAt(String body) {
        return firstDeliveredAt.getOrDefault(body, -1L);
    }

    void finished(List<String> bodies) {
        finished.addAll(bodies);
    }

    long sentCount() {
        return sent.get();
    }

    int ackedCount() {
        return acked.size();
    }

    /** Distinct bodies delivered at least once. */
    int receivedCount() {
        return deliveries.size();
    }

    /** Deliveries beyond the first of each body. */
    long duplicates() {
        return deliveries.values().stream().mapToLong(n -> n.get() - 1).sum();
    }

    boolean received(String body) {
        return deliveries.containsKey(body);
    }

    /** Acknowledged bodies never delivered. */
    List<String> lost() {
        List<String> lost = new ArrayList<>();
        acked.keySet().forEach(b -> {
            if (!deliveries.containsKey(b)) {
                lost.add(b);
            }
        });
        lost.sort(null);
        return lost;
    }

    /** How many acknowledged bodies got their OK in [fromNanos, toNanos]. */
    long ackedBetween(long fromNanos, long toNanos) {
        return acked.values().stream().filter(t -> t >= fromNanos && t <= toNanos).count();
    }

    Set<String> redeliveredAfterFin() {
        return redeliveredAfterFin;
    }

    int finishedCount() {
        return finished.size();
    }

    /** For a line during the load: what was acknowledged but not yet received may still come. */
    String progress() {
        return "sent " + sentCount() + ", acknowledged " + ackedCount() + ", received " + receivedCount()
                + ", duplicates " + duplicates() + ", not (yet) received " + lost().size();
    }

    String summary() {
        return "sent " + sentCount() + ", acknowledged " + ackedCount() + ", received " + receivedCount()
                + ", duplicates " + duplicates() + ", lost " + lost().size();
    }
}
