package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;

import java.util.Random;
import java.util.function.Function;

/** Deterministic inputs and feeding helpers shared by the codec tests. */
final class TestData {
    static final int[] SIZES = {0, 1, 65535, 65536, 65537, 1 << 20};

    private TestData() {
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Text-like data that compresses well: a short vocabulary in a seeded order. */
    static byte[] repetitive(int size, long seed) {
        String[] words = {"PUB ", "sub_bench ", "hello ", "nsq ", "message ", "0123456789 ", "\n"};
        Random r = new Random(seed);
        byte[] b = new byte[size];
        int i = 0;
        while (i < size) {
            byte[] w = words[r.nextInt(words.length)].getBytes();
            int n = Math.min(w.length, size - i);
            System.arraycopy(w, 0, b, i, n);
            i += n;
        }
        return b;
    }

    /** Feeds {@code data} to {@code decode} in pieces of 1..maxPiece bytes and concatenates the output. */
    static byte[] feedInRandomPieces(Function<Buffer, Buffer> decode, byte[] data, int maxPiece, long seed) {
        Random r = new Random(seed);
        Buffer out = Buffer.buffer();
        int pos = 0;
        while (pos < data.length) {
            int n = Math.min(data.length - pos, 1 + r.nextInt(maxPiece));
            out.appendBuffer(decode.apply(Buffer.buffer().appendBytes(data, pos, n)));
            pos += n;
        }
        return out.getBytes();
    }

    static byte[] feedOneByteAtATime(Function<Buffer, Buffer> decode, byte[] data) {
        Buffer out = Buffer.buffer();
        Buffer one = Buffer.buffer(1);
        for (byte b : data) {
            out.appendBuffer(decode.apply(one.setByte(0, b)));
        }
        return out.getBytes();
    }
}
