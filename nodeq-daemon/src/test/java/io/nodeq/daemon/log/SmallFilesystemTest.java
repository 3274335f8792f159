package io.nodeq.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeq.daemon.log.TopicLog.LogOptions;
import io.nodeq.daemon.log.TopicLog.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log on a real 1 MiB file system (tmpfs) that fills up: the ENOSPC comes from the kernel, in
 * the middle of a gathering write. Needs root and permission to mount; skipped with a message otherwise.
 */
class SmallFilesystemTest {

    @TempDir
    Path tmp;

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void aFullFileSystemRefusesAppendsUntilSpaceReturns() throws Exception {
        onATinyFileSystem(dir -> fillUpAndRecover(dir, false));
    }

    /** A durable topic's log: its fills fail first, then what no longer fits in them. */
    @Test
    void aFullFileSystemRefusesAPreallocatingLogOnlyWhatDoesNotFit() throws Exception {
        onATinyFileSystem(dir -> fillUpAndRecover(dir, true));
    }

    private interface OnDir {
        void run(Path dir) throws IOException;
    }

    private void onATinyFileSystem(OnDir test) throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        int rc;
        try {
            rc = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        } catch (IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "cannot mount a 1 MiB tmpfs here (needs root and CAP_SYS_ADMIN): skipped");
        try {
            test.run(mnt.resolve("log"));
        } finally {
            assertThat(run("umount", mnt.toString())).isZero();
        }
    }

    private void fillUpAndRecover(Path dir, boolean preallocate) throws IOException {
        byte[] body = new byte[1000];
        LogOptions opts = new LogOptions(64 * 1024, 1 << 20, FileLayer.DEFAULT);
        long failedAt;
        try (TopicLog log = TopicLog.open(dir, opts)) {
            log.preallocate(preallocate);
            IOException full = null;
            while (full == null) {
                long before = log.nextSeq();
                long sizeBefore = log.sizeBytes();
                List<Region> batch = new ArrayList<>();
                for (long s = before; s < before + 50; s++) {
                    byte[] rec = new byte[LogRecord.size(body.length)];
                    LogRecord.encode(rec, 0, s, s, s, 0, body, 0, body.length);
                    batch.add(Region.of(rec));
                }
                try {
                    log.append(batch);
                    log.force();
                } catch (IOException e) {
                    full = e;
                    assertThat(log.nextSeq()).isEqualTo(before);
                    assertThat(log.sizeBytes()).isEqualTo(sizeBefore);
                }
                assertThat(before).as("1 MiB holds about 1000 such records").isLessThan(5000);
            }
            assertThat(full).hasMessageContaining("No space left on device");
            // smaller appends may still fit: fill up to the last record
            for (int i = 0; i < 100; i++) {
                long before = log.nextSeq();
                try {
                    appendOne(log, body);
                } catch (IOException e) {
                    assertThat(log.nextSeq()).isEqualTo(before);
                    break;
                }
            }
            failedAt = log.nextSeq();
            if (preallocate) {
                assertThat(onDisk(dir)).isBetween(log.sizeBytes(), log.sizeBytes() + 64 * 1024);
            } else {
                assertThat(onDisk(dir)).isEqualTo(log.sizeBytes());
            }
            assertThat(LogTesting.readAllSeqs(log)).hasSize((int) failedAt);
            assertThatThrownBy(() -> appendOne(log, body)).hasMessageContaining("No space left on device");
            // the channels catch up: old segments go, space returns
            assertThat(log.deleteBefore(failedAt)).isPositive();
            appendOne(log, body);
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts)) {
            assertThat(log.nextSeq()).isEqualTo(failedAt + 1);
            assertThat(LogTesting.readAllSeqs(log)).endsWith(failedAt - 1, failedAt);
        }
    }

    private static void appendOne(TopicLog log, byte[] body) throws IOException {
        byte[] rec = new byte[LogRecord.size(body.length)];
        long s = log.nextSeq();
        LogRecord.encode(rec, 0, s, s, s, 0, body, 0, body.length);
        log.append(List.of(Region.of(rec)));
    }

    private static long onDisk(Path dir) throws IOException {
        long total = 0;
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                total += Files.size(p);
            }
        }
        return total;
    }
}
