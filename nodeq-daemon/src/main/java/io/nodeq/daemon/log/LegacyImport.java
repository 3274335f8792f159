package io.nodeq.daemon.log;

import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.TopicLog.LogOptions;
import io.nodeq.daemon.log.TopicLog.Region;
import io.nodeq.daemon.storage.DiskQueue;
import io.nodeq.daemon.storage.DiskQueueOptions;
import io.nodeq.daemon.storage.MessageRecord;
import io.nodeq.daemon.storage.Metadata;
import io.nodeq.protocol.MessageIds;
import io.nodeq.protocol.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the messages of go-diskqueue files (nsqd's, or an older nodeq's: {@code <topic>.diskqueue.*}
 * and {@code <topic>:<channel>.diskqueue.*} in the data path, nsq-disk-queue.md §2) into the topic logs
 * and channel cursors, once (storage.md §5: a user moving from nsqd keeps their backlog).
 * <p>
 * For a topic: each channel's queue becomes a contiguous seq range of the topic's new log, finished
 * for every other channel; the topic's own queue (messages not yet fanned out) follows, unfinished
 * for every channel, or kept for the first channel when the topic has none. Message IDs, timestamps
 * and attempts are kept (attempts as {@link CursorStore.Pending} entries, due now). Each channel's
 * cursor starts with ackFloor = readSeq = the log's first seq, so those pending entries lie at or above
 * readSeq: they carry the attempts of messages not read yet, they are not a second copy to deliver.
 * <p>
 * Crash-safe and never repeated: a topic is built in {@code <data-path>/imported-diskqueue/staging/<topic>}
 * from hard links of its queue files (the originals are never written), then renamed into
 * {@code <data-path>/topics/<topic>} in one step with a marker file in it; only then are the queue
 * files moved into {@code imported-diskqueue/} and the marker removed. A crash before the rename
 * redoes the topic from the untouched files; a crash after it only finishes the moves.
 * <p>
 * Runs at startup, before the shards take the topics, on the calling thread.
 */
public final class LegacyImport {

    private static final Logger log = LoggerFactory.getLogger(LegacyImport.class);

    /** Where the queue files go once imported, under the data path. */
    public static final String IMPORTED_DIR = "imported-diskqueue";
    static final String TOPICS_DIR = "topics";
    static final String LOG_DIR = "log";
    static final String CHANNELS_DIR = "channels";
    static final String MARKER = "imported-from-diskqueue";
    private static final Pattern QUEUE_FILE = Pattern.compile(
            "(.+)\\.diskqueue\\.(meta\\.dat|\\d+\\.dat|\\d+\\.dat\\.bad|meta\\.dat\\..*\\.tmp)");
    /** Files DiskQueue reads: segments and metadata (not set-aside .bad ones nor tmp files). */
    private static final Pattern READABLE = Pattern.compile(".+\\.diskqueue\\.(meta\\.dat|\\d+\\.dat)");
    /** Largest record a queue is read with: bigger lengths are corruption, as in go-diskqueue. */
    private static final int READ_MAX_BODY = 64 << 20;
    private static final int BATCH_BYTES = 1 << 20;

    private final Path dataPath;
    private final LogOptions options;
    private final FileLayer files;
    private final long idNodeBits;

    private LegacyImport(Path dataPath, LogOptions options, long idNodeBits) {
        this.dataPath = dataPath;
        this.options = options;
        this.files = options.files();
        this.idNodeBits = idNodeBits;
    }

    /** Where a topic's log and channel cursors live: {@code <data-path>/topics/<topic>}. */
    public static Path topicDir(Path dataPath, String topic) {
        return dataPath.resolve(TOPICS_DIR).resolve(topic);
    }

    /**
     * Imports every queue found in {@code dataPath}: the topics of {@code metadata} and any other whose
     * queue files are there. {@code idNodeBits} is OR'ed with a message's seq to give an ID to a message
     * whose stored ID is not 16 hex digits. Returns the queues imported ({@code topic} and
     * {@code topic:channel}); empty when there was nothing to import.
     */
    public static List<String> importAll(Path dataPath, Metadata metadata, LogOptions options, long idNodeBits)
            throws IOException {
        return new LegacyImport(dataPath, options, idNodeBits).run(metadata);
    }

    private List<String> run(Metadata metadata) throws IOException {
        Map<String, List<Path>> byTopic = queueFilesByTopic();
        List<String> imported = new ArrayList<>();
        if (byTopic.isEmpty()) {
            return imported;
        }
        Path work = dataPath.resolve(IMPORTED_DIR);
        deleteTree(work.resolve("staging"));
        deleteTree(work.resolve("reading"));
        for (Map.Entry<String, List<Path>> e : byTopic.entrySet()) {
            String topic = e.getKey();
            if (!Names.isValidTopicName(topic) || Names.isEphemeral(topic)) {
                log.warn("IMPORT({}): not a valid durable topic name: its queue files are left in place", topic);
                continue;
            }
            List<String> channels = new ArrayList<>();
            for (Metadata.TopicMetadata t : metadata.topics()) {
                if (t.name().equals(topic)) {
                    t.channels().forEach(c -> channels.add(c.name()));
                }
            }
            imported.addAll(importTopic(topic, channels, e.getValue()));
        }
        deleteTree(work.resolve("staging"));
        deleteTree(work.resolve("reading"));
        return imported;
    }

    /** Queue files in the data path, by topic, names sorted. */
    private Map<String, List<Path>> queueFilesByTopic() throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        for (Path p : files.list(dataPath)) {
            Matcher m = QUEUE_FILE.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p)) {
                String queue = m.group(1);
                int colon = queue.indexOf(':');
                String topic = colon < 0 ? queue : queue.substring(0, colon);
                out.computeIfAbsent(topic, k -> new ArrayList<>()).add(p);
            }
        }
        return out;
    }

    private List<String> importTopic(String topic, List<String> listedChannels, List<Path> queueFiles)
            throws IOException {
        Path target = topicDir(dataPath, topic);
        if (Files.exists(target.resolve(MARKER))) {
            // imported before a crash: only the moves were left to do
            moveAway(topic, queueFiles, target);
            return List.of();
        }
        if (Files.exists(target)) {
            try (TopicLog existing = TopicLog.open(target.resolve(LOG_DIR), options)) {
                if (existing.nextSeq() > 0) {
                    log.warn("IMPORT({}): {} already holds a log with messages: queue files left in place, not imported",
                            topic, target);
                    return List.of();
                }
            }
            deleteTree(target); // an empty log: nothing would be lost
        }
        // the topic's own queue last; channels in nsqd.dat's order, then any others found on disk
        Set<String> channels = new LinkedHashSet<>();
        for (String c : listedChannels) {
            if (!Names.isEphemeral(c)) {
                channels.add(c);
            }
        }
        Set<String> queues = new java.util.TreeSet<>();
        for (Path p : queueFiles) {
            Matcher m = QUEUE_FILE.matcher(p.getFileName().toString());
            if (m.matches()) {
                queues.add(m.group(1));
            }
        }
        for (String q : queues) {
            int colon = q.indexOf(':');
            String channel = colon < 0 ? null : q.substring(colon + 1);
            if (channel != null && Names.isValidChannelName(channel) && !Names.isEphemeral(channel)) {
                channels.add(channel);
            } else if (channel != null) {
                log.warn("IMPORT({}): not a valid durable channel name: its files are kept in {}, not imported",
                        q, dataPath.resolve(IMPORTED_DIR));
            }
        }

        Path staging = dataPath.resolve(IMPORTED_DIR).resolve("staging").resolve(topic);
        files.createDirectories(staging);
        List<String> imported = new ArrayList<>();
        Map<String, long[]> ranges = new TreeMap<>();
        Map<String, Map<Long, Integer>> attempts = new TreeMap<>();
        long first;
        try (TopicLog topicLog = TopicLog.open(staging.resolve(LOG_DIR), options)) {
            first = topicLog.firstSeq();
            for (String c : channels) {
                String queue = topic + ":" + c;
                Map<Long, Integer> att = new TreeMap<>();
                long from = topicLog.nextSeq();
                if (queues.contains(queue)) {
                    readQueue(queue, topicLog, att, true);
                    imported.add(queue);
                }
                ranges.put(c, new long[]{from, topicLog.nextSeq()});
                attempts.put(c, att);
            }
            if (queues.contains(topic)) {
                readQueue(topic, topicLog, new TreeMap<>(), false);
                imported.add(topic);
            }
            topicLog.force();
        }
        for (String c : channels) {
            CursorReplay cursor = new CursorReplay(CursorState.empty());
            cursor.floor(first);
            for (Map.Entry<String, long[]> r : ranges.entrySet()) {
                if (!r.getKey().equals(c) && r.getValue()[1] > r.getValue()[0]) {
                    cursor.fin(r.getValue()[0], r.getValue()[1] - 1);
                }
            }
            attempts.get(c).forEach((seq, a) -> cursor.requeue(seq, a, 0));
            try (CursorStore store = CursorStore.open(staging.resolve(CHANNELS_DIR), c, files)) {
                store.snapshot(cursor.state());
                store.force();
            }
        }
        files.atomicWrite(staging.resolve(MARKER),
                ("imported from go-diskqueue files at " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
        files.createDirectories(target.getParent());
        files.move(staging, target);
        files.fsyncDirectory(target.getParent());
        moveAway(topic, queueFiles, target);
        return imported;
    }

    /**
     * Reads one queue through DiskQueue, from hard links of its files in a scratch directory (DiskQueue
     * consumes what it reads: the originals must stay whole until the topic is in place).
     */
    private void readQueue(String queue, TopicLog topicLog, Map<Long, Integer> attempts, boolean keepAttempts)
            throws IOException {
        Path scratch = dataPath.resolve(IMPORTED_DIR).resolve("reading").resolve(queue);
        deleteTree(scratch);
        files.createDirectories(scratch);
        String prefix = queue + ".diskqueue.";
        for (Path p : files.list(dataPath)) {
            String name = p.getFileName().toString();
            if (name.startsWith(prefix) && READABLE.matcher(name).matches()) {
                try {
                    Files.createLink(scratch.resolve(name), p);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(p, scratch.resolve(name));
                }
            }
        }
        int maxBody = options.maxRecordSize() - LogRecord.HEADER;
        DiskQueueOptions dq = DiskQueueOptions.forMaxBodySize(Math.max(maxBody, READ_MAX_BODY));
        long count = 0;
        long tooLarge = 0;
        byte[] buf = new byte[Math.max(BATCH_BYTES, options.maxRecordSize())];
        try (DiskQueue q = DiskQueue.open(scratch, queue, dq)) {
            while (true) {
                List<byte[]> batch = q.read(1000);
                if (batch.isEmpty()) {
                    break;
                }
                int used = 0;
                int inBuf = 0;
                for (byte[] payload : batch) {
                    MessageRecord m = MessageRecord.decode(payload);
                    if (m.body().length > maxBody) {
                        tooLarge++;
                        continue;
                    }
                    if (used + LogRecord.size(m.body().length) > buf.length) {
                        topicLog.append(List.of(new Region(buf, 0, used)));
                        used = 0;
                        inBuf = 0;
                    }
                    long seq = topicLog.nextSeq() + inBuf++;
                    String hex = new String(m.id(), StandardCharsets.ISO_8859_1);
                    long id = MessageIds.isHexId(hex) ? MessageIds.parseHex(hex) : idNodeBits | seq;
                    used += LogRecord.encode(buf, used, seq, id, m.timestampNs(), 0, m.body(), 0, m.body().length);
                    if (keepAttempts && m.attempts() > 0) {
                        attempts.put(seq, m.attempts());
                    }
                    count++;
                }
                if (used > 0) {
                    topicLog.append(List.of(new Region(buf, 0, used)));
                }
            }
        }
        deleteTree(scratch);
        log.info("IMPORT({}): {} messages from {}{}", queue, count, dataPath.resolve(prefix + "*"),
                tooLarge == 0 ? "" : " (" + tooLarge + " larger than --max-msg-size left out)");
    }

    /** Moves the topic's queue files into imported-diskqueue/, then removes the marker. */
    private void moveAway(String topic, List<Path> queueFiles, Path target) throws IOException {
        Path dest = dataPath.resolve(IMPORTED_DIR);
        files.createDirectories(dest);
        for (Path p : queueFiles) {
            if (!Files.exists(p)) {
                continue;
            }
            Path to = dest.resolve(p.getFileName());
            for (int i = 1; Files.exists(to); i++) {
                to = dest.resolve(p.getFileName() + "." + i);
            }
            files.move(p, to);
        }
        files.fsyncDirectory(dest);
        files.fsyncDirectory(dataPath);
        files.delete(target.resolve(MARKER));
        files.fsyncDirectory(target);
        log.debug("IMPORT({}): done; its queue files are kept in {}", topic, dest);
    }

    private void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Path p : files.list(dir)) {
            if (Files.isDirectory(p)) {
                deleteTree(p);
            } else {
                files.delete(p);
            }
        }
        files.delete(dir);
    }
}
