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
}
