package io.nodeq.daemon.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The helpers of the text /stats (its durations are GoDuration's, tested in nodeq-client). */
class StatsTextTest {

    @Test
    void nearestRankPercentiles() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(JvmMemory.percentile(100, sorted)).isEqualTo(10);
        assertThat(JvmMemory.percentile(95, sorted)).isEqualTo(10);
        assertThat(JvmMemory.percentile(50, sorted)).isEqualTo(6);
        assertThat(JvmMemory.percentile(99, new long[0])).isZero();
    }
}
