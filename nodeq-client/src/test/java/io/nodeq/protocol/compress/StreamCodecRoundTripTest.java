package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Both codecs: whatever one side encodes, in whatever pieces it arrives, the other side decodes. */
@Timeout(60)
class StreamCodecRoundTripTest {

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of("deflate-1", (Supplier<StreamCodec>) () -> StreamCodec.deflate(1)),
                Arguments.of("deflate-6", (Supplier<StreamCodec>) () -> StreamCodec.deflate(6)),
                Arguments.of("snappy", (Supplier<StreamCodec>) StreamCodec::snappy));
    }

    static Stream<Arguments> codecsAndSizes() {
        List<Arguments> all = new ArrayList<>();
        codecs().forEach(c -> {
            for (int size : TestData.SIZES) {
                all.add(Arguments.of(c.get()[0], c.get()[1], size));
            }
        });
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {2} bytes")
    @MethodSource("codecsAndSizes")
    void roundTripsRandomAndRepetitiveDataWhole(String name, Supplier<StreamCodec> codec, int size) {
        for (byte[] plain : List.of(TestData.random(size, size), TestData.repetitive(size, size))) {
            try (StreamCodec sender = codec.get(); StreamCodec receiver = codec.get()) {
                Buffer wire = sender.encode(Buffer.buffer(plain));
                assertThat(receiver.decode(wire).getBytes()).isEqualTo(plain);
            }
        }
    }

    @ParameterizedTest(name = "{0} {2} bytes")
    @MethodSource("codecsAndSizes")
    void decodesRandomSplits(String name, Supplier<StreamCodec> codec, int size) {
        byte[] plain = TestData.repetitive(size, 7);
        try (StreamCodec sender = codec.get(); StreamCodec receiver = codec.get()) {
            byte[] wire = sender.encode(Buffer.buffer(plain)).getBytes();
            assertThat(TestData.feedInRandomPieces(receiver::decode, wire, 5000, size)).isEqualTo(plain);
        }
    }

    @ParameterizedTest(name = "{0} {2} bytes")
    @MethodSource("codecsAndSizes")
    void decodesOneByteAtATime(String name, Supplier<StreamCodec> codec, int size) {
        // 1 MiB of random data one byte per call is ~1M inflate calls; 64 KiB + 1 already spans chunks.
        int n = Math.min(size, 65537 * 2);
        byte[] plain = TestData.random(n, 11);
        try (StreamCodec sender = codec.get(); StreamCodec receiver = codec.get()) {
            byte[] wire = sender.encode(Buffer.buffer(plain)).getBytes();
            assertThat(TestData.feedOneByteAtATime(receiver::decode, wire)).isEqualTo(plain);
        }
    }

    /** Like a connection: many writes, each flushed, read back as one stream cut at every byte position. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void decodesAStreamOfManyWritesSplitAtEveryPosition(String name, Supplier<StreamCodec> codec) {
        Buffer plain = Buffer.buffer();
        Buffer wire = Buffer.buffer();
        try (StreamCodec sender = codec.get()) {
            for (int i = 0; i < 12; i++) {
                byte[] piece = i % 2 == 0 ? TestData.repetitive(37 * i + 1, i) : TestData.random(29 * i, i);
                plain.appendBytes(piece);
                wire.appendBuffer(sender.encode(Buffer.buffer(piece)));
            }
        }
        byte[] w = wire.getBytes();
        for (int cut = 0; cut <= w.length; cut++) {
            try (StreamCodec receiver = codec.get()) {
                Buffer out = receiver.decode(Buffer.buffer().appendBytes(w, 0, cut));
                out.appendBuffer(receiver.decode(Buffer.buffer().appendBytes(w, cut, w.length - cut)));
                assertThat(out.getBytes()).as("cut at %d", cut).isEqualTo(plain.getBytes());
            }
        }
    }

    /** The point of flushing: every write is fully decodable before the next one is sent. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void eachEncodeIsDecodableOnItsOwn(String name, Supplier<StreamCodec> codec) {
        try (StreamCodec sender = codec.get(); StreamCodec receiver = codec.get()) {
            for (int i = 1; i <= 50; i++) {
                byte[] frame = TestData.repetitive(i * 13, i);
                assertThat(receiver.decode(sender.encode(Buffer.buffer(frame))).getBytes()).isEqualTo(frame);
            }
        }
    }
}
