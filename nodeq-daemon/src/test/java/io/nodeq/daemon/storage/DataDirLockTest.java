package io.nodeq.daemon.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void secondLockOnTheSamePathFailsWithAClearMessage() throws Exception {
        Path data = dir.resolve("data");
        try (DataDirLock lock = DataDirLock.acquire(data)) {
            assertThatThrownBy(() -> DataDirLock.acquire(data))
                    .isInstanceOf(DataDirLock.LockedException.class)
                    .hasMessageContaining(data.toAbsolutePath().toString())
                    .hasMessageContaining("in use by another daemon")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            // the refused attempt must not have dropped the OS-level lock (POSIX locks die with any close)
            assertThat(otherProcessTries(data)).isEqualTo("busy");
            // last: opening the file in this process drops the lock (see DataDirLock)
            assertThat(Files.readString(lock.file()).trim()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
        // released: the next daemon gets it
        DataDirLock.acquire(data).close();
    }

    @Test
    void lockHeldByAnotherProcessIsDetected() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Process p = startHolder(data);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> DataDirLock.acquire(data)).isInstanceOf(DataDirLock.LockedException.class);
        } finally {
            stop(p);
        }
        DataDirLock.acquire(data).close();
    }

    private String otherProcessTries(Path data) throws Exception {
        Process p = startHolder(data);
        try {
            return new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        } finally {
            stop(p);
        }
    }

    private Process startHolder(Path data) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(javaBin.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(),
                data.resolve(DataDirLock.FILE_NAME).toString()).redirectErrorStream(true).start();
    }

    private static void stop(Process p) throws Exception {
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
