package io.nodeq.protocol;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoDurationTest {
    @Test
    void parsesGoSyntax() {
        assertThat(GoDuration.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(GoDuration.parse("100µs")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(GoDuration.parse("100μs")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(GoDuration.parse("1h30m10.5s")).isEqualTo(Duration.ofSeconds(5410, 500_000_000));
        assertThat(GoDuration.parse("-1.5s")).isEqualTo(Duration.ofMillis(-1500));
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> GoDuration.parse("10")).hasMessageContaining("missing unit");
        assertThatThrownBy(() -> GoDuration.parse("5x")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> GoDuration.parse("s")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(Duration.ofMinutes(15))).isEqualTo("15m0s");
    }

    /** The values Go's own time.Duration.String() test (TestDurationString) checks, and the ones that disagreed. */
    @Test
    void formatsWhatGoPrints() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofNanos(1))).isEqualTo("1ns");
        assertThat(GoDuration.format(Duration.ofNanos(1_100))).isEqualTo("1.1µs");
        assertThat(GoDuration.format(Duration.ofNanos(1_000))).isEqualTo("1µs");
        assertThat(GoDuration.format(Duration.ofNanos(2_200_000))).isEqualTo("2.2ms");
        assertThat(GoDuration.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofMillis(3300))).isEqualTo("3.3s");
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofSeconds(4 * 60 + 5))).isEqualTo("4m5s");
        assertThat(GoDuration.format(Duration.ofSeconds(4 * 60 + 5).plusMillis(1))).isEqualTo("4m5.001s");
        assertThat(GoDuration.format(Duration.ofHours(5).plusMinutes(6).plusSeconds(7).plusMillis(1))).isEqualTo("5h6m7.001s");
        assertThat(GoDuration.format(Duration.ofHours(8).plusMinutes(1).plusNanos(1))).isEqualTo("8h1m0.000000001s");
        assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
        // what the text /stats and the bench tools print
        assertThat(GoDuration.format(Duration.ofNanos(46_358_022_524L))).isEqualTo("46.358022524s");
        assertThat(GoDuration.format(Duration.ofNanos(10_000_213_457L))).isEqualTo("10.000213457s");
        assertThat(GoDuration.format(Duration.ofSeconds(3605))).isEqualTo("1h0m5s");
        assertThat(GoDuration.format(Duration.ofSeconds(65))).isEqualTo("1m5s");
        assertThat(GoDuration.format(Duration.ofMillis(-1500))).isEqualTo("-1.5s");
        assertThat(GoDuration.format(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo("2562047h47m16.854775807s");
        assertThat(GoDuration.format(Duration.ofNanos(Long.MIN_VALUE))).isEqualTo("-2562047h47m16.854775808s");
    }

    @Test
    void formatThenParseIsTheSameDuration() {
        for (long n : new long[] {1, 999, 1_001, 1_500_000, 1_000_000_001L, 90_000_000_000L, 7_200_000_000_000L}) {
            assertThat(GoDuration.parse(GoDuration.format(Duration.ofNanos(n)))).isEqualTo(Duration.ofNanos(n));
        }
    }
}
