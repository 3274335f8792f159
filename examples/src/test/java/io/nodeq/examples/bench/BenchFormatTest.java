package io.nodeq.examples.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Go-compatible durations in both directions and NSQ's result line. */
class BenchFormatTest {

    @Test
    void parsesGoDurations() {
        assertThat(BenchFlags.parseGoDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(BenchFlags.parseGoDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchFlags.parseGoDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchFlags.parseGoDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(BenchFlags.parseGoDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(BenchFlags.parseGoDuration("7us")).isEqualTo(Duration.ofNanos(7000));
        assertThat(BenchFlags.parseGoDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(BenchFlags.parseGoDuration("10")).isNull();
        assertThat(BenchFlags.parseGoDuration("s")).isNull();
        assertThat(BenchFlags.parseGoDuration("1s x")).isNull();
        assertThat(BenchFlags.parseGoDuration("")).isNull();
    }

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
}
