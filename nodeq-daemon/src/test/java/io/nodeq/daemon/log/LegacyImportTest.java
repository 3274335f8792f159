package io.nodeq.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.CursorStore.Pending;
import io.nodeq.daemon.log.TopicLog.LogOptions;
import io.nodeq.daemon.log.TopicLog.ReadBatch;
import io.nodeq.daemon.storage.DiskQueue;
import io.nodeq.daemon.storage.DiskQueueOptions;
import io.nodeq.daemon.storage.MessageRecord;
import io.nodeq.daemon.storage.Metadata;
import io.nodeq.daemon.storage.Metadata.ChannelMetadata;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import io.nodeq.protocol.MessageIds;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegacyImportTest {

    private static final long NODE_BITS = 5L << 52;

    @TempDir
    Path data;

    private final FaultyFiles files = new FaultyFiles();
    private final LogOptions opts = new LogOptions(1 << 20, LogRecord.size(1 << 20), files);

    record Msg(long seq, long id, long ts, String body) {
    }

    private List<Msg> messages(String topic) throws IOException {
        List<Msg> out = new ArrayList<>();
        try (TopicLog log = TopicLog.open(LegacyImport.topicDir(data, topic).resolve("log"), opts)) {
            long next = 0;
            ReadBatch b;
            while ((b = log.read(next, 100, 1 << 20)) != null) {
                for (int i = 0; i < b.count(); i++) {
                    int off = b.offsets()[i];
                    out.add(new Msg(LogRecord.seq(b.bytes(), off), LogRecord.id(Unpooled.wrappedBuffer(b.bytes()), off),
                            LogRecord.timestampNs(Unpooled.wrappedBuffer(b.bytes()), off), new String(b.bytes(), LogRecord.bodyOffset(off),
                            LogRecord.bodyLength(Unpooled.wrappedBuffer(b.bytes()), off), StandardCharsets.UTF_8)));
                }
                next = b.lastSeq() + 1;
            }
        }
        return out;
    }

    private CursorState cursor(String topic, String channel) throws IOException {
        try (CursorStore s = CursorStore.open(LegacyImport.topicDir(data, topic).resolve("channels"), channel, files)) {
            return s.recovered();
        }
    }

    private static List<Long> finished(CursorState s) {
        return Arrays.stream(s.finished().toArray()).boxed().toList();
    }

    private List<String> queueFilesLeft() throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".diskqueue.")).sorted().toList();
        }
    }

    private void copyNsqdData() throws IOException, URISyntaxException {
        Path src = Path.of(getClass().getResource("/nsqd-1.3.0-data").toURI());
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, data.resolve(p.getFileName()));
            }
        }
    }

    @Test
    void importsTheQueuesOfARealNsqd() throws Exception {
        copyNsqdData();
        Metadata md = Metadata.load(data);
        List<String> imported = LegacyImport.importAll(data, md, opts, NODE_BITS);
        assertThat(imported).containsExactlyInAnyOrder("orders:a", "orders:b", "orders", "lonely");

        List<Msg> orders = messages("orders");
        assertThat(orders).extracting(Msg::seq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(orders).extracting(Msg::body).containsExactly(
                "order-1", "order-2", "order-3", "order-4", "order-5", // channel a
                "order-3", "order-4", "order-5", "order-1", "order-2", // channel b: REQ'd and in-flight ones last
                "order-6", "order-7"); // the paused topic's own queue
        // nsqd's IDs are kept: the same message has the same ID in both channels
        assertThat(orders.get(0).id()).isEqualTo(MessageIds.parseHex("18b0c2fcd8269000")).isEqualTo(orders.get(8).id());
        assertThat(orders.get(0).ts()).isEqualTo(orders.get(8).ts()).isPositive();

        CursorState a = cursor("orders", "a");
        assertThat(a.ackFloor()).isZero();
        assertThat(finished(a)).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(a.pending()).isEmpty();
        CursorState b = cursor("orders", "b");
        assertThat(b.ackFloor()).isEqualTo(5); // a's range is finished for b
        assertThat(b.finished().isEmpty()).isTrue();
        assertThat(b.pending()).containsExactly(Map.entry(8L, new Pending(1, 0)), Map.entry(9L, new Pending(1, 0)));

        assertThat(messages("lonely")).extracting(Msg::body).containsExactly("hello-1", "hello-2");
        assertThat(LegacyImport.topicDir(data, "lonely").resolve("channels")).doesNotExist();

        assertThat(queueFilesLeft()).isEmpty();
        try (Stream<Path> s = Files.list(data.resolve(LegacyImport.IMPORTED_DIR))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).contains(
                    "orders.diskqueue.000000.dat.bad", "orders:b.diskqueue.000001.dat", "lonely.diskqueue.meta.dat");
        }
        assertThat(LegacyImport.topicDir(data, "orders").resolve(LegacyImport.MARKER)).doesNotExist();
        assertThat(data.resolve("nsqd.dat")).exists();

        // never twice
        assertThat(LegacyImport.importAll(data, md, opts, NODE_BITS)).isEmpty();
        assertThat(messages("orders")).hasSize(12);
    }

    private void writeQueue(String name, List<MessageRecord> msgs) throws IOException {
        try (DiskQueue q = DiskQueue.open(data, name, DiskQueueOptions.DEFAULTS.withMaxBytesPerFile(150))) {
            for (MessageRecord m : msgs) {
                q.put(m.encode());
            }
        }
    }

    private static MessageRecord msg(String id, int attempts, String body) {
        return new MessageRecord(1000L + body.length(), attempts, id.getBytes(StandardCharsets.US_ASCII),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Topic t: channel x holds 2 messages (one with a non-hex ID), y holds 3, the topic queue 1; z is listed, empty. */
    private Metadata nodeqQueues() throws IOException {
        writeQueue("t:x", List.of(msg("000000000000000a", 0, "x1"), msg("not-a-hex-id!!!!", 3, "x2")));
        writeQueue("t:y", List.of(msg("000000000000000b", 2, "y1"), msg("000000000000000c", 0, "y2"),
                msg("000000000000000d", 0, "y3")));
        writeQueue("t", List.of(msg("000000000000000e", 0, "t1")));
        return Metadata.of(List.of(new TopicMetadata("t", false, List.of(new ChannelMetadata("x", false),
                new ChannelMetadata("y", true), new ChannelMetadata("z", false)))));
    }

    private void checkNodeqImport() throws IOException {
        List<Msg> t = messages("t");
        assertThat(t).extracting(Msg::body).containsExactly("x1", "x2", "y1", "y2", "y3", "t1");
        assertThat(t).extracting(Msg::id).containsExactly(0xaL, NODE_BITS | 1, 0xbL, 0xcL, 0xdL, 0xeL);
        assertThat(t.get(1).ts()).isEqualTo(1002L);
        CursorState x = cursor("t", "x");
        assertThat(x.ackFloor()).isZero();
        assertThat(finished(x)).containsExactly(2L, 3L, 4L);
        assertThat(x.pending()).containsExactly(Map.entry(1L, new Pending(3, 0)));
        CursorState y = cursor("t", "y");
        assertThat(y.ackFloor()).isEqualTo(2);
        assertThat(y.pending()).containsExactly(Map.entry(2L, new Pending(2, 0)));
        CursorState z = cursor("t", "z");
        assertThat(z.ackFloor()).isEqualTo(5); // both ranges finished: only the topic's own message is left
        assertThat(z.isNew()).isFalse();
        assertThat(queueFilesLeft()).isEmpty();
    }

    @Test
    void importsQueuesWrittenByDiskQueue() throws IOException {
        Metadata md = nodeqQueues();
        assertThat(LegacyImport.importAll(data, md, opts, NODE_BITS)).containsExactly("t:x", "t:y", "t");
        checkNodeqImport();
    }

    @Test
    void aLargeQueueFillsSeveralBatchesAndSegments() throws IOException {
        int n = 3000;
        byte[] body = new byte[1000];
        try (DiskQueue q = DiskQueue.open(data, "big:c", DiskQueueOptions.DEFAULTS.withMaxBytesPerFile(200_000))) {
            for (int i = 0; i < n; i++) {
                body[0] = (byte) i;
                q.put(MessageRecord.encode(i, 0, MessageIds.toHexBytes(1_000_000 + i), body));
            }
        }
        LogOptions small = new LogOptions(256 * 1024, LogRecord.size(1 << 20), files);
        LegacyImport.importAll(data, Metadata.of(List.of(new TopicMetadata("big", false,
                List.of(new ChannelMetadata("c", false))))), small, NODE_BITS);
        List<Msg> all = messages("big");
        assertThat(all).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(all.get(i).seq()).isEqualTo(i);
            assertThat(all.get(i).id()).isEqualTo(1_000_000 + i);
            assertThat(all.get(i).ts()).isEqualTo(i);
        }
        try (Stream<Path> s = Files.list(LegacyImport.topicDir(data, "big").resolve("log"))) {
            assertThat(s.count()).isGreaterThan(10);
        }
        assertThat(cursor("big", "c").ackFloor()).isZero();
    }

    @Test
    void aFailureMidImportLeavesTheQueueFilesAndTheNextStartImportsThemOnce() throws IOException {
        Metadata md = nodeqQueues();
        files.failAfterBytes(150); // the disk fills up during the second queue
        assertThatThrownBy(() -> LegacyImport.importAll(data, md, opts, NODE_BITS)).isInstanceOf(IOException.class);
        assertThat(queueFilesLeft()).isNotEmpty();
        assertThat(LegacyImport.topicDir(data, "t")).doesNotExist();
        files.spaceReturns();
        LegacyImport.importAll(data, md, opts, NODE_BITS);
        checkNodeqImport();
    }

    @Test
    void aCrashAfterTheTopicIsInPlaceOnlyFinishesMovingTheFiles() throws IOException {
        Metadata md = nodeqQueues();
        LegacyImport.importAll(data, md, opts, NODE_BITS);
        // as if the crash came before the queue files were moved away
        Path imported = data.resolve(LegacyImport.IMPORTED_DIR);
        try (Stream<Path> s = Files.list(imported)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.move(p, data.resolve(p.getFileName()));
            }
        }
        Files.writeString(LegacyImport.topicDir(data, "t").resolve(LegacyImport.MARKER), "x");
        assertThat(LegacyImport.importAll(data, md, opts, NODE_BITS)).isEmpty();
        checkNodeqImport();
        assertThat(LegacyImport.topicDir(data, "t").resolve(LegacyImport.MARKER)).doesNotExist();
    }

    @Test
    void aTopicWhoseLogHasMessagesIsNotImportedInto() throws IOException {
        Metadata md = nodeqQueues();
        try (TopicLog log = TopicLog.open(LegacyImport.topicDir(data, "t").resolve("log"), opts)) {
            LogTesting.append(log, 0, 3);
        }
        assertThat(LegacyImport.importAll(data, md, opts, NODE_BITS)).isEmpty();
        assertThat(queueFilesLeft()).isNotEmpty();
        assertThat(messages("t")).hasSize(3);
    }

    @Test
    void aTopicWithAnEmptyLogIsImportedInto() throws IOException {
        Metadata md = nodeqQueues();
        TopicLog.open(LegacyImport.topicDir(data, "t").resolve("log"), opts).close();
        assertThat(LegacyImport.importAll(data, md, opts, NODE_BITS)).hasSize(3);
        checkNodeqImport();
    }

    @Test
    void nothingToImport() throws IOException {
        assertThat(LegacyImport.importAll(data, Metadata.of(List.of()), opts, NODE_BITS)).isEmpty();
        assertThat(data.resolve(LegacyImport.IMPORTED_DIR)).doesNotExist();
    }
}
