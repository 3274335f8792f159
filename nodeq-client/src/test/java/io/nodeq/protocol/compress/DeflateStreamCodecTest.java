package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raw deflate against the JDK's own zlib used the plain way, and corrupt input. */
@Timeout(30)
class DeflateStreamCodecTest {

    @Test
    void plainInflaterDecodesOurOutputWriteByWrite() throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try (StreamCodec codec = StreamCodec.deflate(6)) {
            for (int size : TestData.SIZES) {
                byte[] plain = TestData.repetitive(size, size);
                inflater.setInput(codec.encode(Buffer.buffer(plain)).getBytes());
                // SYNC_FLUSH means everything written so far is decodable without more input.
                assertThat(inflateAvailable(inflater)).isEqualTo(plain);
            }
        } finally {
            inflater.end();
        }
    }

    @Test
    void decodesJdkDeflaterSyncFlushOutputInRandomPieces() {
        for (int level : new int[] {1, 6, 9}) {
            Deflater deflater = new Deflater(level, true);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int size : TestData.SIZES) {
                byte[] plain = size % 2 == 0 ? TestData.repetitive(size, level) : TestData.random(size, level);
                expected.writeBytes(plain);
                deflater.setInput(plain);
                byte[] buf = new byte[8192];
                int n;
                do {
                    n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    wire.write(buf, 0, n);
                } while (n == buf.length);
            }
            deflater.end();
            try (StreamCodec codec = StreamCodec.deflate(level)) {
                assertThat(TestData.feedInRandomPieces(codec::decode, wire.toByteArray(), 3000, level))
                        .isEqualTo(expected.toByteArray());
            }
        }
    }

    @Test
    void emptyWriteProducesNothing() {
        try (StreamCodec codec = StreamCodec.deflate(6)) {
            assertThat(codec.encode(Buffer.buffer()).length()).isZero();
            assertThat(codec.decode(Buffer.buffer()).length()).isZero();
        }
    }

    @Test
    void rejectsGarbage() {
        // 0xff...: BTYPE 11 is reserved, so the first block header is already invalid.
        try (StreamCodec codec = StreamCodec.deflate(6)) {
            assertThatThrownBy(() -> codec.decode(Buffer.buffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01})))
                    .isInstanceOf(CompressionException.class);
        }
    }

    @Test
    void rejectsCorruptionInTheMiddleOfAStream() {
        byte[] plain = TestData.random(10_000, 3);
        try (StreamCodec sender = StreamCodec.deflate(6); StreamCodec receiver = StreamCodec.deflate(6)) {
            byte[] wire = sender.encode(Buffer.buffer(plain)).getBytes();
            // Random data is sent as a stored block: corrupt its LEN/NLEN pair, which zlib must check.
            wire[1] ^= 0x5a;
            assertThatThrownBy(() -> receiver.decode(Buffer.buffer(wire))).isInstanceOf(CompressionException.class);
        }
    }

    @Test
    void rejectsDataAfterAFinalBlock() {
        Deflater finishing = new Deflater(6, true);
        finishing.setInput("OK".getBytes());
        finishing.finish();
        byte[] buf = new byte[64];
        int n = finishing.deflate(buf);
        finishing.end();
        try (StreamCodec codec = StreamCodec.deflate(6)) {
            Buffer wire = Buffer.buffer().appendBytes(buf, 0, n).appendBytes(new byte[] {1, 2, 3});
            assertThatThrownBy(() -> codec.decode(wire)).isInstanceOf(CompressionException.class);
        }
    }

    @Test
    void rejectsAnInvalidLevel() {
        assertThatThrownBy(() -> StreamCodec.deflate(10)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] inflateAvailable(Inflater inflater) throws DataFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        assertThat(inflater.getRemaining()).isZero();
        return out.toByteArray();
    }
}
