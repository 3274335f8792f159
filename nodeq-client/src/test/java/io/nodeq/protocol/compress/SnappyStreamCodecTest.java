package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snappy framing against snappy-java's framed streams, chunk-level details and corrupt input. */
@Timeout(30)
class SnappyStreamCodecTest {

    @Test
    void snappyJavaReadsOurStream() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (StreamCodec codec = StreamCodec.snappy()) {
            for (int size : TestData.SIZES) {
                byte[] plain = size % 2 == 0 ? TestData.repetitive(size, size) : TestData.random(size, size);
                expected.writeBytes(plain);
                wire.writeBytes(codec.encode(Buffer.buffer(plain)).getBytes());
            }
        }
        try (SnappyFramedInputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(wire.toByteArray()), true)) {
            assertThat(in.readAllBytes()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void decodesSnappyJavaFlushedStreamInRandomPieces() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        SnappyFramedOutputStream out = new SnappyFramedOutputStream(wire);
        for (int size : TestData.SIZES) {
            byte[] plain = size % 2 == 0 ? TestData.repetitive(size, size) : TestData.random(size, size);
            expected.writeBytes(plain);
            out.write(plain);
            out.flush();
        }
        try (StreamCodec codec = StreamCodec.snappy()) {
            assertThat(TestData.feedInRandomPieces(codec::decode, wire.toByteArray(), 7000, 5)).isEqualTo(expected.toByteArray());
        }
        out.close();
    }

    @Test
    void writesTheStreamIdentifierOnceThenCompressedOrUncompressedChunks() {
        try (StreamCodec codec = StreamCodec.snappy()) {
            byte[] first = codec.encode(Buffer.buffer(TestData.repetitive(1000, 1))).getBytes();
            assertThat(first).startsWith(SnappyStreamCodec.STREAM_IDENTIFIER);
            assertThat(first[10]).as("repetitive data is sent compressed").isEqualTo((byte) 0x00);
            byte[] second = codec.encode(Buffer.buffer(TestData.random(1000, 1))).getBytes();
            assertThat(second[0]).as("incompressible data is sent uncompressed").isEqualTo((byte) 0x01);
            assertThat(second.length).isEqualTo(4 + 4 + 1000);
            byte[] big = codec.encode(Buffer.buffer(TestData.random(65537, 1))).getBytes();
            assertThat(big.length).as("64 KiB + 1 is two chunks").isEqualTo(8 + 65536 + 8 + 1);
        }
    }

    @Test
    void skipsPaddingAndSkippableChunks() {
        Buffer wire = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                .appendBytes(new byte[] {(byte) 0xfe, 3, 0, 0, 0, 0, 0})          // padding
                .appendBuffer(uncompressedChunk("hello ".getBytes()))
                .appendBytes(new byte[] {(byte) 0x80, 0, 0, 0})                 // empty skippable
                .appendBytes(new byte[] {(byte) 0x99, 2, 0, 0, 'x', 'y'})       // skippable with body
                .appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)               // streams may be concatenated
                .appendBuffer(uncompressedChunk("world".getBytes()));
        try (StreamCodec codec = StreamCodec.snappy()) {
            assertThat(TestData.feedOneByteAtATime(codec::decode, wire.getBytes())).isEqualTo("hello world".getBytes());
        }
    }

    @Test
    void rejectsABadChecksum() {
        byte[] wire = encoded(TestData.repetitive(5000, 2));
        wire[14] ^= 1;                                    // first byte of the first data chunk's CRC
        assertRejected(wire, "checksum");
        byte[] wire2 = encoded(TestData.random(5000, 2));
        wire2[wire2.length - 1] ^= 1;                     // last data byte of an uncompressed chunk
        assertRejected(wire2, "checksum");
    }

    @Test
    void rejectsReservedUnskippableChunkTypes() {
        for (int type = 0x02; type <= 0x7f; type += 0x3d) {
            Buffer wire = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                    .appendBytes(new byte[] {(byte) type, 1, 0, 0, 0});
            assertRejected(wire.getBytes(), "unskippable");
        }
    }

    @Test
    void rejectsAStreamWithoutIdentifier() {
        assertRejected(uncompressedChunk("hi".getBytes()).getBytes(), "stream identifier");
        assertRejected(new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'X'}, "bad stream identifier");
    }

    @Test
    void rejectsOversizedChunksFromTheHeaderAlone() {
        // Only the 4-byte header is sent: the decoder must refuse before waiting for 16 MiB.
        Buffer compressed = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                .appendBytes(new byte[] {0x00, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertRejected(compressed.getBytes(), "compressed chunk of length");
        Buffer uncompressed = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                .appendByte((byte) 0x01).appendMediumLE(4 + 65537);
        assertRejected(uncompressed.getBytes(), "uncompressed chunk of length");
    }

    @Test
    void rejectsAChunkThatDecompressesToMoreThan64KiB() throws IOException {
        byte[] plain = new byte[65537];
        byte[] block = Snappy.compress(plain);
        CRC32C crc = new CRC32C();
        crc.update(plain);
        Buffer wire = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                .appendByte((byte) 0x00).appendMediumLE(block.length + 4)
                .appendIntLE(SnappyStreamCodec.mask((int) crc.getValue())).appendBytes(block);
        assertRejected(wire.getBytes(), "65536");
    }

    @Test
    void rejectsACorruptSnappyBlock() {
        Buffer wire = Buffer.buffer().appendBytes(SnappyStreamCodec.STREAM_IDENTIFIER)
                .appendByte((byte) 0x00).appendMediumLE(4 + 6).appendIntLE(0)
                .appendBytes(new byte[] {0x20, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertRejected(wire.getBytes(), "snappy");
    }

    @Test
    void staysFailedAfterCorruption() {
        try (StreamCodec codec = StreamCodec.snappy()) {
            assertThatThrownBy(() -> codec.decode(Buffer.buffer(new byte[] {0x05, 0, 0, 0})))
                    .isInstanceOf(CompressionException.class);
            assertThatThrownBy(() -> codec.decode(Buffer.buffer(SnappyStreamCodec.STREAM_IDENTIFIER)))
                    .isInstanceOf(CompressionException.class);
        }
    }

    private static byte[] encoded(byte[] plain) {
        try (StreamCodec codec = StreamCodec.snappy()) {
            return codec.encode(Buffer.buffer(plain)).getBytes();
        }
    }

    private static Buffer uncompressedChunk(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Buffer.buffer().appendByte((byte) 0x01).appendMediumLE(data.length + 4)
                .appendIntLE(SnappyStreamCodec.mask((int) crc.getValue())).appendBytes(data);
    }

    /** Both whole and byte by byte, the decoder must throw (not wait for more input). */
    private static void assertRejected(byte[] wire, String messagePart) {
        try (StreamCodec codec = StreamCodec.snappy()) {
            assertThatThrownBy(() -> codec.decode(Buffer.buffer(wire)))
                    .isInstanceOf(CompressionException.class).hasMessageContaining(messagePart);
        }
        try (StreamCodec codec = StreamCodec.snappy()) {
            assertThatThrownBy(() -> TestData.feedOneByteAtATime(codec::decode, wire))
                    .isInstanceOf(CompressionException.class).hasMessageContaining(messagePart);
        }
    }
}
