package io.nodeq.daemon.broker;

import io.nodeq.daemon.log.BackgroundSync;
import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.CursorStore;
import io.nodeq.daemon.log.FileLayer;
import io.nodeq.daemon.log.TopicLog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A topic's files: its log and one cursor store per channel, under
 * {@code <data-path>/topics/<topic>/} ({@code log/*.seg}, {@code channels/<channel>.journal|.snapshot},
 * {@code redrive.mark}).
 * Opened lazily, so that a failed open (disk full) is tried again by the next write.
 *
 * <p>Owned by its shard's disk lane: every method blocks on file IO.
 */
final class TopicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFiles.class);
    /** {@code <topic>/redrive.mark}: the seq the last redrive ended at, in decimal. */
    private static final String REDRIVE_MARK = "redrive.mark";
    private final Path dir;
    private final TopicLog.LogOptions options;
    private TopicLog log;
    private final Map<String, CursorStore> cursors = new HashMap<>();
    /** Messages appended since the last fsync (memory-first's --sync-every). */
    long unsynced;
    /** A background fsync of these files is under way ({@link #syncInBackground}). */
    private boolean syncing;
    /** The last background fsync failed: the next sync runs here and reports its error the usual way. */
    private boolean backgroundFailed;
    /** Writes of this epoch and earlier are refused: queued before the shard knew of {@link #failure}. */
    int failedEpoch = -1;
    IOException failure;
    private long firstSeqSeen = -1;
    private long firstTimestampSeen = -1;

    TopicFiles(Path topicsDir, String topic, TopicLog.LogOptions options) {
        this.dir = topicsDir.resolve(topic);
        this.options = options;
    }

    static Path topicsDir(Path dataPath) {
        return dataPath.resolve("topics");
    }

    FileLayer files() {
        return options.files();
    }

    TopicLog log() throws IOException {
        if (log == null) {
            log = TopicLog.open(dir.resolve("log"), options);
        }
        return log;
    }

    /**
     * Appends records to the log; a durable topic's log preallocates its segments, so that the fsync
     * of each group commit only overwrites (see {@link TopicLog#preallocate(boolean)}).
     */
    void append(java.util.List<TopicLog.Region> regions, boolean durable) throws IOException {
        TopicLog l = log();
        l.preallocate(durable);
        l.append(regions);
    }

    CursorStore cursor(String channel) throws IOException {
        CursorStore c = cursors.get(channel);
        if (c == null) {
            c = CursorStore.open(dir.resolve("channels"), channel, options.files());
            cursors.put(channel, c);
        }
        return c;
    }

    /** The recovered state of a channel's cursor (opening its store). */
    CursorState recover(String channel) throws IOException {
        return cursor(channel).recovered();
    }

    /** Channel names that have cursor files. */
    java.util.List<String> channelsOnDisk() throws IOException {
        Path channels = dir.resolve("channels");
        java.util.List<String> out = new java.util.ArrayList<>();
        if (!java.nio.file.Files.isDirectory(channels)) {
            return out;
        }
        try (var s = java.nio.file.Files.list(channels)) {
            s.forEach(p -> {
                String f = p.getFileName().toString();
                for (String ext : new String[] {".journal", ".snapshot"}) {
                    if (f.endsWith(ext)) {
                        String name = f.substring(0, f.length() - ext.length());
                        if (!out.contains(name)) {
                            out.add(name);
                        }
                    }
                }
            });
        }
        return out;
    }

    /** The timestamp of the log's first record (-1 when empty); read again only when the log's start moved. */
    long firstTimestamp() throws IOException {
        long first = log().firstSeq();
        if (first != firstSeqSeen || firstTimestampSeen < 0) {
            firstTimestampSeen = log().firstTimestamp();
            firstSeqSeen = first;
        }
        return firstTimestampSeen;
    }

    /** fsyncs the log and every cursor store with unsynced writes. */
    void force() throws IOException {
        if (log != null) {
            log.force();
        }
        for (CursorStore c : cursors.values()) {
            c.force();
        }
        unsynced = 0;
        backgroundFailed = false;
    }

    /**
     * A memory-first topic's sync (--sync-every, --sync-timeout): fsyncs the directory entries of
     * files made or deleted here (rare: a new segment or cursor), and hands the fsync of the data to
     * the lane's sync thread, unless one is under way (then the next sync takes what this one would
     * have): a slow fsync then holds no write queued behind it. What a power loss may take stays what
     * came since the last sync that finished. Durable topics keep {@link #force}. After a background
     * fsync failed, the next sync is a {@link #force}: its error fails the writes it came with, and
     * the daemon's health says so, as before.
     */
    void syncInBackground(DiskLane lane) throws IOException {
        if (backgroundFailed) {
            force();
            return;
        }
        unsynced = 0;
        if (log != null) {
            log.forceDirectories();
        }
        for (CursorStore c : cursors.values()) {
            c.forceDirectories();
        }
        if (syncing) {
            return;
        }
        BackgroundSync sync = new BackgroundSync();
        if (log != null) {
            log.addTo(sync);
        }
        for (CursorStore c : cursors.values()) {
            c.addTo(sync);
        }
        if (sync.isEmpty()) {
            return;
        }
        syncing = true;
        lane.syncInBackground(sync::fsync, err -> {
            syncing = false;
            if (err == null) {
                sync.synced();
            } else { // the files stay dirty: the next sync tries again, on the lane
                backgroundFailed = true;
                LOG.error("TOPIC({}): background fsync failed: {}", dir.getFileName(), err.toString());
            }
        });
    }

    boolean dirty() {
        if (log != null && log.dirty()) {
            return true;
        }
        for (CursorStore c : cursors.values()) {
            if (c.dirty()) {
                return true;
            }
        }
        return false;
    }

    /** Where the last {@code /topic/redrive} ended (0: never redriven). */
    long redriveMark() throws IOException {
        Path p = dir.resolve(REDRIVE_MARK);
        if (!java.nio.file.Files.exists(p)) {
            return 0;
        }
        String text = java.nio.file.Files.readString(p).trim();
        try {
            return Math.max(0, Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException(p + " holds no seq: " + text);
        }
    }

    /** Saves the redrive mark (written beside, fsynced, renamed over the old one: never half written). */
    void saveRedriveMark(long seq) throws IOException {
        options.files().createDirectories(dir);
        options.files().atomicWrite(dir.resolve(REDRIVE_MARK),
                (seq + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    void deleteChannel(String channel) throws IOException {
        CursorStore c = cursor(channel);
        cursors.remove(channel);
        c.delete();
    }

    void delete() throws IOException {
        for (CursorStore c : cursors.values()) {
            c.delete();
        }
        cursors.clear();
        log().delete();
        log = null;
        deleteTree(dir);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!java.nio.file.Files.exists(p)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(q);
            }
        }
    }

    void close() throws IOException {
        force();
        for (CursorStore c : cursors.values()) {
            c.close();
        }
        cursors.clear();
        if (log != null) {
            log.close();
            log = null;
        }
    }
}
