package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link DiskQueue} resumes after a stop, clean or not (nsq-disk-queue.md §2.6), from its metadata
 * and the segment files actually present. Stateless; runs on the opening thread.
 */
final class QueueRecovery {

    private static final Logger log = LoggerFactory.getLogger(DiskQueue.class);

    /** @param changed the positions differ from the metadata file, which should be rewritten */
    record Resumed(QueueMeta position, boolean changed) {
    }

    private QueueRecovery() {
    }

    static Resumed resume(QueueFiles files, DiskQueueOptions opts) throws IOException {
        for (Path tmp : files.staleMetaTmpFiles()) {
            Files.deleteIfExists(tmp);
        }
        TreeSet<Long> existing = files.existingSegments();
        QueueMeta meta = loadMeta(files);
        if (meta == null) {
            // never synced, or the metadata was lost: start at the oldest segment there is
            long first = existing.isEmpty() ? 0 : existing.first();
            meta = new QueueMeta(0, first, 0, first, 0);
        }
        long writeFileNum = meta.writeFileNum();
        long writePos = meta.writePos();
        long size = FileOps.sizeOrZero(files.segment(writeFileNum));
        long lastSegment = existing.isEmpty() ? -1 : existing.last();
        if (size == writePos && lastSegment <= writeFileNum) {
            return new Resumed(meta, false);
        }
        // writes happened after the last metadata sync (or the file is shorter than recorded): never write
        // over what is there, continue in a fresh segment; the reader salvages the old ones to their end.
        // Unlike go-diskqueue, count those records so the depth stays exact.
        long unrecorded = 0;
        if (size > writePos) {
            unrecorded += countRecords(files, opts, writeFileNum, writePos, size);
        }
        for (long n : existing.tailSet(writeFileNum + 1)) {
            unrecorded += countRecords(files, opts, n, 0, Files.size(files.segment(n)));
        }
        long next = Math.max(writeFileNum, lastSegment) + 1;
        log.warn("DISKQUEUE({}) {} metadata writePos {} != file size {}{}, skipping to new file {}; "
                + "{} records written after the last sync recovered", files.name(),
                files.segmentName(writeFileNum), writePos, size,
                lastSegment > writeFileNum ? " (later segments up to " + lastSegment + " exist)" : "",
                next, unrecorded);
        return new Resumed(new QueueMeta(meta.depth() + unrecorded, meta.readFileNum(), meta.readPos(), next, 0),
                true);
    }

    private static QueueMeta loadMeta(QueueFiles files) throws IOException {
        String text;
        try {
            text = Files.readString(files.meta(), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return QueueMeta.parse(text);
        } catch (RuntimeException e) {
            log.error("DISKQUEUE({}) failed to retrieveMetaData - unreadable {}: {}", files.name(),
                    files.meta().getFileName(), e.getMessage());
            return null;
        }
    }

    /** Whole valid records in [from, to) of a segment, stopping at the first that does not parse. */
    private static long countRecords(QueueFiles files, DiskQueueOptions opts, long fileNum, long from, long to)
            throws IOException {
        SegmentReader scan = new SegmentReader(SegmentReader.MAX_BUFFER);
        long n = 0;
        try {
            scan.open(files.segment(fileNum), from);
            while (scan.skip(to, opts.minMsgSize(), opts.maxMsgSize())) {
                n++;
            }
        } catch (CorruptSegmentException e) {
            log.warn("DISKQUEUE({}) {} does not parse after {} records: {}", files.name(),
                    files.segmentName(fileNum), n, e.getMessage());
        } finally {
            scan.close();
        }
        return n;
    }
}
