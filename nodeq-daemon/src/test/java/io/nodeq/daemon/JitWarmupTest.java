package io.nodeq.daemon;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** --jit-warmup: real messages through a scratch daemon, nothing of it left behind, failures not fatal. */
class JitWarmupTest {
    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        // as Daemon.start does before a warm-up: the C library loads here, not in the scratch
        // daemon's first disk lane, inside the short budgets below
        LinuxScheduling.unavailable();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().await();
    }

    /** The scratch daemon ran on the given Vert.x and left nothing deployed on it, which still runs. */
    private static void assertVertxLeftAsItWas() throws Exception {
        assertThat(vertx.deploymentIDs()).isEmpty();
        assertThat(vertx.executeBlocking(() -> "running").toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS)).isEqualTo("running");
    }
    @Test
    void everyPublishedMessageIsDeliveredAndTheScratchDataPathIsDeleted(@TempDir Path parent, @TempDir Path data)
            throws Exception {
        DaemonOptions options = DaemonOptions.forTest(data).build();
        JitWarmup.Result r = JitWarmup.run(vertx, options, Duration.ofMillis(600), parent);
        assertThat(r).isNotNull();
        assertThat(r.published()).isPositive();
        assertThat(r.consumed()).isEqualTo(r.published());
        assertThat(r.backlogs()).as("MPUBs past the unwritten limit, answered").isPositive();
        assertThat(r.lateReads()).as("late consumers that read a backlog back from the log").isPositive();
        try (var left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
        try (var left = Files.list(data)) {
            assertThat(left).isEmpty(); // the operator's data path is not the scratch one
        }
        assertVertxLeftAsItWas();
    }

    @Test
    void followsTheOperatorsLimitsAndDurability(@TempDir Path parent, @TempDir Path data) throws Exception {
        DaemonOptions options = DaemonOptions.forTest(data).durability("durable").maxMsgSize(64).maxBodySize(300)
                .maxRdyCount(5).build();
        // durable: each round waits for fsyncs, the first ones creating files; on a slow disk that
        // took more than 400 ms (no round at all), so the budget leaves room for a few rounds
        JitWarmup.Result r = JitWarmup.run(vertx, options, Duration.ofMillis(2000), parent);
        assertThat(r).isNotNull();
        assertThat(r.published()).isPositive();
        assertThat(r.consumed()).isEqualTo(r.published());
        assertThat(r.backlogs()).as("no backlog MPUB fits in 300 bytes").isZero();
        assertVertxLeftAsItWas();
    }

    @Test
    void aWarmUpThatCannotRunReturnsNullAndThrowsNothing(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThat(JitWarmup.run(vertx, DaemonOptions.forTest(dir).build(), Duration.ofMillis(200), notADirectory)).isNull();
    }
}
