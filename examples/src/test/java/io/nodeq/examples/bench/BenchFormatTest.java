package io.nodeq.examples.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's duration format and NSQ's result line, as the tools print them. */
class BenchFormatTest {

    @Test
    void formatsDurationsLikeGo() {
        assertThat(BenchReport.goDuration(Duration.ofNanos(10_000_213_457L))).isEqualTo("10.000213457s");
        assertThat(BenchReport.goDuration(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(BenchReport.goDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(BenchReport.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(BenchReport.goDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(BenchReport.goDuration(Duration.ofNanos(1500))).isEqualTo("1.5µs");
        assertThat(BenchReport.goDuration(Duration.ZERO)).isEqualTo("0s");
    }

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
