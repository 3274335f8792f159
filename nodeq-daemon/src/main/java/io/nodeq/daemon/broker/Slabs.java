package io.nodeq.daemon.broker;

import io.netty.util.internal.PlatformDependent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot-tail slabs of one shard's topics: allocates them and keeps the live ones, so that their
 * direct memory is counted ({@code ShardedBroker.hotTailSlabs}) and a slab nobody released is visible (a test counts them
 * after every message is finished, a channel or topic deleted, the daemon closed) rather than a
 * silent leak of native memory. A slab is 1 MiB or so; a set entry per slab costs nothing beside it.
 *
 * <p>The hot tails of the whole process may take the direct-memory limit (-XX:MaxDirectMemorySize,
 * the maximum heap unless set) less a reserve of an eighth of it, at least 32 MiB: Netty's socket
 * buffers come from the same memory, and a full tail must refuse publishes, not starve the
 * connections and the HTTP API that would let an operator drain or delete it.
 *
 * <p>Owned by the shard; the counters may be read from any thread.
 */
final class Slabs {
    /** What the hot tails of this process may take, in bytes. */
    static final long LIMIT = limit(PlatformDependent.maxDirectMemory());
    /** What they take now, over every shard (and every daemon of the JVM: the limit is the process's). */
    private static final AtomicLong TOTAL = new AtomicLong();

    private final Set<Slab> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong leaked = new AtomicLong();

    static long limit(long maxDirectMemory) {
        return maxDirectMemory - Math.max(32L << 20, maxDirectMemory / 8);
    }

    /**
     * A new slab of {@code size} bytes whose first record will have {@code firstSeq}; one reference,
     * the caller's. Past {@link #LIMIT} (or out of direct memory anyway), the publish that needed it
     * fails like one the storage refused, and the daemon goes on.
     */
    Slab allocate(int size, long firstSeq) {
        if (TOTAL.addAndGet(size) > LIMIT) {
            TOTAL.addAndGet(-size);
            throw full("the hot tails hold " + (TOTAL.get() >> 20) + " MiB, their limit is " + (LIMIT >> 20) + " MiB");
        }
        Slab s;
        try {
            s = new Slab(this, size, firstSeq);
        } catch (OutOfMemoryError e) {
            TOTAL.addAndGet(-size);
            throw full(e.getMessage());
        }
        live.add(s);
        count.incrementAndGet();
        bytes.addAndGet(s.capacity());
        return s;
    }

    private static PublishException full(String why) {
        return new PublishException("no memory for the hot tail (" + why
                + "): raise -XX:MaxDirectMemorySize or lower --mem-queue-size", true);
    }

    void freed(Slab s) {
        if (live.remove(s)) {
            count.decrementAndGet();
            bytes.addAndGet(-s.capacity());
            TOTAL.addAndGet(-s.capacity());
        }
    }

    /** Slabs allocated and not freed. */
    long count() {
        return count.get();
    }

    /** Their direct memory, in bytes. */
    long bytes() {
        return bytes.get();
    }

    /** Slabs {@link #freeAll} found: still referenced once every holder had let go. */
    long leakedAtShutdown() {
        return leaked.get();
    }

    /**
     * Frees every slab still live, whatever its count (the shard is closed: nothing reads them
     * again); returns how many there were, counted as leaked.
     */
    int freeAll() {
        List<Slab> all = new ArrayList<>(live);
        for (Slab s : all) {
            s.free();
        }
        leaked.addAndGet(all.size());
        return all.size();
    }
}
