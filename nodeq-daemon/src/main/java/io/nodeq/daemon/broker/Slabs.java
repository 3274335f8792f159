package io.nodeq.daemon.broker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot-tail slabs of one shard's topics: allocates them and keeps the live ones, so that their
 * direct memory shows in {@code /stats} and a slab nobody released is visible (a test counts them
 * after every message is finished, a channel or topic deleted, the daemon closed) rather than a
 * silent leak of native memory. A slab is 1 MiB or so; a set entry per slab costs nothing beside it.
 *
 * <p>Owned by the shard; the two counters may be read from any thread.
 */
final class Slabs {
    private final Set<Slab> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong leaked = new AtomicLong();

    /**
     * A new slab of {@code size} bytes whose first record will have {@code firstSeq}; one reference,
     * the caller's. Out of direct memory (-XX:MaxDirectMemorySize, the maximum heap unless set), the
     * publish that needed it fails like one the storage refused, and the daemon goes on.
     */
    Slab allocate(int size, long firstSeq) {
        Slab s;
        try {
            s = new Slab(this, size, firstSeq);
        } catch (OutOfMemoryError e) {
            throw new PublishException("no memory for the hot tail (" + e.getMessage()
                    + "): raise -XX:MaxDirectMemorySize or lower --mem-queue-size", true);
        }
        live.add(s);
        count.incrementAndGet();
        bytes.addAndGet(s.capacity());
        return s;
    }

    void freed(Slab s) {
        if (live.remove(s)) {
            count.decrementAndGet();
            bytes.addAndGet(-s.capacity());
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
