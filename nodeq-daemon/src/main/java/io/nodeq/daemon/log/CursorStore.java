package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.roaringbitmap.longlong.Roaring64NavigableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's cursor on disk (storage.md §3): {@code <channelsDir>/<channel>.journal}, the
 * {@link CursorEvents} appended since the last snapshot, and {@code <channel>.snapshot}, the state at
 * that snapshot ({@link CursorSnapshot}). Open loads the snapshot and replays the journal; a torn or
 * corrupt journal tail is cut off in one warn line, never failing startup.
 * <p>
 * Owned by its shard's disk lane: not thread-safe, every call blocks on file IO.
 */
public final class CursorStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CursorStore.class);

    /** A seq not finished and delivered {@code attempts} times, due again at dueEpochMs (0 = now). */
    public record Pending(int attempts, long dueEpochMs) {
    }

    /**
     * A channel's cursor: every seq below {@code ackFloor} is finished, {@code finished} holds the
     * finished seqs at or above it, {@code pending} the requeued ones (with attempts and due times),
     * every seq below {@code readSeq} was delivered at least once. The bitmap and map are mutable and
     * owned by whoever holds the state.
     */
    public record CursorState(long ackFloor, long readSeq, Roaring64NavigableMap finished,
                              NavigableMap<Long, Pending> pending) {

        public CursorState {
            Objects.requireNonNull(finished, "finished");
            Objects.requireNonNull(pending, "pending");
        }

        /** No state: a new channel (ackFloor -1). */
        public static CursorState empty() {
            return new CursorState(-1, 0, new Roaring64NavigableMap(), new TreeMap<>());
        }

        /** A channel that starts at {@code floor} with nothing finished or pending above it. */
        public static CursorState at(long floor) {
            return new CursorState(floor, floor, new Roaring64NavigableMap(), new TreeMap<>());
        }

        public boolean isNew() {
            return ackFloor < 0;
        }
    }

    private final Path journalPath;
    private final Path snapshotPath;
    private final Path dir;
    private final FileLayer files;
    private final CursorState recovered;
    private FileChannel journal;
    private long journalSize;
    private boolean dirty;
    /** Appends so far: a background fsync marks the journal clean only when none came after it began. */
    private long writes;
    private boolean dirDirty;
    private final NewDirs newDirs;
    private boolean needsTruncate;

    private CursorStore(Path dir, String channel, FileLayer files, CursorState recovered, FileChannel journal,
                        long journalSize, boolean dirDirty, NewDirs newDirs) {
        this.dir = dir;
        this.files = files;
        this.journalPath = journalPath(dir, channel);
        this.snapshotPath = snapshotPath(dir, channel);
        this.recovered = recovered;
        this.journal = journal;
        this.journalSize = journalSize;
        this.dirDirty = dirDirty;
        this.newDirs = newDirs;
    }

    static Path journalPath(Path dir, String channel) {
        return dir.resolve(channel + ".journal");
    }

    static Path snapshotPath(Path dir, String channel) {
        return dir.resolve(channel + ".snapshot");
    }

    /** Loads the snapshot and replays the journal; creates the directory and an empty journal when absent. */
    public static CursorStore open(Path channelsDir, String channel, FileLayer files) throws IOException {
        Objects.requireNonNull(files, "files");
        if (channel == null || channel.isEmpty() || channel.indexOf('/') >= 0 || channel.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("invalid channel name: " + channel);
        }
        NewDirs newDirs = new NewDirs();
        newDirs.create(files, channelsDir);
        Path snap = snapshotPath(channelsDir, channel);
        CursorState state = CursorState.empty();
        if (Files.exists(snap)) {
            byte[] bytes = readAll(files, snap);
            try {
                state = CursorSnapshot.decode(bytes);
            } catch (IllegalArgumentException e) {
                // written atomically, so this is the disk's doing: keep it for a look, go on from the journal
                Path aside = snap.resolveSibling(snap.getFileName() + ".corrupt");
                log.error("cursor {}: snapshot unreadable ({}), moved to {}; recovering from the journal alone",
                        snap, e.getMessage(), aside);
                files.move(snap, aside);
            }
        }
        Path jp = journalPath(channelsDir, channel);
        boolean created = !Files.exists(jp);
        FileChannel ch = files.open(jp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            long size = ch.size();
            byte[] bytes = readAll(ch, size);
            CursorReplay replay = new CursorReplay(state);
            int good = replay.apply(bytes, 0, bytes.length);
            if (good < bytes.length) {
                log.warn("cursor journal {}: torn or corrupt event at offset {}: cut {} bytes", jp, good,
                        bytes.length - good);
                ch.truncate(good);
                ch.force(true);
            }
            ch.position(good);
            return new CursorStore(channelsDir, channel, files, replay.state(), ch, good, created, newDirs);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static byte[] readAll(FileLayer files, Path p) throws IOException {
        try (FileChannel ch = files.open(p, Set.of(StandardOpenOption.READ))) {
            return readAll(ch, ch.size());
        }
    }

    private static byte[] readAll(FileChannel ch, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("cursor file too large: " + size + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining()) {
            if (ch.read(buf, buf.position()) < 0) {
                break;
            }
        }
        return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /** The state at open: the snapshot plus the journal. The caller owns its bitmap and map. */
    public CursorState recovered() {
        return recovered;
    }

    /** Appends encoded events; all or nothing (on IOException the journal is cut back). */
    public void append(byte[] events, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (needsTruncate) {
            journal.truncate(journalSize);
            needsTruncate = false;
        }
        ByteBuffer buf = ByteBuffer.wrap(events, off, len);
        try {
            while (buf.hasRemaining()) {
                journal.write(buf, journalSize + (buf.position() - off));
            }
        } catch (IOException e) {
            try {
                journal.truncate(journalSize);
            } catch (IOException t) {
                needsTruncate = true;
                e.addSuppressed(t);
            }
            throw e;
        }
        journalSize += len;
        dirty = true;
        writes++;
    }

    public void append(CursorEvents events) throws IOException {
        append(events.array(), 0, events.size());
    }

    public boolean dirty() {
        return dirty || dirDirty || newDirs.pending();
    }

    public void force() throws IOException {
        if (dirty) {
            journal.force(false);
            dirty = false;
        }
        forceDirectories();
    }

    /** Adds the journal's fsync to a background sync when it was written since the last force. */
    public void addTo(BackgroundSync sync) {
        if (!dirty) {
            return;
        }
        long at = writes;
        sync.add(journal, () -> {
            if (writes == at) {
                dirty = false;
            }
        });
    }

    /** fsyncs the directory entries of files made since the last force (not the journal's data). */
    public void forceDirectories() throws IOException {
        newDirs.sync(files);
        if (dirDirty) {
            files.fsyncDirectory(dir);
            dirDirty = false;
        }
    }

    public long journalBytes() {
        return journalSize;
    }

    /**
     * Writes {@code state} as the snapshot atomically (tmp, fsync, rename, directory fsync), then
     * empties the journal (fsynced, so old events never reappear after later ones). {@code state} must
     * be the channel's state after every event appended so far. A crash between the two steps replays
     * the old journal over the new snapshot, which changes nothing (see {@link CursorReplay}).
     */
    public void snapshot(CursorState state) throws IOException {
        files.atomicWrite(snapshotPath, CursorSnapshot.encode(state));
        newDirs.sync(files);
        journal.truncate(0);
        journal.force(true);
        journalSize = 0;
        needsTruncate = false;
        dirty = false;
        dirDirty = false;
    }

    /** Closes and removes both files. */
    public void delete() throws IOException {
        close();
        files.delete(journalPath);
        files.delete(snapshotPath);
    }

    @Override
    public void close() throws IOException {
        FileChannel ch = journal;
        journal = null;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return "CursorStore[" + journalPath + "]";
    }

    static String describe(CursorState s) {
        StringBuilder b = new StringBuilder("floor=").append(s.ackFloor()).append(" read=").append(s.readSeq())
                .append(" finished=").append(s.finished().getLongCardinality()).append(" pending={");
        for (Map.Entry<Long, Pending> e : s.pending().entrySet()) {
            b.append(e.getKey()).append(':').append(e.getValue().attempts()).append('@').append(e.getValue().dueEpochMs()).append(' ');
        }
        return b.append('}').toString();
    }
}
