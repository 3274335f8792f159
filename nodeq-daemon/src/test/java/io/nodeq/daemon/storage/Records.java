package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: numbered records of a given size, and listings of a queue's files. */
final class Records {

    private Records() {
    }

    /** A payload of {@code size} bytes (>= 26) that carries {@code n} and can be checked by {@link #number}. */
    static byte[] payload(int n, int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putLong(n).putShort((short) 1);
        for (int i = 10; i < size; i++) {
            b[i] = (byte) (n * 31 + i);
        }
        return b;
    }

    static int number(byte[] payload) {
        long n = ByteBuffer.wrap(payload).getLong();
        for (int i = 10; i < payload.length; i++) {
            if (payload[i] != (byte) (n * 31 + i)) {
                throw new AssertionError("payload of record " + n + " damaged at byte " + i);
            }
        }
        return (int) n;
    }

    /** Sizes vary deterministically so records do not align with segment ends. */
    static int sizeOf(int n) {
        return 26 + (n * 37) % 200;
    }

    static List<Integer> drain(DiskQueue q) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int guard = 0; guard < 1_000_000; guard++) {
            List<byte[]> batch = q.read(97);
            if (batch.isEmpty()) {
                return out;
            }
            for (byte[] p : batch) {
                out.add(number(p));
            }
        }
        throw new AssertionError("queue never drained");
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }
}
