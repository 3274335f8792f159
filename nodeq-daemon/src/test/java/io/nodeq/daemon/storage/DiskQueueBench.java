package io.nodeq.daemon.storage;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Throughput ceiling of one disk lane: put and read N records of 226 bytes (a 200-byte body plus the
 * 26-byte header) with the default options (syncEvery 2500, 100 MiB segments). Not a test.
 * <pre>
 * java -cp ... io.nodeq.daemon.storage.DiskQueueBench [records=1000000] [batch=128] [dir=$TMPDIR] [syncEvery=2500]
 * </pre>
 */
public final class DiskQueueBench {

    private static final int RECORD = 226;

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        Path base = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        DiskQueueOptions opts = args.length > 3
                ? DiskQueueOptions.DEFAULTS.withSyncEvery(Long.parseLong(args[3])) : DiskQueueOptions.DEFAULTS;
        Path dir = Files.createTempDirectory(base, "dqbench");
        try {
            warmUp(dir);
            run(dir, n, batch, opts);
        } finally {
            deleteTree(dir);
        }
    }

    private static void warmUp(Path dir) throws IOException {
        try (DiskQueue q = DiskQueue.open(dir, "warm", DiskQueueOptions.DEFAULTS)) {
            for (int i = 0; i < 200_000; i++) {
                q.put(payload(i));
            }
            while (!q.read(256).isEmpty()) {
                // drain
            }
            q.delete();
        }
    }

    private static void run(Path dir, int n, int batch, DiskQueueOptions opts) throws IOException {
        byte[][] payloads = new byte[1024][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = payload(i);
        }
        try (DiskQueue q = DiskQueue.open(dir, "one", opts)) {
            long t0 = System.nanoTime();
            long c0 = cpu();
            for (int i = 0; i < n; i++) {
                q.put(payloads[i & 1023]);
            }
            report("put (1 per call)", n, System.nanoTime() - t0, cpu() - c0);
            t0 = System.nanoTime();
            c0 = cpu();
            long got = 0;
            while (q.read() != null) {
                got++;
            }
            check(got, n);
            report("read() (1 per call)", n, System.nanoTime() - t0, cpu() - c0);
        }
        try (DiskQueue q = DiskQueue.open(dir, "batch", opts)) {
            List<byte[]> list = new ArrayList<>(batch);
            long t0 = System.nanoTime();
            long c0 = cpu();
            for (int i = 0; i < n; ) {
                list.clear();
                for (int k = 0; k < batch && i < n; k++, i++) {
                    list.add(payloads[i & 1023]);
                }
                q.putAll(list);
            }
            report("putAll (" + batch + " per call)", n, System.nanoTime() - t0, cpu() - c0);
            t0 = System.nanoTime();
            c0 = cpu();
            long got = 0;
            for (List<byte[]> r = q.read(256); !r.isEmpty(); r = q.read(256)) {
                got += r.size();
            }
            check(got, n);
            report("read(256)", n, System.nanoTime() - t0, cpu() - c0);
        }
    }

    private static byte[] payload(int i) {
        byte[] body = new byte[RECORD - MessageRecord.HEADER_SIZE];
        for (int k = 0; k < body.length; k++) {
            body[k] = (byte) ('a' + (i + k) % 26);
        }
        byte[] id = String.format("%016x", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return MessageRecord.encode(System.nanoTime(), 0, id, body);
    }

    private static void check(long got, int n) {
        if (got != n) {
            throw new IllegalStateException("read " + got + " records, wrote " + n);
        }
    }

    /** Wall time includes fsync waits and other processes; CPU time of this thread is the lane's own cost. */
    private static void report(String what, int n, long nanos, long cpuNanos) {
        double s = nanos / 1e9;
        System.out.printf("%-22s %,12.0f msgs/s %8.1f MB/s  (%d records in %.2f s, cpu %.2f us/msg)%n", what,
                n / s, n * (4.0 + RECORD) / s / 1e6, n, s, cpuNanos / 1e3 / n);
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
