package io.nodeq.daemon.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Periodic syncs on another thread: positions stay exact, nothing is lost or overwritten. */
class DiskQueueBackgroundSyncTest {
    @TempDir
    Path dir;
    private final ExecutorService syncer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws Exception {
        syncer.shutdown();
        syncer.awaitTermination(10, TimeUnit.SECONDS);
    }

    private DiskQueue open() throws Exception {
        DiskQueue q = DiskQueue.open(dir, "bg", DiskQueueOptions.DEFAULTS.withSyncEvery(50).withMaxBytesPerFile(64 * 1024));
        q.syncInBackground(syncer);
        return q;
    }

    private static void putRange(DiskQueue q, int from, int to) throws Exception {
        for (int i = from; i < to; i += 100) {
            List<byte[]> batch = new ArrayList<>();
            for (int n = i; n < Math.min(to, i + 100); n++) {
                batch.add(Records.payload(n, Records.sizeOf(n)));
            }
            q.putAll(batch);
        }
    }

    @Test
    void closeAndReopenKeepExactPositionsAcrossManyBackgroundSyncsAndRolls() throws Exception {
        DiskQueue q = open();
        putRange(q, 0, 20_000);
        List<byte[]> first = q.read(7_000);
        for (int i = 0; i < first.size(); i++) {
            assertThat(Records.number(first.get(i))).isEqualTo(i);
        }
        putRange(q, 20_000, 25_000);
        q.close();

        DiskQueue again = open();
        assertThat(again.depth()).isEqualTo(18_000);
        int expected = 7_000;
        for (List<byte[]> batch = again.read(1000); !batch.isEmpty(); batch = again.read(1000)) {
            for (byte[] p : batch) {
                assertThat(Records.number(p)).isEqualTo(expected++);
            }
        }
        assertThat(expected).isEqualTo(25_000);
        again.close();
    }

    @Test
    void aQueueDroppedWithoutCloseLosesNothingThatWasSynced() throws Exception {
        DiskQueue q = open();
        putRange(q, 0, 10_000);
        q.syncIfDirty(); // waits for the background sync, then syncs inline: everything is on disk
        // no close(): as after kill -9
        DiskQueue again = open();
        assertThat(again.depth()).isEqualTo(10_000);
        List<byte[]> all = new ArrayList<>();
        for (List<byte[]> batch = again.read(1000); !batch.isEmpty(); batch = again.read(1000)) {
            all.addAll(batch);
        }
        assertThat(all).hasSize(10_000);
        assertThat(Records.number(all.get(9_999))).isEqualTo(9_999);
        again.close();
    }

    @Test
    void emptyAndDeleteWaitForABackgroundSync() throws Exception {
        DiskQueue q = open();
        putRange(q, 0, 5_000);
        q.empty();
        assertThat(q.depth()).isZero();
        putRange(q, 0, 1_000);
        q.delete();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("bg."))).isEmpty();
        }
    }
}
