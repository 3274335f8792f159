package io.nodeq.daemon.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Go-style formatting helpers of the text /stats. */
class StatsTextTest {

    @Test
    void goDurationStrings() {
        assertThat(StatsText.goDuration(0)).isEqualTo("0s");
        assertThat(StatsText.goDuration(46_358_022_524L)).isEqualTo("46.358022524s");
        assertThat(StatsText.goDuration(3_605_000_000_000L)).isEqualTo("1h0m5s");
        assertThat(StatsText.goDuration(65_000_000_000L)).isEqualTo("1m5s");
        assertThat(StatsText.goDuration(250_000_000L)).isEqualTo("250ms");
        assertThat(StatsText.goDuration(1_500_000L)).isEqualTo("1.5ms");
        assertThat(StatsText.goDuration(2_000L)).isEqualTo("2µs");
        assertThat(StatsText.goDuration(15L)).isEqualTo("15ns");
    }

    @Test
    void nearestRankPercentiles() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(JvmMemory.percentile(100, sorted)).isEqualTo(10);
        assertThat(JvmMemory.percentile(95, sorted)).isEqualTo(10);
        assertThat(JvmMemory.percentile(50, sorted)).isEqualTo(6);
        assertThat(JvmMemory.percentile(99, new long[0])).isZero();
    }
}
