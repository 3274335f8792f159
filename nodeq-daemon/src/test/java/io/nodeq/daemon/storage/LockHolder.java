package io.nodeq.daemon.storage;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run as a separate process by DataDirLockTest: tries to lock a file, says "locked" or "busy", waits for stdin EOF. */
public final class LockHolder {
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            System.out.println(ch.tryLock() != null ? "locked" : "busy");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes our stdin
            }
        }
    }
}
