package io.nodeq.protocol;

/**
 * Snowflake-style message IDs as nsqd makes them (nsq-protocol.md §1.4):
 * {@code (now_ns >> 20 - EPOCH) << 22 | nodeId(10 bits) << 12 | sequence(12 bits)}, unique per
 * generator. Where nsqd spins when the 4096 IDs of one time unit are used up, this generator
 * borrows the next unit, so IDs stay unique and increasing under any publish rate.
 *
 * <p>Owned by one thread (the topic's shard); not thread-safe.
 */
public final class IdGenerator {
    /** nsqd's twepoch, in units of 2^20 ns (~1 ms). */
    static final long EPOCH = 1288834974288L;
    private static final int SEQUENCE_BITS = 12;
    private static final int NODE_BITS = 10;
    private static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

    private final long nodeBits;
    private long lastUnit = -1;
    private long sequence;

    public IdGenerator(int nodeId) {
        if (nodeId < 0 || nodeId >= (1 << NODE_BITS)) {
            throw new IllegalArgumentException("node id must be 0..1023, got " + nodeId);
        }
        this.nodeBits = (long) nodeId << SEQUENCE_BITS;
    }

    public long next() {
        long unit = (System.currentTimeMillis() * 1_000_000L >> 20) - EPOCH;
        if (unit > lastUnit) {
            lastUnit = unit;
            sequence = 0;
        } else if (++sequence > MAX_SEQUENCE) {
            lastUnit++;
            sequence = 0;
        }
        return (lastUnit << (SEQUENCE_BITS + NODE_BITS)) | nodeBits | sequence;
    }
}
