package io.nodeq.protocol;

import java.util.ArrayDeque;

/**
 * Where a {@link CommandDecoder} puts the bodies of PUB, DPUB and MPUB. {@link #UNPOOLED} gives each
 * body an array of its own. A pooled instance packs bodies into blocks of {@code blockSize} bytes
 * and reuses a block once every body in it was {@linkplain Bodies#release released}: a daemon
 * ingesting at full speed then copies each body from the socket into a block and from there into
 * its store, and leaves no per-message garbage for the collector (a 200-byte body was a 216-byte
 * array per message, most of what ingestion allocated).
 *
 * <p>Thread-confined, like the decoders that share it (the daemon keeps one per event loop):
 * bodies are reserved and released on that one thread. A body larger than an eighth of a block gets
 * an array of its own; at most {@code maxFree} idle blocks are kept.
 */
public final class BodyBlocks {

    /** Each body in an array of its own; nothing to release. */
    public static final BodyBlocks UNPOOLED = new BodyBlocks(0, 0);

    /** Part of a block's array, counted by the bodies placed in it that are not released yet. */
    static final class Block {
        final byte[] bytes;
        final BodyBlocks owner;
        int used;
        int refs;

        Block(int size, BodyBlocks owner) {
            this.bytes = new byte[size];
            this.owner = owner;
        }

        void release() {
            if (--refs == 0) {
                owner.idle(this);
            } else if (refs < 0) {
                throw new IllegalStateException("body block released more often than reserved");
            }
        }
    }

    private final int blockSize;
    private final int maxFree;
    private final ArrayDeque<Block> free = new ArrayDeque<>();
    private Block current;
    private long blocksMade;

    public BodyBlocks(int blockSize, int maxFree) {
        if (blockSize < 0 || maxFree < 0) {
            throw new IllegalArgumentException("blockSize and maxFree must not be negative");
        }
        this.blockSize = blockSize;
        this.maxFree = maxFree;
    }

    /** Adds a span of {@code length} bytes to {@code into} for the decoder to fill. */
    void reserve(int length, Bodies into) {
        if (length > blockSize / 8) {
            into.add(new byte[length], 0, length, null);
            return;
        }
        Block b = current;
        if (b == null || b.bytes.length - b.used < length) {
            b = nextBlock();
        }
        into.add(b.bytes, b.used, length, b);
        b.used += length;
        b.refs++;
    }

    private Block nextBlock() {
        // the current block is full and still read by someone (else it was rewound): it goes back
        // to the free list from release() once they are done
        Block b = free.poll();
        if (b == null) {
            b = new Block(blockSize, this);
            blocksMade++;
        }
        current = b;
        return b;
    }

    private void idle(Block b) {
        b.used = 0;
        if (b != current && free.size() < maxFree) {
            free.push(b);
        }
    }

    /** How many blocks this has made so far (a reuse test reads it). */
    public long blocksMade() {
        return blocksMade;
    }

    /** Idle blocks kept for reuse. */
    public int freeBlocks() {
        return free.size();
    }
}
