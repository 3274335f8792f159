package io.nodeq.daemon.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue of a topic or a channel: up to --mem-queue-size messages in memory, the rest in its
 * backend, written and read back in batches on the disk lane (NSQ's memoryMsgChan + diskqueue).
 * An ephemeral queue drops what does not fit in memory.
 *
 * <p>Owned by its shard's context.
 */
final class MessageQueue {
    private static final int DISK_READ_BATCH = 4096;

    private final String label;
    private final Shard shard;
    private final boolean ephemeral;
    final BackendQueue backend;
    private final ArrayDeque<Message> memory = new ArrayDeque<>();
    /** Messages waiting for the next lane write; counted in diskDepth already. */
    final List<Message> spills = new ArrayList<>();
    private long diskDepth;
    private boolean readInFlight;
    /** Spills the read in flight cannot see: pending at its submission, or made since. */
    private long spillsSinceReadSubmit;
    /** Bumped by empty and delete: a read submitted before must not bring its messages back. */
    private int generation;
    /**
     * What a disk read took off the backend, until the shard takes it; at shutdown the final save
     * on the lane takes it instead, so a read still on its way is not lost.
     */
    private final AtomicReference<ReadBatch> unclaimed = new AtomicReference<>();

    MessageQueue(String label, Shard shard, boolean ephemeral, BackendQueue backend) {
        this.label = label;
        this.shard = shard;
        this.ephemeral = ephemeral;
        this.backend = backend;
    }

    long depth() {
        return memory.size() + diskDepth;
    }

    long diskDepth() {
        return diskDepth;
    }

    int memorySize() {
        return memory.size();
    }

    boolean memoryEmpty() {
        return memory.isEmpty();
    }

    Message poll() {
        return memory.poll();
    }

    /** Into memory if there is room, else towards the backend; false when dropped (ephemeral). */
    boolean put(Message m) {
        if (memory.size() < shard.options.memQueueSize()) {
            memory.add(m);
            return true;
        }
        if (ephemeral) {
            return false;
        }
        spills.add(m);
        diskDepth++;
        spillsSinceReadSubmit++;
        if (spills.size() == 1) {
            shard.spilled(this);
        }
        return true;
    }

    int generation() {
        return generation;
    }

    /**
     * {@code count} spills made under {@code spillGeneration} were never written: they leave the
     * depth. Any read that counted them has completed before the lane reported the failure.
     */
    void writeFailed(int count, int spillGeneration) {
        if (spillGeneration == generation) {
            diskDepth = Math.max(0, diskDepth - count);
        }
    }

    /** Messages found in the backend when it was opened (left from the last run). */
    void addRestoredDepth(long depth) {
        diskDepth += depth;
    }

    /**
     * Reads the next batch back from the backend when memory holds no more than {@code lowWater}
     * messages; {@code loaded} runs on the shard when it arrived.
     */
    void readAhead(long lowWater, Runnable loaded) {
        if (diskDepth <= 0 || readInFlight || memory.size() > lowWater) {
            return;
        }
        readInFlight = true;
        // spills not yet handed to the lane are written after this read, so the depth it reports
        // does not include them (with --mem-queue-size 0 they are every message)
        spillsSinceReadSubmit = spills.size();
        int readGeneration = generation;
        shard.lane.submit(() -> {
            unclaimed.set(new ReadBatch(readGeneration, backend.read(DISK_READ_BATCH)));
            return backend.depth();
        }, (depthAfter, err) -> {
            readInFlight = false;
            if (err != null) {
                shard.storageFailed("read " + label, err);
                return;
            }
            if (shard.isClosed()) {
                return; // the shutdown save takes the messages
            }
            ReadBatch read = unclaimed.getAndSet(null);
            if (read == null || readGeneration != generation) {
                // emptied meanwhile: these messages are dropped, and diskDepth already counts
                // only what was spilled since
                loaded.run();
                return;
            }
            // the lane has done every spill submitted before this read; later ones are still ours
            diskDepth = depthAfter + spillsSinceReadSubmit;
            memory.addAll(read.messages);
            loaded.run();
        });
    }

    private record ReadBatch(int generation, List<Message> messages) {
    }

    /**
     * On the lane at shutdown, after every read: messages a read took off the backend that the
     * shard never received (none if the queue was emptied since).
     */
    List<Message> takeUnclaimedRead() {
        ReadBatch read = unclaimed.getAndSet(null);
        return read == null || read.generation != generation ? List.of() : read.messages;
    }

    /** Drops everything, in memory and in the backend. */
    void empty() {
        generation++;
        memory.clear();
        spills.clear();
        diskDepth = 0;
        if (!ephemeral) {
            shard.lane.execute("empty " + label, () -> {
                backend.empty();
                return null;
            });
        }
    }

    /** Drops everything and removes the backend's files. */
    void delete() {
        generation++;
        memory.clear();
        spills.clear();
        diskDepth = 0;
        if (!ephemeral) {
            shard.lane.execute("delete " + label, () -> {
                backend.delete();
                return null;
            });
        }
    }

    /** What is still in memory (and not yet written), for saving at shutdown. */
    List<Message> drainForShutdown() {
        List<Message> all = new ArrayList<>(spills.size() + memory.size());
        all.addAll(spills);
        spills.clear();
        all.addAll(memory);
        memory.clear();
        return all;
    }
}
