package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Stateless file helpers shared by the storage classes: 0600 files, fsync of directories, atomic replace. */
final class FileOps {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] OWNER_ONLY = POSIX
            ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];

    private FileOps() {
    }

    /** Opens (creating with mode 0600, as nsqd does) without truncating. */
    static FileChannel openForWrite(Path file) throws IOException {
        Set<OpenOption> opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return FileChannel.open(file, opts, OWNER_ONLY);
    }

    static FileChannel openForRead(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Replaces {@code target} atomically: write {@code <target>.<random>.tmp} (go-diskqueue's tmp name),
     * fsync it, rename it over the target, then fsync the directory so the rename itself survives a
     * power loss (go-diskqueue skips that last step).
     */
    static void atomicWrite(Path target, byte[] content) throws IOException {
        atomicWrite(target, content, true);
    }

    /**
     * As {@link #atomicWrite(Path, byte[])}; {@code syncDirectory} false skips the directory fsync,
     * for a file that is replaced often and whose older version is also a valid state (a disk
     * queue's positions: an older one only means redelivery, which recovery already handles).
     */
    static void atomicWrite(Path target, byte[] content, boolean syncDirectory) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + "."
                + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + ".tmp");
        try {
            Set<OpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (FileChannel ch = FileChannel.open(tmp, opts, OWNER_ONLY)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (syncDirectory) {
            fsyncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Makes creations, renames and deletions in {@code dir} durable. Not possible on every OS: ignored there. */
    static void fsyncDirectory(Path dir) throws IOException {
        if (!POSIX) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static long sizeOrZero(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }
}
