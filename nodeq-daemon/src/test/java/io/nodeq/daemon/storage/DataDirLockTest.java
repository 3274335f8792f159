package io.nodeq.daemon.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void secondLockOnTheSamePathFailsWithAClearMessage() throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(Files.readString(lock.file()).trim()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(DataDirLock.LockedException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("in use by another daemon")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        // released: the next daemon gets it
        DataDirLock.acquire(dir).close();
    }

    @Test
    void lockFromAnotherProcessIsDetected() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path src = dir.resolve("Hold.java");
        Files.writeString(src, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        ch.lock();
                        System.out.println("locked");
                        System.out.flush();
                        System.in.read();
                    }
                }
                """);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Process p = new ProcessBuilder(javaBin.toString(), src.toString(), data.resolve(DataDirLock.FILE_NAME).toString())
                .redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> DataDirLock.acquire(data)).isInstanceOf(DataDirLock.LockedException.class);
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        DataDirLock.acquire(data).close();
    }
}
