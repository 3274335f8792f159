package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Buffered reader of the records of one segment file:
 * <pre>
 * [int32 BE length L][L bytes payload][int32 BE length][payload]...
 * </pre>
 * Reads ahead a block per syscall and parses many records out of it, which is what makes draining a
 * long backlog cheap. The read-ahead buffer is sized to what is there to read (4 KiB..256 KiB) and
 * dropped by {@link #releaseBuffer()} when the queue is caught up, so thousands of mostly idle queues
 * cost no memory. Owned by the {@link DiskQueue} that owns it (its disk-lane thread).
 */
final class SegmentReader {

    static final int MIN_BUFFER = 4 * 1024;
    static final int MAX_BUFFER = 256 * 1024;

    /** Invariant: in read mode, holding the file bytes [bufEnd - remaining, bufEnd). */
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private final int maxBuffer;
    private FileChannel ch;
    private long bufEnd;
    private long size = -1;

    SegmentReader(int maxBuffer) {
        this.maxBuffer = maxBuffer;
    }

    boolean isOpen() {
        return ch != null;
    }

    void open(Path file, long pos) throws IOException {
        close();
        ch = FileOps.openForRead(file);
        bufEnd = pos;
        size = -1;
    }

    /** File offset of the next record. */
    long position() {
        return bufEnd - buf.remaining();
    }

    /**
     * Size of the file, taken once: only asked for finished segments, which no longer grow. A segment
     * being written is bounded by the queue's writePos instead.
     */
    long finishedSize() throws IOException {
        if (size < 0) {
            size = ch.size();
        }
        return size;
    }

    /** The next record's payload, or null when the position is at {@code limit}. */
    byte[] next(long limit, int minSize, int maxSize) throws IOException {
        int len = nextLength(limit, minSize, maxSize);
        if (len < 0) {
            return null;
        }
        byte[] out = new byte[len];
        int total = 4 + len;
        if (total <= maxBuffer) {
            if (!fill(total, limit)) {
                throw new CorruptSegmentException("short read of a " + len + "-byte record at " + position());
            }
            buf.position(buf.position() + 4);
            buf.get(out);
        } else {
            // bigger than the read-ahead block: take what is buffered, read the rest straight into the result
            buf.position(buf.position() + 4);
            int have = buf.remaining();
            buf.get(out, 0, have);
            ByteBuffer rest = ByteBuffer.wrap(out, have, len - have);
            while (rest.hasRemaining()) {
                int r = ch.read(rest, bufEnd);
                if (r <= 0) {
                    throw new CorruptSegmentException("short read of a " + len + "-byte record");
                }
                bufEnd += r;
            }
            buf.clear().limit(0);
        }
        return out;
    }

    /** Steps over the next record without copying it; false when the position is at {@code limit}. */
    boolean skip(long limit, int minSize, int maxSize) throws IOException {
        int len = nextLength(limit, minSize, maxSize);
        if (len < 0) {
            return false;
        }
        long total = 4L + len;
        if (buf.remaining() >= total) {
            buf.position(buf.position() + (int) total);
        } else {
            bufEnd += total - buf.remaining();
            buf.clear().limit(0);
        }
        return true;
    }

    /** Validates the next length field: -1 at the limit, else a length whose whole record fits. */
    private int nextLength(long limit, int minSize, int maxSize) throws IOException {
        long pos = position();
        if (pos >= limit) {
            return -1;
        }
        if (limit - pos < 4 || !fill(4, limit)) {
            throw new CorruptSegmentException("short read of a length field at " + pos);
        }
        int len = buf.getInt(buf.position());
        if (len < minSize || len > maxSize) {
            throw new CorruptSegmentException("invalid message read size (" + len + ") at " + pos);
        }
        if (pos + 4 + len > limit) {
            throw new CorruptSegmentException("record of " + len + " bytes at " + pos + " runs past the end " + limit);
        }
        return len;
    }

    /** Ensures {@code n} buffered bytes, reading as much as fits (up to {@code limit}) per syscall. */
    private boolean fill(int n, long limit) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        ensureCapacity(limit - position());
        buf.compact();
        try {
            while (buf.position() < n) {
                long avail = limit - bufEnd;
                if (avail <= 0) {
                    return false;
                }
                buf.limit(buf.position() + (int) Math.min(buf.capacity() - buf.position(), avail));
                int r = ch.read(buf, bufEnd);
                if (r <= 0) {
                    return false;
                }
                bufEnd += r;
            }
            return true;
        } finally {
            buf.flip();
        }
    }

    /** Grows the buffer toward the bytes available (a backlog gets big reads, a tail gets a small buffer). */
    private void ensureCapacity(long available) {
        int want = (int) Math.min(maxBuffer, Math.max(MIN_BUFFER, Long.highestOneBit(Math.max(1, available - 1)) << 1));
        if (buf.capacity() >= want) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(want);
        bigger.put(buf).flip();
        buf = bigger;
    }

    /** Drops the read-ahead buffer; only when nothing is buffered (the reader caught up). */
    void releaseBuffer() {
        if (!buf.hasRemaining() && buf.capacity() > 0) {
            buf = ByteBuffer.allocate(0);
        }
    }

    void close() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel: nothing can be lost by a failed close
            }
            ch = null;
        }
        buf = ByteBuffer.allocate(0);
        size = -1;
    }
}
