package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileLayer} that fails the way disks do, for tests: while {@link #diskFull} is on, every
 * write (and atomic write) fails with "No space left on device"; with {@link #failAfterBytes(long)}
 * writes succeed for N more bytes, the last one partly, then fail (a disk filling up mid-write);
 * with {@link #fullAfterGrowth(long)} only bytes that make a file longer count, as on a real file
 * system, where rewriting blocks a file already has needs no free space.
 * Counts write and force calls and bytes read, so tests can check the batching. Also edits files in place to tear
 * or corrupt them ({@link #truncate}, {@link #flip}).
 */
public final class FaultyFiles implements FileLayer {

    public static final String ENOSPC = "No space left on device";

    public volatile boolean diskFull;
    public volatile boolean failForce;
    /** While set, every force waits until it is counted down (an fsync that takes its time; at most 30 s). */
    public volatile java.util.concurrent.CountDownLatch forceGate;
    /** The same for every write of a file's channel (a disk that stalls). */
    public volatile java.util.concurrent.CountDownLatch writeGate;
    private final AtomicLong bytesLeft = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong growthLeft = new AtomicLong(Long.MAX_VALUE);
    public final AtomicInteger writeCalls = new AtomicInteger();
    public final AtomicInteger forceCalls = new AtomicInteger();
    final AtomicInteger dirSyncs = new AtomicInteger();
    final AtomicLong bytesRead = new AtomicLong();

    private static void pass(java.util.concurrent.CountDownLatch gate) throws IOException {
        if (gate != null) {
            try {
                gate.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted at a gate");
            }
        }
    }

    void failAfterBytes(long n) {
        bytesLeft.set(n);
    }

    /** Files may grow by {@code n} more bytes in all; writes within a file's length still succeed. */
    public void fullAfterGrowth(long n) {
        growthLeft.set(n);
    }

    public void spaceReturns() {
        diskFull = false;
        bytesLeft.set(Long.MAX_VALUE);
        growthLeft.set(Long.MAX_VALUE);
    }

    static void truncate(Path file, long cutBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - cutBytes);
        }
    }

    /** Flips the low bit of the byte at {@code offset}. */
    static void flip(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 1;
        Files.write(file, b);
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        return new Channel(FileLayer.DEFAULT.open(file, options));
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return FileLayer.DEFAULT.list(dir);
    }

    @Override
    public void delete(Path path) throws IOException {
        FileLayer.DEFAULT.delete(path);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        FileLayer.DEFAULT.createDirectories(dir);
    }

    @Override
    public void atomicWrite(Path target, byte[] content) throws IOException {
        writeCalls.incrementAndGet();
        if (diskFull || bytesLeft.get() < content.length) {
            throw new IOException(ENOSPC);
        }
        FileLayer.DEFAULT.atomicWrite(target, content);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        FileLayer.DEFAULT.move(from, to);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        dirSyncs.incrementAndGet();
        FileLayer.DEFAULT.fsyncDirectory(dir);
    }

    /**
     * How many of {@code want} bytes may be written now, of which the last {@code grows} make the
     * file longer; throws when none.
     */
    private int allow(long want, long grows) throws IOException {
        writeCalls.incrementAndGet();
        pass(writeGate);
        if (diskFull) {
            throw new IOException(ENOSPC);
        }
        long n = take(bytesLeft, want);
        long inPlace = want - grows;
        if (n > inPlace) {
            n = inPlace + take(growthLeft, n - inPlace);
        }
        if (n == 0) {
            throw new IOException(ENOSPC);
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Takes up to {@code want} from {@code left} (which may have none left). */
    private static long take(AtomicLong left, long want) {
        while (true) {
            long l = left.get();
            if (l <= 0) {
                return 0;
            }
            long n = Math.min(l, want);
            if (left.compareAndSet(l, l == Long.MAX_VALUE ? l : l - n)) {
                return n;
            }
        }
    }

    private final class Channel extends FileChannel {
        private final FileChannel d;

        Channel(FileChannel d) {
            this.d = d;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return d.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return d.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = allow(src.remaining(), growth(d.position(), src.remaining()));
            return d.write(limited(src, n));
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long want = 0;
            for (int i = offset; i < offset + length; i++) {
                want += srcs[i].remaining();
            }
            long n = allow(want, growth(d.position(), want));
            if (n == want) {
                return d.write(srcs, offset, length);
            }
            // the disk fills up: write the first n bytes, one buffer at a time
            long done = 0;
            for (int i = offset; i < offset + length && done < n; i++) {
                done += d.write(limited(srcs[i], (int) Math.min(n - done, srcs[i].remaining())));
            }
            return done;
        }

        /** Of {@code n} bytes written at {@code position}, how many lie past the end of the file. */
        private long growth(long position, long n) throws IOException {
            return Math.min(n, Math.max(0, position + n - d.size()));
        }

        private ByteBuffer limited(ByteBuffer src, int n) {
            if (n >= src.remaining()) {
                return src;
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            src.position(src.position() + n);
            return part;
        }

        @Override
        public long position() throws IOException {
            return d.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            d.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return d.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            d.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forceCalls.incrementAndGet();
            pass(forceGate);
            if (failForce) {
                throw new IOException("Input/output error");
            }
            d.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return d.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return d.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            int n = d.read(dst, position);
            bytesRead.addAndGet(Math.max(n, 0));
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int n = allow(src.remaining(), growth(position, src.remaining()));
            if (n >= src.remaining()) {
                return d.write(src, position);
            }
            return d.write(limited(src, n), position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return d.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return d.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return d.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            d.close();
        }
    }
}
