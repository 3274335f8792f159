package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive hold on a data path so two daemons cannot share it (nsqd flocks its data path the same way).
 * Java cannot lock a directory, so the lock is on {@code <data-path>/nodeq.lock}, which also records
 * the holder's PID for the operator. The OS drops the lock when the process dies, so a crash never
 * leaves a stale lock. Owned by the daemon's startup/shutdown code.
 */
public final class DataDirLock implements AutoCloseable {

    public static final String FILE_NAME = "nodeq.lock";

    /** The data path is held by another process (or by another daemon in this JVM). */
    public static final class LockedException extends IOException {
        LockedException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = readHolder(ch);
            ch.close();
            throw new LockedException("data path " + dataDir.toAbsolutePath()
                    + " is in use by another daemon" + holder + " (lock file " + file.toAbsolutePath()
                    + "); give each daemon its own --data-path");
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
        } catch (IOException e) {
            lock.release();
            ch.close();
            throw e;
        }
        return new DataDirLock(file, ch, lock);
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays (deleting it would race with a daemon about to lock it). */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    private static String readHolder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "" : " (pid " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
