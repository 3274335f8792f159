package io.nodeq.daemon.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level compatibility with go-diskqueue's files, built by hand from nsq-disk-queue.md §2. */
class DiskQueueCompatTest {

    private static final long TS = 0x18ea84d0d1dd33f1L;

    @TempDir
    Path dir;

    @Test
    void readsSegmentsAndMetadataWrittenByGoDiskqueue() throws Exception {
        // the record observed in a live nsqd's channel segment (nsq-disk-queue.md §2.2)
        byte[] observed = HexFormat.of().parseHex("00000023" + "18ea84d0d1dd33f1" + "0000");
        ByteArrayOutputStream seg0 = new ByteArrayOutputStream();
        seg0.write(observed);
        seg0.write("18a4f002b3669000message-2".getBytes(StandardCharsets.US_ASCII));
        seg0.write(goRecord(1, "18a4f002b3669001", "message-3"));
        seg0.write(goRecord(0, "18a4f002b3669002", "message-4"));
        ByteArrayOutputStream seg1 = new ByteArrayOutputStream();
        seg1.write(goRecord(2, "18a4f002b3669003", "message-5"));
        seg1.write(goRecord(0, "18a4f002b3669004", ""));
        Files.write(dir.resolve("dq:c.diskqueue.000000.dat"), seg0.toByteArray());
        Files.write(dir.resolve("dq:c.diskqueue.000001.dat"), seg1.toByteArray());
        // reader one record into segment 0, writer at the end of segment 1
        Files.writeString(dir.resolve("dq:c.diskqueue.meta.dat"), "4\n0,39\n1," + seg1.size() + "\n");

        try (DiskQueue q = DiskQueue.open(dir, "dq:c", DiskQueueOptions.DEFAULTS)) {
            assertThat(q.depth()).isEqualTo(4);
            List<MessageRecord> got = q.read(10).stream().map(MessageRecord::decode).toList();
            assertThat(got).containsExactly(
                    msg(1, "18a4f002b3669001", "message-3"),
                    msg(0, "18a4f002b3669002", "message-4"),
                    msg(2, "18a4f002b3669003", "message-5"),
                    msg(0, "18a4f002b3669004", ""));
            assertThat(q.depth()).isZero();
        }
        assertThat(dir.resolve("dq:c.diskqueue.000000.dat")).doesNotExist();
        assertThat(Files.readString(dir.resolve("dq:c.diskqueue.meta.dat")))
                .isEqualTo("0\n1," + seg1.size() + "\n1," + seg1.size() + "\n");
    }

    @Test
    void firstObservedRecordDecodes() throws Exception {
        byte[] payload = HexFormat.of().parseHex("18ea84d0d1dd33f1" + "0000");
        ByteBuffer b = ByteBuffer.allocate(35).put(payload)
                .put("18a4f002b3669000message-2".getBytes(StandardCharsets.US_ASCII));
        assertThat(MessageRecord.decode(b.array()))
                .isEqualTo(new MessageRecord(TS, 0, ascii("18a4f002b3669000"), ascii("message-2")));
    }

    @Test
    void writesExactlyGoDiskqueuesBytes() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "dq", DiskQueueOptions.DEFAULTS.withMaxBytesPerFile(100))) {
            q.put(MessageRecord.encode(TS, 1, ascii("18a4f002b3669001"), ascii("message-3")));
            q.put(MessageRecord.encode(TS, 0, ascii("18a4f002b3669002"), ascii("message-4")));
            q.put(MessageRecord.encode(TS, 2, ascii("18a4f002b3669003"), ascii("message-5")));
        }
        ByteArrayOutputStream seg0 = new ByteArrayOutputStream();
        seg0.write(goRecord(1, "18a4f002b3669001", "message-3"));
        seg0.write(goRecord(0, "18a4f002b3669002", "message-4"));
        assertThat(Files.readAllBytes(dir.resolve("dq.diskqueue.000000.dat"))).isEqualTo(seg0.toByteArray());
        assertThat(Files.readAllBytes(dir.resolve("dq.diskqueue.000001.dat")))
                .isEqualTo(goRecord(2, "18a4f002b3669003", "message-5"));
        assertThat(Files.readString(dir.resolve("dq.diskqueue.meta.dat"))).isEqualTo("3\n0,0\n1,39\n");
    }

    /** One record as go-diskqueue writes it: binary.Write(BigEndian, int32(len)) then the message bytes. */
    private static byte[] goRecord(int attempts, String id, String body) {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(4 + 26 + b.length);
        buf.putInt(26 + b.length).putLong(TS).putShort((short) attempts).put(ascii(id)).put(b);
        return buf.array();
    }

    private static MessageRecord msg(int attempts, String id, String body) {
        return new MessageRecord(TS, attempts, ascii(id), ascii(body));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
