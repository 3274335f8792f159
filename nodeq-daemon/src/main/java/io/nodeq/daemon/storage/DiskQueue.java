package io.nodeq.daemon.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FIFO of byte records on disk, file-compatible with NSQ's go-diskqueue (nsq-disk-queue.md §2): an NSQ
 * data directory can be read by it and the other way round.
 * <p>
 * <b>Not thread-safe, by design.</b> Owned by one disk-lane thread (the daemon runs one single-threaded
 * lane per shard) and called only from it, which is go-diskqueue's io loop without the channels: the
 * positions need no locks because only one thread ever moves them. Every call blocks on file IO.
 * <p>
 * Unlike go-diskqueue there is no read-ahead goroutine: {@link #read()} returns the next record and
 * consumes it at once (the caller owns it from then on, as NSQ's consumer of ReadChan does).
 * Differences that only add safety: {@link #close()} also fsyncs the data segment; metadata replaces
 * are followed by a directory fsync; on open, records written after the last metadata sync are counted
 * into the depth, and the writer also skips past any later segment files found in the directory, so
 * nothing is ever overwritten even when the metadata file is missing.
 */
public final class DiskQueue implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(DiskQueue.class);
    private final QueueFiles files;
    private final DiskQueueOptions opts;
    private final SegmentReader reader = new SegmentReader(SegmentReader.MAX_BUFFER);
    private final SegmentWriter writer = new SegmentWriter();

    private long depth;
    private long readFileNum;
    private long readPos;
    private long writeFileNum;
    private long writePos;

    /** Reads + writes since the last sync (go-diskqueue's count). */
    private long opsSinceSync;
    /** A segment or metadata file was created since the last directory fsync. */
    private boolean dirtyDirectory = true;
    /** Where periodic syncs run when they may overlap with writes; null: inline. */
    private java.util.concurrent.Executor syncExecutor;
    private java.util.concurrent.CompletableFuture<Void> backgroundSync;
    /** Set by a failed background sync (on its thread); the lane then syncs inline. */
    private volatile String backgroundSyncError;
    private boolean needSync;
    private boolean closed;

    private DiskQueue(QueueFiles files, DiskQueueOptions opts) {
        this.files = files;
        this.opts = opts;
    }

    /**
     * Opens (or creates) the queue {@code name} in {@code dataDir}; {@code name} is a topic name or
     * {@code topic:channel}. Recovers from an unclean stop as described in nsq-disk-queue.md §2.6.
     */
    public static DiskQueue open(Path dataDir, String name, DiskQueueOptions opts) throws IOException {
        Objects.requireNonNull(opts, "opts");
        if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("invalid queue name: " + name);
        }
        Files.createDirectories(dataDir);
        DiskQueue q = new DiskQueue(new QueueFiles(dataDir, name), opts);
        q.recover();
        return q;
    }

    // ------------------------------------------------------------------ writing

    /** Appends one record; it is handed to the OS (not necessarily fsynced) when this returns. */
    public void put(byte[] payload) throws IOException {
        putAll(List.of(payload));
    }

    /**
     * Appends records in order with as few write() calls as the buffer allows. All sizes are checked
     * before anything is written. If an IOException is thrown, a prefix of the batch may be stored
     * (the records before a segment roll are), like a sequence of failed and successful puts.
     */
    public void putAll(List<byte[]> payloads) throws IOException {
        checkOpen();
        for (byte[] p : payloads) {
            if (p.length < opts.minMsgSize() || p.length > opts.maxMsgSize()) {
                throw new IllegalArgumentException("invalid message write size (" + p.length + ") minMsgSize="
                        + opts.minMsgSize() + " maxMsgSize=" + opts.maxMsgSize());
            }
        }
        writer.attach();
        try {
            for (byte[] p : payloads) {
                appendRecord(p);
            }
            writer.flush();
        } catch (IOException e) {
            int lost = writer.bufferedRecords();
            writePos = writer.flushedPosition();
            writer.abort();
            depth -= lost;
            opsSinceSync -= lost;
            log.error("DISKQUEUE({}) failed to write {} - {}", files.name(), files.segmentName(writeFileNum),
                    e.toString());
            throw e;
        } finally {
            writer.detach();
        }
        maybeSync();
    }

    private void appendRecord(byte[] payload) throws IOException {
        long total = 4L + payload.length;
        if (writePos > 0 && writePos + total > opts.maxBytesPerFile()) {
            rollWriteSegment();
        }
        if (!writer.isOpen()) {
            if (writePos == 0) {
                dirtyDirectory = true; // a new segment file: its name must reach the disk too
            }
            writer.open(files.segment(writeFileNum), writePos);
        }
        writer.append(payload);
        writePos += total;
        depth++;
        opsSinceSync++;
    }

    /** nsq-disk-queue.md §2.3: sync, close, continue in the next segment number. */
    private void rollWriteSegment() throws IOException {
        writer.flush(); // the only step allowed to fail the put: nothing has moved yet
        boolean readerDone = readFileNum == writeFileNum && readPos == writePos;
        writeFileNum++;
        writePos = 0;
        if (readerDone) {
            advanceReadSegment(); // the finished segment is fully consumed: delete it now, not at the next read
        }
        syncLoggingFailure();
        writer.abort(); // nothing is buffered after the flush: this just closes the finished segment
    }

    // ------------------------------------------------------------------ reading

    /** The next record, consumed; null when the queue is empty. */
    public byte[] read() throws IOException {
        checkOpen();
        byte[] rec = readRecord();
        afterRead();
        return rec;
    }

    /** Up to {@code max} records, consumed, in order; empty when the queue is. */
    public List<byte[]> read(int max) throws IOException {
        checkOpen();
        if (max <= 0) {
            throw new IllegalArgumentException("max must be > 0, got " + max);
        }
        List<byte[]> out = new ArrayList<>((int) Math.max(1, Math.min(max, Math.min(depth, 1024))));
        for (int i = 0; i < max; i++) {
            byte[] rec = readRecord();
            if (rec == null) {
                break;
            }
            out.add(rec);
        }
        afterRead();
        return out;
    }

    private void afterRead() {
        if (readFileNum == writeFileNum && readPos == writePos) {
            reader.releaseBuffer(); // caught up: an idle queue keeps no read-ahead memory
        }
        maybeSync();
    }

    /**
     * The next record, consumed, or null at the tail. Does not throw: a segment that cannot be opened or
     * parsed is set aside (§2.6), so records already taken by a read(max) are never lost to an exception.
     */
    private byte[] readRecord() {
        while (true) {
            if (readFileNum > writeFileNum || (readFileNum == writeFileNum && readPos >= writePos)) {
                checkTailCorruption(); // also after a bad segment made the reader jump to the writer
                return null;
            }
            try {
                if (!reader.isOpen()) {
                    reader.open(files.segment(readFileNum), readPos);
                }
                // a finished segment ends at its real size (it may hold records written after the last
                // metadata sync); the write segment ends at writePos
                long limit = readFileNum < writeFileNum ? reader.finishedSize() : writePos;
                if (readPos >= limit) {
                    advanceReadSegment();
                    continue;
                }
                byte[] rec = reader.next(limit, opts.minMsgSize(), opts.maxMsgSize());
                readPos += 4L + rec.length;
                depth--;
                opsSinceSync++;
                if (readFileNum < writeFileNum && readPos >= limit) {
                    advanceReadSegment();
                }
                checkTailCorruption();
                return rec;
            } catch (NoSuchFileException e) {
                log.error("DISKQUEUE({}) segment {} is missing, skipping it", files.name(),
                        files.segmentName(readFileNum));
                handleReadError();
            } catch (IOException e) {
                log.error("DISKQUEUE({}) reading at {} of {} - {}", files.name(), readPos,
                        files.segmentName(readFileNum), e.getMessage());
                handleReadError();
            }
        }
    }

    /** The reader left a finished segment: delete it and move on (go-diskqueue's moveForward). */
    private void advanceReadSegment() {
        reader.close();
        Path done = files.segment(readFileNum);
        try {
            Files.deleteIfExists(done);
        } catch (IOException e) {
            log.error("DISKQUEUE({}) failed to remove {} - {}", files.name(), done, e.toString());
        }
        readFileNum++;
        readPos = 0;
        needSync = true;
    }

    /**
     * nsq-disk-queue.md §2.6: set the unreadable segment aside as {@code .bad} and continue with the
     * next one; if it is also the write segment, the writer moves on too.
     */
    private void handleReadError() {
        reader.close();
        if (readFileNum == writeFileNum) {
            writer.abort(); // nothing is buffered between calls: this just closes it
            writeFileNum++;
            writePos = 0;
        }
        Path bad = files.segment(readFileNum);
        Path badRename = files.badSegment(readFileNum);
        if (Files.exists(bad)) {
            log.warn("DISKQUEUE({}) jump to next file and saving bad file as {}", files.name(),
                    badRename.getFileName());
            try {
                Files.move(bad, badRename, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                log.error("DISKQUEUE({}) failed to rename bad diskqueue file {} to {} - {}", files.name(),
                        bad.getFileName(), badRename.getFileName(), e.toString());
            }
        }
        readFileNum++;
        readPos = 0;
        needSync = true;
    }

    /** When the reader has caught up with the writer, whatever depth remains is drift: reset it. */
    private void checkTailCorruption() {
        if (readFileNum < writeFileNum || (readFileNum == writeFileNum && readPos < writePos)) {
            return;
        }
        if (depth != 0) {
            if (depth < 0) {
                log.error("DISKQUEUE({}) negative depth at tail ({}), metadata corruption, resetting 0...",
                        files.name(), depth);
            } else {
                log.error("DISKQUEUE({}) positive depth at tail ({}), data loss, resetting 0...",
                        files.name(), depth);
            }
            depth = 0;
            needSync = true;
        }
        if (readFileNum != writeFileNum || readPos != writePos) {
            log.error("DISKQUEUE({}) read position {},{} past write position {},{}, corruption, "
                    + "skipping to next writeFileNum and resetting 0...", files.name(), readFileNum, readPos,
                    writeFileNum, writePos);
            skipToNextRWFile();
            needSync = true;
        }
    }

    // ------------------------------------------------------------------ whole-queue operations

    /** Records stored and not yet read. */
    public long depth() {
        return depth;
    }

    /** Drops every record (segment files are deleted) and persists the empty state. */
    public void empty() throws IOException {
        checkOpen();
        awaitBackgroundSync();
        log.info("DISKQUEUE({}): emptying", files.name());
        IOException err = skipToNextRWFile();
        sync();
        if (err != null) {
            throw err;
        }
    }

    /**
     * Closes and removes the segments and metadata of this queue. Segments set aside as {@code .bad}
     * are kept for the operator, as nsqd keeps them.
     */
    public void delete() throws IOException {
        if (closed) {
            return;
        }
        log.info("DISKQUEUE({}): deleting", files.name());
        awaitBackgroundSync();
        closed = true;
        reader.close();
        writer.abort();
        TreeSet<Long> nums = files.existingSegments();
        for (long n = readFileNum; n <= writeFileNum; n++) {
            nums.add(n);
        }
        for (long n : nums) {
            Files.deleteIfExists(files.segment(n));
        }
        Files.deleteIfExists(files.meta());
        for (Path tmp : files.staleMetaTmpFiles()) {
            Files.deleteIfExists(tmp);
        }
        FileOps.fsyncDirectory(files.dir());
    }

    /**
     * Lets the periodic syncs (every syncEvery reads + writes) run on {@code executor} while writes
     * and reads go on, one at a time: the lane no longer waits two fsyncs per 2,500 messages. The
     * metadata a background sync writes describes only data it fsynced first. Explicit syncs, rolls,
     * close, empty and delete still sync inline, after waiting for a background one. What a crash
     * can lose grows by what is written during one fsync, in the memory-first level only.
     */
    public void syncInBackground(java.util.concurrent.Executor executor) {
        this.syncExecutor = executor;
    }

    private void awaitBackgroundSync() {
        java.util.concurrent.CompletableFuture<Void> pending = backgroundSync;
        if (pending != null) {
            pending.join(); // never completes exceptionally: failures are recorded, not thrown
            backgroundSync = null;
        }
        takeBackgroundSyncError();
    }

    private void takeBackgroundSyncError() {
        if (backgroundSyncError != null) {
            backgroundSyncError = null;
            needSync = true;
            dirtyDirectory = true;
            writer.markUnforced();
        }
    }

    private void startBackgroundSync() {
        if (backgroundSync != null && !backgroundSync.isDone()) {
            return; // one at a time; the count keeps growing and the next call tries again
        }
        backgroundSync = null;
        try {
            writer.flush();
        } catch (IOException e) {
            log.error("DISKQUEUE({}) failed to flush before a sync - {}", files.name(), e.toString());
            needSync = true;
            return;
        }
        java.nio.channels.FileChannel segment = writer.channelForBackgroundSync();
        byte[] meta = new QueueMeta(depth, readFileNum, readPos, writeFileNum, writePos).format();
        boolean syncDirectory = dirtyDirectory;
        dirtyDirectory = false;
        opsSinceSync = 0;
        Path metaFile = files.meta();
        backgroundSync = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                if (segment != null) {
                    segment.force(false);
                }
                FileOps.atomicWrite(metaFile, meta, syncDirectory);
            } catch (IOException | RuntimeException e) {
                log.error("DISKQUEUE({}) background sync failed - {}", files.name(), e.toString());
                backgroundSyncError = e.toString();
            }
        }, syncExecutor);
    }

    /** fsync of the write segment (when it changed), then an atomic metadata replace. */
    public void sync() throws IOException {
        checkOpen();
        awaitBackgroundSync();
        writer.flush();
        writer.force();
        // the directory is fsynced only when a segment or the metadata file is new: that fsync was a
        // third of every sync's cost, and replacing an existing metadata file needs no new entry
        FileOps.atomicWrite(files.meta(), new QueueMeta(depth, readFileNum, readPos, writeFileNum, writePos).format(),
                dirtyDirectory);
        dirtyDirectory = false;
        opsSinceSync = 0;
        needSync = false;
    }

    /** For the owner's --sync-timeout timer: syncs only if anything happened since the last sync. */
    public void syncIfDirty() throws IOException {
        checkOpen();
        if (opsSinceSync > 0 || needSync) {
            sync();
        }
    }

    /** Flushes, fsyncs the data and writes the metadata. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        log.info("DISKQUEUE({}): closing", files.name());
        awaitBackgroundSync();
        try {
            sync();
        } finally {
            closed = true;
            reader.close();
            writer.abort();
        }
    }

    public String name() {
        return files.name();
    }

    @Override
    public String toString() {
        return "DiskQueue[" + files.name() + " depth=" + depth + " read=" + readFileNum + "," + readPos
                + " write=" + writeFileNum + "," + writePos + "]";
    }

    private void maybeSync() {
        takeBackgroundSyncError();
        if (needSync || opsSinceSync >= opts.syncEvery()) {
            if (syncExecutor == null || needSync) {
                syncLoggingFailure();
            } else {
                startBackgroundSync();
            }
        }
    }

    /**
     * A sync that follows a successful put or read must not fail it: the records are written, or already
     * consumed and handed to the caller. As go-diskqueue does, log and try again at the next occasion.
     */
    private void syncLoggingFailure() {
        try {
            sync();
        } catch (IOException e) {
            log.error("DISKQUEUE({}) failed to sync - {}", files.name(), e.toString());
            needSync = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("DISKQUEUE(" + files.name() + ") is closed");
        }
    }

    /** Deletes segments readFileNum..writeFileNum and jumps both positions to a fresh segment. */
    private IOException skipToNextRWFile() {
        reader.close();
        writer.abort();
        IOException err = null;
        for (long n = readFileNum; n <= writeFileNum; n++) {
            try {
                Files.deleteIfExists(files.segment(n));
            } catch (IOException e) {
                log.error("DISKQUEUE({}) failed to remove data file - {}", files.name(), e.toString());
                err = e;
            }
        }
        writeFileNum++;
        writePos = 0;
        readFileNum = writeFileNum;
        readPos = 0;
        depth = 0;
        return err;
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        QueueRecovery.Resumed resumed = QueueRecovery.resume(files, opts);
        QueueMeta m = resumed.position();
        depth = m.depth();
        readFileNum = m.readFileNum();
        readPos = m.readPos();
        writeFileNum = m.writeFileNum();
        writePos = m.writePos();
        checkTailCorruption();
        if (resumed.changed() || needSync) {
            sync();
        }
        log.info("DISKQUEUE({}) opened: depth={} read={},{} write={},{}", files.name(), depth, readFileNum,
                readPos, writeFileNum, writePos);
    }
}
