package io.nodeq.daemon.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's log (storage.md §2): {@link LogRecord}s appended only, with dense seqs, split into
 * segment files {@code <dir>/<20-digit seq of the first record>.seg}; Kafka's layout, with the sparse
 * offset index kept in memory (rebuilt by scanning) instead of in a side file.
 * <p>
 * Owned by its shard's disk lane: not thread-safe, every call blocks on file IO.
 * <p>
 * Recovery at open: the last segment is validated record by record (length bounds, version, CRC32C,
 * seq = the previous + 1) and a torn or corrupt tail is cut off, in one warn line; zeros from the
 * last record to the end of the file are the preallocated space of {@link #preallocate(boolean)}, the
 * log's clean end, kept without a word. Older segments are trusted, and a bad record met later while
 * reading one of them is logged and the rest of that segment skipped. A missing segment leaves a gap
 * that reads jump over. The active (last) segment is never deleted, so its name keeps
 * {@link #nextSeq()} across restarts even when it is empty.
 */
public final class TopicLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicLog.class);
    private static final int MIN_READ = 4096;
    /**
     * One read buffer per disk-lane thread, shared by every log the lane owns: a buffer per log would
     * cost a MiB per topic. Safe because a lane runs one call at a time and a batch is copied out.
     */
    private static final ThreadLocal<byte[][]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new byte[][]{new byte[0]});
    private static final int SCAN_CHUNK = 1 << 20;
    private static final int RECENT = 8;
    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];
    /** What preallocation writes, shared read-only by every lane (a direct buffer: written without a copy). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 << 10).asReadOnlyBuffer();
    /**
     * A fill covers the append that needs it plus as much again as the segment holds, within these
     * bounds: a topic that got a few messages keeps a small zero tail; a busy one pays one fsync of
     * the file's size per MiB. Filling costs about 1.3 ms per MiB on this class of disk, on the lane.
     */
    static final long MIN_FILL = 64 << 10;
    static final long MAX_FILL = 1 << 20;
    private static final long PAGE = 4096;

    public record LogOptions(long maxBytesPerFile, int maxRecordSize, FileLayer files) {
        public LogOptions {
            Objects.requireNonNull(files, "files");
            if (maxBytesPerFile <= 0) {
                throw new IllegalArgumentException("maxBytesPerFile must be > 0, got " + maxBytesPerFile);
            }
            if (maxRecordSize < LogRecord.HEADER) {
                throw new IllegalArgumentException("maxRecordSize must be >= " + LogRecord.HEADER + ", got " + maxRecordSize);
            }
        }

        /** Records of bodies up to {@code maxBodySize} (the daemon's --max-msg-size). */
        public static LogOptions of(long maxBytesPerFile, int maxBodySize) {
            return new LogOptions(maxBytesPerFile, LogRecord.size(maxBodySize), FileLayer.DEFAULT);
        }

        public LogOptions withFiles(FileLayer value) {
            return new LogOptions(maxBytesPerFile, maxRecordSize, value);
        }
    }

    /**
     * Whole encoded records back to back: the bytes of {@code bytes} from its position to its
     * limit, kept as a view of its own (position 0, big-endian) so the caller's buffer is never
     * moved. A direct buffer (a hot-tail slab) is written by the channel as it is; a heap one is
     * copied into a temporary direct buffer by the JDK first.
     */
    public record Region(ByteBuffer bytes) {
        public Region {
            bytes = bytes.slice();
        }

        /** A slice of an array. */
        public Region(byte[] array, int offset, int length) {
            this(ByteBuffer.wrap(array, Objects.checkFromIndexSize(offset, length, array.length), length));
        }

        public static Region of(byte[] array) {
            return new Region(array, 0, array.length);
        }

        public int length() {
            return bytes.limit();
        }
    }

    /** Whole records back to back in {@code bytes}; record i starts at {@code offsets[i]}. The caller owns it. */
    public record ReadBatch(byte[] bytes, int[] offsets, int count) {
        public long firstSeq() {
            return LogRecord.seq(bytes, offsets[0]);
        }

        public long lastSeq() {
            return LogRecord.seq(bytes, offsets[count - 1]);
        }
    }

    private final Path dir;
    private final LogOptions opts;
    private final FileLayer files;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** The last segment; null only while the directory holds none (a new log). */
    private Segment active;
    private long nextSeq;
    private long sizeBytes;
    /** Segments rolled away from with data not yet forced. */
    private final List<Segment> unforced = new ArrayList<>(2);
    private boolean dirDirty;
    private final NewDirs newDirs = new NewDirs();
    private boolean preallocating;
    /** A fill failed and was logged; cleared by the next one that succeeds. */
    private boolean fillFailed;

    private final ArrayList<ByteBuffer> writeBufs = new ArrayList<>();
    /** Segments created by the append in progress (removed again if it fails). */
    private final ArrayList<Segment> created = new ArrayList<>(1);
    /** The lane's read buffer, valid during a call (see {@link #ensureScratch}). */
    private byte[] scratch;
    private int[] offsetsScratch = new int[64];

    // where recent reads ended: the next read of a sequential reader starts there without a search
    private final long[] recentSeq = new long[RECENT];
    private final Segment[] recentSeg = new Segment[RECENT];
    private final long[] recentPos = new long[RECENT];
    private int recentNext;

    /** Segments whose corruption or following gap was already logged. */
    private final Set<Long> reported = new HashSet<>();

    private TopicLog(Path dir, LogOptions opts) {
        this.dir = dir;
        this.opts = opts;
        this.files = opts.files();
    }

    public static TopicLog open(Path dir, LogOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        TopicLog l = new TopicLog(dir, options);
        l.load();
        return l;
    }

    private void load() throws IOException {
        newDirs.create(files, dir);
        for (Path p : files.list(dir)) {
            long base = Segment.parseName(p.getFileName().toString());
            if (base >= 0) {
                segments.put(base, new Segment(p, base, Files.size(p)));
            }
        }
        if (segments.isEmpty()) {
            nextSeq = 0;
            return;
        }
        for (Segment s : segments.values()) {
            sizeBytes += s.size;
        }
        active = segments.lastEntry().getValue();
        active.channel = files.open(active.path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        recoverActive();
    }

    /** Validates the last segment record by record and cuts a torn or corrupt tail. */
    private void recoverActive() throws IOException {
        Segment seg = active;
        long fileSize = seg.channel.size();
        long pos = 0;
        long expect = seg.baseSeq;
        String why = null;
        ensureScratch(Math.max(SCAN_CHUNK, opts.maxRecordSize()));
        scan:
        while (pos < fileSize) {
            int n = fill(seg.channel, pos, (int) Math.min(scratch.length, fileSize - pos));
            int p = 0;
            while (true) {
                if (n - p < LogRecord.HEADER) {
                    if (pos + p + (n - p) >= fileSize) {
                        if (n > p) {
                            why = "torn record";
                        }
                        pos += p;
                        break scan;
                    }
                    break;
                }
                int size = LogRecord.recordSize(scratch, p);
                if (!LogRecord.plausibleHeader(scratch, p, opts.maxRecordSize())) {
                    why = "bad record header";
                    pos += p;
                    break scan;
                }
                if (p + size > n) {
                    if (pos + p + size > fileSize) {
                        why = "torn record";
                        pos += p;
                        break scan;
                    }
                    break;
                }
                if (!LogRecord.valid(scratch, p, n - p, opts.maxRecordSize())) {
                    why = "CRC mismatch";
                    pos += p;
                    break scan;
                }
                long seq = LogRecord.seq(scratch, p);
                if (seq != expect) {
                    why = "seq " + seq + " where " + expect + " was expected";
                    pos += p;
                    break scan;
                }
                seg.noteRecord(pos + p, seq, size);
                expect++;
                p += size;
            }
            pos += p;
        }
        if (pos < fileSize) {
            if (zeros(seg.channel, pos, fileSize)) {
                seg.allocated = fileSize; // preallocated: kept for the appends to come
            } else {
                // cut, not zeroed: what follows could hold records of the lost tail whose seqs new
                // appends reuse, and a later scan must never run on into them
                log.warn("log {}: {} at offset {}: cut {} bytes (records from seq {} on)", seg.path,
                        why == null ? "torn record" : why, pos, fileSize - pos, expect);
                seg.channel.truncate(pos);
                seg.channel.force(true);
                seg.allocated = pos;
            }
            sizeBytes -= fileSize - pos;
        }
        seg.size = pos;
        seg.channel.position(pos);
        nextSeq = expect;
    }

    /** Whether [from, to) of the file holds zeros only (read into the lane's scratch buffer). */
    private boolean zeros(FileChannel ch, long from, long to) throws IOException {
        for (long pos = from; pos < to; ) {
            int n = fill(ch, pos, (int) Math.min(scratch.length, to - pos));
            if (n <= 0 || !zeros(scratch, 0, n)) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Oldest record present; {@link #nextSeq()} when the log is empty. */
    public long firstSeq() {
        return segments.isEmpty() ? nextSeq : segments.firstKey();
    }

    public long nextSeq() {
        return nextSeq;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** The seq each segment file starts at (its name), oldest first. */
    public long[] segmentBases() {
        long[] out = new long[segments.size()];
        int i = 0;
        for (long base : segments.keySet()) {
            out[i++] = base;
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    // ------------------------------------------------------------------ appending

    /**
     * Whether appends zero-fill the active segment ahead of themselves (in fills of {@link #MIN_FILL}
     * to {@link #MAX_FILL}, each fsynced once). For a log forced after every append (a durable topic's
     * group commit): an fsync that has to commit a new file size costs about twice one that only
     * overwrites blocks already allocated and synced (ext4, measured: 48 KiB + fdatasync, p50 0.26 vs
     * 0.13 ms), so the fill pays the size commit once per fill instead of once per group commit. A
     * memory-first topic syncs a batch every --sync-every messages, off its publishers' path: the
     * fill would only double what it writes. The zeros past the last record are the log's end to a
     * restart; rolled segments are trimmed to their records.
     */
    public void preallocate(boolean on) {
        preallocating = on;
    }

    /**
     * Appends whole encoded records, already carrying consecutive seqs from {@link #nextSeq()} on, with
     * one gathering write per touched segment. All or nothing: on IOException the segments are cut back
     * and nextSeq is unchanged, so a later append may succeed (a full disk that got space back).
     * Rolls to a new segment before a record that would take the active one past maxBytesPerFile.
     */
    public void append(List<Region> regions) throws IOException {
        long count = validate(regions);
        if (count == 0) {
            return;
        }
        Segment first = active;
        long[] firstMark = first == null ? null : first.mark();
        boolean firstWasDirty = first != null && first.dirty;
        long seqBefore = nextSeq;
        long sizeBefore = sizeBytes;
        int unforcedBefore = unforced.size();
        List<Segment> created = this.created;
        created.clear();
        try {
            if (first != null && first.needsTruncate) {
                first.channel.truncate(first.size);
                first.allocated = first.size;
                first.needsTruncate = false;
            }
            if (active == null) {
                created.add(newSegment(nextSeq));
            }
            writeAll(regions, created);
        } catch (IOException | RuntimeException e) {
            rollback(first, firstMark, firstWasDirty, created, seqBefore, sizeBefore, unforcedBefore, e);
            throw e;
        } finally {
            writeBufs.clear();
            created.clear();
        }
    }

    /** Checks record boundaries, sizes and seqs; returns the number of records. */
    private long validate(List<Region> regions) {
        long expect = nextSeq;
        for (Region r : regions) {
            ByteBuffer a = r.bytes();
            int off = 0;
            int end = r.length();
            while (off < end) {
                if (end - off < LogRecord.HEADER) {
                    throw new IllegalArgumentException("region ends inside a record header at " + off);
                }
                int size = LogRecord.recordSize(a, off);
                if (size < LogRecord.HEADER || size > opts.maxRecordSize() || size > end - off) {
                    throw new IllegalArgumentException("bad record size " + size + " at " + off);
                }
                long seq = LogRecord.seq(a, off);
                if (seq != expect) {
                    throw new IllegalArgumentException("record seq " + seq + ", expected " + expect);
                }
                expect++;
                off += size;
            }
        }
        return expect - nextSeq;
    }

    private void writeAll(List<Region> regions, List<Segment> created) throws IOException {
        Segment seg = active;
        long segSize = seg.size;
        for (Region r : regions) {
            ByteBuffer a = r.bytes();
            int off = 0;
            int end = r.length();
            int sliceStart = off;
            while (off < end) {
                int size = LogRecord.recordSize(a, off);
                long seq = LogRecord.seq(a, off);
                if (segSize > 0 && segSize + size > opts.maxBytesPerFile()) {
                    if (off > sliceStart) {
                        writeBufs.add(a.slice(sliceStart, off - sliceStart));
                    }
                    sliceStart = off;
                    flush(seg);
                    seg = roll(seq, created);
                    segSize = 0;
                }
                seg.noteRecord(segSize, seq, size);
                segSize += size;
                off += size;
                nextSeq = seq + 1;
            }
            if (end > sliceStart) {
                writeBufs.add(a.slice(sliceStart, end - sliceStart));
            }
        }
        flush(seg);
    }

    /** One gathering write of {@link #writeBufs} at the end of {@code seg}. */
    private void flush(Segment seg) throws IOException {
        if (writeBufs.isEmpty()) {
            return;
        }
        ByteBuffer[] bufs = writeBufs.toArray(NO_BUFFERS);
        writeBufs.clear();
        long total = 0;
        for (ByteBuffer b : bufs) {
            total += b.remaining();
        }
        if (preallocating && seg.size + total > seg.allocated) {
            preallocate(seg, seg.size + total);
        }
        FileChannel ch = seg.channel;
        long left = total;
        int i = 0;
        seg.dirty = true;
        seg.writes++;
        while (left > 0) {
            long n = ch.write(bufs, i, bufs.length - i);
            left -= n;
            while (i < bufs.length && !bufs[i].hasRemaining()) {
                i++;
            }
        }
        seg.size += total;
        seg.allocated = Math.max(seg.allocated, seg.size);
        sizeBytes += total;
    }

    /**
     * Zero-fills {@code seg}'s file from its allocated end to past {@code need} (never past
     * maxBytesPerFile) and fsyncs it. A fill that fails (a full disk) is logged once and the append
     * goes on without it: it fits in what the fill got or it fails as it would have anyway, so a
     * publish is refused exactly when the disk cannot take its records.
     */
    private void preallocate(Segment seg, long need) {
        long chunk = Math.min(MAX_FILL, Math.max(MIN_FILL, need));
        long target = Math.min((need + chunk + PAGE - 1) / PAGE * PAGE, Math.max(need, opts.maxBytesPerFile()));
        if (target <= need) {
            return; // the last records of a full segment
        }
        long pos = seg.allocated;
        try {
            while (pos < target) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), target - pos));
                pos += seg.channel.write(z, pos);
            }
            seg.channel.force(false);
            fillFailed = false;
        } catch (IOException e) {
            if (!fillFailed) {
                fillFailed = true;
                log.warn("log {}: could not preallocate {} bytes at offset {} ({}): appending without", seg.path,
                        target - seg.allocated, seg.allocated, e.toString());
            }
        }
        // what was written is zeros either way; unsynced, a later fsync of the file commits it
        seg.allocated = pos;
    }

    private Segment roll(long base, List<Segment> created) throws IOException {
        Segment old = active;
        if (old.allocated > old.size) {
            // an older segment is as long as its records: a restart sizes older segments by their
            // files (should this trim not reach the disk before a crash, reads stop quietly at the zeros)
            old.channel.truncate(old.size);
            old.allocated = old.size;
            old.dirty = true;
            old.writes++;
        }
        if (old.dirty) {
            unforced.add(old);
        }
        Segment s = newSegment(base);
        created.add(s);
        return s;
    }

    private Segment newSegment(long base) throws IOException {
        Path p = dir.resolve(Segment.fileName(base));
        Segment s = new Segment(p, base, 0);
        // a file of that name is the rest of an append that failed and could not be removed: not data
        s.channel = files.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        segments.put(base, s);
        active = s;
        dirDirty = true;
        return s;
    }

    private void rollback(Segment first, long[] firstMark, boolean firstWasDirty, List<Segment> created,
                          long seqBefore, long sizeBefore, int unforcedBefore, Throwable cause) {
        for (Segment s : created) {
            segments.remove(s.baseSeq);
            s.deleted = true;
            try {
                // emptied first: should the delete fail, restart must not find the failed records
                s.channel.truncate(0);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
            try {
                s.closeChannel();
                files.delete(s.path);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
        while (unforced.size() > unforcedBefore) {
            unforced.remove(unforced.size() - 1);
        }
        if (first != null) {
            first.rollback(firstMark);
            first.dirty = firstWasDirty;
            try {
                // cut, not zeroed: the refused records must not come back at a restart, and zeroing
                // could fail for the very reason the append did
                first.channel.truncate(first.size);
            } catch (IOException e) {
                first.needsTruncate = true;
                cause.addSuppressed(e);
            }
            first.allocated = first.size;
        }
        active = first;
        nextSeq = seqBefore;
        sizeBytes = sizeBefore;
    }

    // ------------------------------------------------------------------ syncing

    public boolean dirty() {
        return dirDirty || newDirs.pending() || !unforced.isEmpty() || (active != null && active.dirty);
    }

    /** fsyncs what append wrote since the last force: rolled segments, the active one, the directory. */
    public void force() throws IOException {
        while (!unforced.isEmpty()) {
            Segment s = unforced.get(0);
            if (!s.deleted && s.channel != null) {
                s.channel.force(false);
            }
            s.dirty = false;
            unforced.remove(0);
        }
        if (active != null && active.dirty) {
            active.channel.force(false);
            active.dirty = false;
        }
        forceDirectories();
    }

    /**
     * Adds what {@link #force} would fsync of the records (rolled segments not yet forced, the active
     * one when written) to a background sync; directory entries are not in it ({@link #forceDirectories}).
     */
    public void addTo(BackgroundSync sync) {
        List<Segment> segs = new ArrayList<>(unforced);
        if (active != null && active.dirty && !segs.contains(active)) {
            segs.add(active);
        }
        for (Segment s : segs) {
            if (s.deleted || s.channel == null) {
                continue;
            }
            long writes = s.writes;
            sync.add(s.channel, () -> {
                if (s.writes == writes) {
                    s.dirty = false;
                    if (s != active) {
                        unforced.remove(s);
                    }
                }
            });
        }
    }

    /** fsyncs the directory entries of segments made or deleted since the last force (not their data). */
    public void forceDirectories() throws IOException {
        newDirs.sync(files);
        if (dirDirty) {
            files.fsyncDirectory(dir);
            dirDirty = false;
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Up to {@code maxRecords} records (and about {@code maxBytes}, at least one record) from the first
     * record with seq >= {@code fromSeq}; null when there is none. Reads one buffer of about maxBytes
     * from one segment (several only to skip what precedes fromSeq, a bad record or a gap).
     */
    public ReadBatch read(long fromSeq, int maxRecords, int maxBytes) throws IOException {
        if (maxRecords <= 0) {
            throw new IllegalArgumentException("maxRecords must be > 0");
        }
        if (active == null || fromSeq >= nextSeq) {
            return null;
        }
        long want = Math.max(fromSeq, firstSeq());
        Segment seg;
        long pos;
        int slot = findRecent(want);
        if (slot >= 0) {
            seg = recentSeg[slot];
            pos = recentPos[slot];
        } else {
            Map.Entry<Long, Segment> e = segments.floorEntry(want);
            seg = e != null ? e.getValue() : segments.firstEntry().getValue();
            pos = seg.floorPosition(want);
        }
        int chunk = readChunk(maxRecords, maxBytes);
        while (true) {
            if (seg.channel == null) {
                seg.channel = files.open(seg.path, Set.of(StandardOpenOption.READ));
            }
            long end = seg.readEnd();
            if (pos >= end) {
                Map.Entry<Long, Segment> next = segments.higherEntry(seg.baseSeq);
                if (next == null) {
                    return null;
                }
                checkGap(seg, next.getValue());
                seg = next.getValue();
                pos = 0;
                continue;
            }
            int n = fill(seg, pos, (int) Math.min(chunk, end - pos));
            int p = 0;
            int count = 0;
            int start = 0;
            boolean bad = false;
            while (n - p >= LogRecord.HEADER) {
                int size = LogRecord.recordSize(scratch, p);
                if (!LogRecord.plausibleHeader(scratch, p, opts.maxRecordSize()) || pos + p + size > end) {
                    bad = true;
                    break;
                }
                if (p + size > n) {
                    break;
                }
                if (!LogRecord.valid(scratch, p, n - p, opts.maxRecordSize())) {
                    bad = true;
                    break;
                }
                long seq = LogRecord.seq(scratch, p);
                seg.noteRecord(pos + p, seq, size);
                if (seq >= want) {
                    if (count == 0) {
                        start = p;
                    } else if (count >= maxRecords || p + size - start > maxBytes) {
                        break;
                    }
                    if (count == offsetsScratch.length) {
                        offsetsScratch = Arrays.copyOf(offsetsScratch, count * 2);
                    }
                    offsetsScratch[count++] = p - start;
                }
                p += size;
            }
            if (count > 0) {
                // what follows a bad record is found (and reported) by the next read
                byte[] bytes = Arrays.copyOfRange(scratch, start, p);
                ReadBatch batch = new ReadBatch(bytes, Arrays.copyOf(offsetsScratch, count), count);
                remember(slot, batch.lastSeq() + 1, seg, pos + p);
                return batch;
            }
            if (!bad && p == 0 && n < LogRecord.HEADER) {
                bad = true; // fewer bytes than a header before the end of the segment
            }
            if (bad && seg != active && zeros(scratch, p, n) && zeros(seg.channel, pos + n, end)) {
                zeroTail(seg, pos + p);
                pos = seg.size;
            } else if (bad) {
                corrupt(seg, pos + p);
                pos = end;
            } else if (p == 0) {
                // one record larger than the chunk
                chunk = Math.max(chunk, LogRecord.recordSize(scratch, 0));
            } else {
                pos += p;
            }
        }
    }

    private void corrupt(Segment seg, long offset) {
        seg.corruptAt = offset;
        if (reported.add(seg.baseSeq)) {
            log.warn("log {}: bad record at offset {}: the rest of the segment ({} bytes) is skipped",
                    seg.path, offset, seg.size - offset);
        }
    }

    /**
     * An older segment whose records end in zeros: its preallocated tail, not trimmed on disk before
     * a crash (see {@link #roll}). Its records end there, without a warning.
     */
    private void zeroTail(Segment seg, long offset) {
        sizeBytes -= seg.size - offset;
        seg.size = offset;
        seg.allocated = offset;
    }

    private void checkGap(Segment seg, Segment next) {
        if (seg.corruptAt < 0 && seg.fullyScanned() && seg.lastScannedSeq >= 0
                && next.baseSeq > seg.lastScannedSeq + 1 && reported.add(seg.baseSeq)) {
            log.warn("log {}: seqs {} to {} are missing (no segment holds them): skipped", dir,
                    seg.lastScannedSeq + 1, next.baseSeq - 1);
        }
    }

    private int findRecent(long seq) {
        for (int i = 0; i < RECENT; i++) {
            Segment s = recentSeg[i];
            if (s != null && recentSeq[i] == seq) {
                if (s.deleted) {
                    recentSeg[i] = null;
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    private void remember(int slot, long seq, Segment seg, long pos) {
        int i = slot;
        if (i < 0) {
            i = recentNext;
            recentNext = (recentNext + 1) % RECENT;
        }
        recentSeq[i] = seq;
        recentSeg[i] = seg;
        recentPos[i] = pos;
    }

    /** Reads {@code want} bytes (fewer at end of file) of {@code seg} at {@code pos} into scratch[0..]. */
    private int fill(Segment seg, long pos, int want) throws IOException {
        ensureScratch(want);
        return fill(seg.channel, pos, want);
    }

    private int fill(FileChannel ch, long pos, int want) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(scratch, 0, want);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                break;
            }
        }
        return buf.position();
    }

    private void ensureScratch(int size) {
        byte[][] holder = LANE_SCRATCH.get();
        if (holder[0].length < size) {
            holder[0] = new byte[size];
        }
        scratch = holder[0];
    }

    /** How much to read for maxRecords: about their size at the log's mean record size, within maxBytes. */
    private int readChunk(int maxRecords, int maxBytes) {
        long bytes = maxBytes;
        long records = nextSeq - firstSeq();
        if (records > 0 && sizeBytes > 0) {
            long mean = sizeBytes / records + 1;
            bytes = Math.min(bytes, mean * maxRecords * 5 / 4 + LogRecord.HEADER);
        }
        return (int) Math.max(MIN_READ, Math.min(bytes, Integer.MAX_VALUE - 64));
    }

    // ------------------------------------------------------------------ deleting

    /** Deletes whole segments whose records are all < seq, never the active one; returns how many. */
    public int deleteBefore(long seq) throws IOException {
        return deleteBefore(seq, Long.MAX_VALUE);
    }

    /**
     * Deletes whole segments whose records are all < seq and whose newest record is stamped before
     * {@code olderThanNs} (a topic's retention; {@code Long.MAX_VALUE}: no time condition), oldest
     * first and never the active one; returns how many. Timestamps grow along the log, so the first
     * segment that is too new stops the pass.
     */
    public int deleteBefore(long seq, long olderThanNs) throws IOException {
        int n = 0;
        while (segments.size() > 1) {
            Map.Entry<Long, Segment> first = segments.firstEntry();
            long nextBase = segments.higherKey(first.getKey());
            if (nextBase > seq) {
                break;
            }
            if (olderThanNs != Long.MAX_VALUE && newestTimestamp(first.getValue(), nextBase) >= olderThanNs) {
                break;
            }
            Segment s = first.getValue();
            segments.remove(first.getKey());
            s.deleted = true;
            unforced.remove(s);
            s.closeChannel();
            files.delete(s.path);
            sizeBytes -= s.size;
            dirDirty = true;
            n++;
        }
        return n;
    }

    /**
     * The timestamp of the segment's newest record, or of a later one (never older): exact once the
     * segment was scanned to its end (written by this process, or read through), where the index
     * finds its last record in one small read; otherwise the first record of the next segment, so
     * that deciding never costs a scan of a whole segment. Exact values are kept (the segment no
     * longer changes).
     */
    private long newestTimestamp(Segment seg, long nextBase) throws IOException {
        if (seg.newestTimestampNs != Long.MIN_VALUE) {
            return seg.newestTimestampNs;
        }
        boolean exact = seg.fullyScanned() && seg.lastScannedSeq >= 0;
        ReadBatch b = read(exact ? seg.lastScannedSeq : nextBase, 1, 1);
        if (b == null) {
            return Long.MAX_VALUE; // nothing readable after it: keep it
        }
        long ts = LogRecord.timestampNs(Unpooled.wrappedBuffer(b.bytes()), b.offsets()[0]);
        if (exact && b.firstSeq() == seg.lastScannedSeq) {
            seg.newestTimestampNs = ts;
        }
        return ts;
    }

    /** The timestamp of the oldest readable record, or -1 when the log has none. */
    public long firstTimestamp() throws IOException {
        ReadBatch b = read(firstSeq(), 1, 1);
        return b == null ? -1 : LogRecord.timestampNs(Unpooled.wrappedBuffer(b.bytes()), b.offsets()[0]);
    }

    /** Removes every file and the directory; the log is unusable afterwards. */
    public void delete() throws IOException {
        close();
        for (Path p : files.list(dir)) {
            files.delete(p);
        }
        files.delete(dir);
        segments.clear();
        active = null;
        sizeBytes = 0;
    }

    /** Closes the files. Does not force: call {@link #force()} first for what must survive a power loss. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Segment s : segments.values()) {
            try {
                s.closeChannel();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        unforced.clear();
        Arrays.fill(recentSeg, null);
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "TopicLog[" + dir + ", " + firstSeq() + ".." + nextSeq + "]";
    }
}
