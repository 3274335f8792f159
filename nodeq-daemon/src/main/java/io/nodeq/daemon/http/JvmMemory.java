package io.nodeq.daemon.http;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Arrays;

/**
 * The {@code memory} object of /stats with the Go runtime's keys filled from JVM numbers, so
 * nsqadmin and statsd dashboards keep working:
 * <ul>
 *   <li>heap_in_use_bytes = heap used; heap_idle_bytes = committed − used;
 *       heap_released_bytes = max − committed (heap the JVM has not taken from the OS);
 *       next_gc_bytes = committed (the heap fills up to it before a collection is forced);</li>
 *   <li>gc_pause_usec_100/99/95 over the last 256 pauses, like Go's PauseNs ring, taken from GC
 *       notifications (millisecond resolution on HotSpot); gc_total_runs = sum of collections;</li>
 *   <li>heap_objects: the JVM cannot count live objects cheaply; reported as 0.</li>
 * </ul>
 * Thread-safe: the pause ring is written by the JMX notification thread and read under its lock.
 */
final class JvmMemory {

    /** One reading, in the order and with the names nsqd uses. */
    record Stats(long heapObjects, long heapIdleBytes, long heapInUseBytes, long heapReleasedBytes,
                 long gcPauseUsec100, long gcPauseUsec99, long gcPauseUsec95, long nextGcBytes, long gcTotalRuns) {
    }

    private static final int RING = 256;
    private static final long[] PAUSES_USEC = new long[RING];
    private static long pauses;
    private static boolean listening;

    private JvmMemory() {
    }

    static Stats read() {
        listen();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long used = heap.getUsed();
        long committed = heap.getCommitted();
        long released = heap.getMax() > committed ? heap.getMax() - committed : 0;
        long runs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            runs += Math.max(0, gc.getCollectionCount());
        }
        long[] sorted;
        synchronized (PAUSES_USEC) {
            int n = (int) Math.min(pauses, RING);
            sorted = Arrays.copyOf(PAUSES_USEC, n);
        }
        Arrays.sort(sorted);
        return new Stats(0, committed - used, used, released, percentile(100, sorted), percentile(99, sorted),
                percentile(95, sorted), committed, runs);
    }

    /** nsqd's nearest-rank percentile: index floor(p/100 × n + 0.5), clamped to the last. */
    static long percentile(double p, long[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.floor(p / 100.0 * sorted.length + 0.5);
        return sorted[Math.min(index, sorted.length - 1)];
    }

    private static synchronized void listen() {
        if (listening) {
            return;
        }
        listening = true;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        record(info.getGcInfo().getDuration() * 1000);
                    }
                }, null, null);
            }
        }
    }

    private static void record(long usec) {
        synchronized (PAUSES_USEC) {
            PAUSES_USEC[(int) (pauses % RING)] = usec;
            pauses++;
        }
    }
}
