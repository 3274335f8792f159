package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Every file operation of {@link TopicLog}, {@link CursorStore} and {@link LegacyImport} goes through
 * this seam, so tests can make them fail the way disks do (ENOSPC, EIO, a torn or flipped byte) without
 * a real failing disk. {@link #DEFAULT} is plain java.nio. Implementations are stateless or
 * thread-safe: one is shared by every shard's disk lane.
 */
public interface FileLayer {

    FileLayer DEFAULT = new NioFiles();

    /** Opens a file; new files get mode 0600 (as nsqd's). */
    FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;

    /** The entries of {@code dir}, sorted by name; empty when the directory does not exist. */
    List<Path> list(Path dir) throws IOException;

    /** Deletes a file or an empty directory; no error when it is already gone. */
    void delete(Path path) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /**
     * Replaces {@code target} atomically with {@code content}: a temporary file beside it, fsynced,
     * renamed over it, then the directory fsynced, so after a crash the file is the old or the new one,
     * whole.
     */
    void atomicWrite(Path target, byte[] content) throws IOException;

    /** Renames atomically (same file system). */
    void move(Path from, Path to) throws IOException;

    /** Makes creations, renames and deletions in {@code dir} durable; a no-op where the OS cannot. */
    void fsyncDirectory(Path dir) throws IOException;
}
