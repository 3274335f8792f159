package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** --jit-warmup: real messages through a scratch daemon, nothing of it left behind, failures not fatal. */
class JitWarmupTest {
    @Test
    void everyPublishedMessageIsDeliveredAndTheScratchDataPathIsDeleted(@TempDir Path parent, @TempDir Path data)
            throws Exception {
        DaemonOptions options = DaemonOptions.forTest(data).build();
        JitWarmup.Result r = JitWarmup.run(options, Duration.ofMillis(600), parent);
        assertThat(r).isNotNull();
        assertThat(r.published()).isPositive();
        assertThat(r.consumed()).isEqualTo(r.published());
        try (var left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
        try (var left = Files.list(data)) {
            assertThat(left).isEmpty(); // the operator's data path is not the scratch one
        }
    }

    @Test
    void followsTheOperatorsLimitsAndDurability(@TempDir Path parent, @TempDir Path data) {
        DaemonOptions options = DaemonOptions.forTest(data).durability("durable").maxMsgSize(64).maxBodySize(300)
                .maxRdyCount(5).build();
        JitWarmup.Result r = JitWarmup.run(options, Duration.ofMillis(400), parent);
        assertThat(r).isNotNull();
        assertThat(r.published()).isPositive();
        assertThat(r.consumed()).isEqualTo(r.published());
    }

    @Test
    void aWarmUpThatCannotRunReturnsNullAndThrowsNothing(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThat(JitWarmup.run(DaemonOptions.forTest(dir).build(), Duration.ofMillis(200), notADirectory)).isNull();
    }
}
