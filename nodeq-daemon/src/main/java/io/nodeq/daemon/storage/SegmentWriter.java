package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Buffered appender of {@code [int32 BE length][payload]} records to one segment file. Records are
 * gathered in a buffer and written with as few write() calls as possible; {@link #flush()} hands
 * them to the OS, {@link #force()} to the disk. Owned by the {@link DiskQueue} that owns it.
 * <p>
 * The buffer is empty whenever a queue call returns, so it is not kept per queue: each call borrows
 * its thread's buffer ({@link #attach}/{@link #detach}), and a lane with thousands of queues holds one.
 */
final class SegmentWriter {

    static final int BUFFER_SIZE = 256 * 1024;

    private static final ThreadLocal<ByteBuffer> THREAD_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_SIZE));

    private ByteBuffer buf;
    private FileChannel ch;
    /** File offset up to which every record was written completely. */
    private long flushedPos;
    private int bufferedRecords;
    private boolean unforced;

    boolean isOpen() {
        return ch != null;
    }

    void open(Path file, long pos) throws IOException {
        flushedPos = pos;
        bufferedRecords = 0;
        ch = FileOps.openForWrite(file);
        ch.position(pos);
    }

    /** Borrows the calling thread's buffer for the duration of one queue call. */
    void attach() {
        buf = THREAD_BUFFER.get();
        buf.clear();
    }

    /** Returns the buffer; anything still in it was not written (only after a failure). */
    void detach() {
        if (buf != null) {
            buf.clear();
            buf = null;
            bufferedRecords = 0;
        }
    }

    void append(byte[] payload) throws IOException {
        int total = 4 + payload.length;
        if (total > buf.remaining()) {
            flush();
        }
        if (total <= buf.capacity()) {
            buf.putInt(payload.length).put(payload);
            bufferedRecords++;
            return;
        }
        // larger than the buffer: header and payload in one gathering write
        buf.putInt(payload.length).flip();
        ByteBuffer[] parts = {buf, ByteBuffer.wrap(payload)};
        long left = total;
        while (left > 0) {
            left -= ch.write(parts);
        }
        buf.clear();
        flushedPos += total;
        unforced = true;
    }

    void flush() throws IOException {
        if (buf == null || buf.position() == 0) {
            return;
        }
        buf.flip();
        int len = buf.remaining();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
        flushedPos += len;
        bufferedRecords = 0;
        unforced = true;
    }

    /**
     * The open channel, for a background fdatasync of everything flushed so far (null when none is
     * open); marks the segment forced, so call {@link #markUnforced()} if that sync fails.
     */
    FileChannel channelForBackgroundSync() {
        if (ch == null || !unforced) {
            return null;
        }
        unforced = false;
        return ch;
    }

    void markUnforced() {
        unforced = true;
    }

    /** fdatasync, skipped when nothing was written since the last one. */
    void force() throws IOException {
        if (ch != null && unforced) {
            ch.force(false);
            unforced = false;
        }
    }

    long flushedPosition() {
        return flushedPos;
    }

    int bufferedRecords() {
        return bufferedRecords;
    }

    /** After a failed write: forget what is buffered and close; the caller rewinds to {@link #flushedPosition()}. */
    void abort() {
        if (buf != null) {
            buf.clear();
        }
        bufferedRecords = 0;
        closeQuietly();
    }

    void close() throws IOException {
        if (ch != null) {
            flush();
            FileChannel c = ch;
            ch = null;
            unforced = false;
            c.close();
        }
    }

    private void closeQuietly() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the caller reports the original error
            }
            ch = null;
            unforced = false;
        }
    }
}
