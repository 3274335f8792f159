package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive hold on a data path so two daemons cannot share it (nsqd flocks its data path the same way).
 * Java cannot lock a directory, so the lock is on {@code <data-path>/nodeq.lock}, which also records
 * the holder's PID for the operator. The OS drops the lock when the process dies, so a crash never
 * leaves a stale lock. Owned by the daemon's startup/shutdown code.
 * <p>
 * The lock is a POSIX record lock: closing <em>any</em> channel on the lock file in this process drops it,
 * so nothing in the daemon may open {@code nodeq.lock} while it is held. nsqd's flock on the directory
 * and this lock do not see each other: do not point an nsqd and a nodeq at one data path.
 */
public final class DataDirLock implements AutoCloseable {

    public static final String FILE_NAME = "nodeq.lock";

    /** The data path is held by another process (or by another daemon in this JVM). */
    public static final class LockedException extends IOException {
        LockedException(String message) {
            super(message);
        }
    }

    /**
     * Lock files held by this JVM. POSIX locks belong to the process, and closing any channel on the file
     * drops them all, so a second daemon in the same JVM (tests, embedding) must be refused before it
     * opens the file at all.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

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
        Path file = dataDir.toRealPath().resolve(FILE_NAME);
        if (!HELD.add(file)) {
            throw locked(dataDir, file, " (pid " + ProcessHandle.current().pid() + ", this process)");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw locked(dataDir, file, readHolder(ch));
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(pid), 0);
            return new DataDirLock(file, ch, lock);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close(); // also releases the lock if it was taken
            }
            HELD.remove(file);
            throw e;
        }
    }

    private static LockedException locked(Path dataDir, Path file, String holder) {
        return new LockedException("data path " + dataDir.toAbsolutePath() + " is in use by another daemon"
                + holder + " (lock file " + file + "); give each daemon its own --data-path");
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
                HELD.remove(file);
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
