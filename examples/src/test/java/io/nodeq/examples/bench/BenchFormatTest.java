package io.nodeq.examples.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** NSQ's result line as the tools print it (durations are GoDuration's, tested in nodeq-client). */
class BenchFormatTest {

    @Test
    void printsNsqsResultLine() {
        assertThat(BenchReport.throughputLine(Duration.ofSeconds(10), 5_000_000, 5_000_000L * 200))
                .isEqualTo("duration: 10s - 95.367mb/s - 500000.000ops/s - 2.000us/op");
        assertThat(BenchReport.throughputLine(Duration.ofSeconds(1), 0, 0))
                .isEqualTo("duration: 1s - 0.000mb/s - 0.000ops/s - +Infus/op");
    }

    @Test
    void printsCpuUse() {
        assertThat(BenchReport.cpuLine(2_310_000_000L, Duration.ofSeconds(10))).isEqualTo("cpu: 2.310s (23% of one core)");
        assertThat(BenchReport.cpuLine(-1, Duration.ofSeconds(10))).isEqualTo("cpu: unknown");
    }
}
