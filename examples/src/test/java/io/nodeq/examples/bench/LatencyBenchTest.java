package io.nodeq.examples.bench;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** LatencyBench through its command line against a real nodeq daemon on port 0: every message arrives, the lines parse. */
@Timeout(120)
class LatencyBenchTest {
    private static final String PERCENTILES = "n=(\\d+) p50=\\d+us p90=\\d+us p99=\\d+us p99.9=\\d+us max=\\d+us mean=\\d+us";
    private static final Pattern E2E = Pattern.compile("^e2e: " + PERCENTILES + "$", Pattern.MULTILINE);
    private static final Pattern RTT = Pattern.compile("^pub_rtt: " + PERCENTILES + "$", Pattern.MULTILINE);
    private static final Pattern TOTALS = Pattern.compile("^totals: sent=(\\d+) acked=(\\d+) pub_errors=0 unanswered=0 "
            + "received=(\\d+) missing=0 foreign=0 redelivered=0 fin_failed=0 drain_ms=\\d+$", Pattern.MULTILINE);

    @Test
    void everyMessagePublishedOpenLoopIsDeliveredAndTimed(@TempDir Path data) throws Exception {
        // As compare-nsqd.sh runs the daemons: the consumer's 1 ms output buffer timeout must be allowed.
        Daemon daemon = Daemon.start(DaemonOptions.forTest(data).minOutputBufferTimeout(Duration.ofMillis(1)).build())
                .await(20, TimeUnit.SECONDS);
        try {
            ToolRun r = run("--nsqd-tcp-address", "127.0.0.1:" + daemon.tcpPort(), "--nsqd-http-address", "127.0.0.1:" + daemon.httpPort(),
                    "--rate", "400", "--warmup", "500ms", "--duration", "1s", "--publishers", "2", "--output-buffer-timeout", "1ms");
            assertThat(r.code()).as("%s%s", r.out(), r.err()).isZero();
            assertThat(r.out()).startsWith("# latency_bench 127.0.0.1:" + daemon.tcpPort() + " topic=latency channel=ch rate=400/s publishers=2 ")
                    .contains("identify=output_buffer_timeout=1ms");
            Matcher totals = r.find(TOTALS);
            long sent = Long.parseLong(totals.group(1));
            // open loop: the schedule decides how many, at most 400/s for 1.5 s (overdue ones at the end are dropped)
            assertThat(sent).isBetween(1L, 600L);
            assertThat(Long.parseLong(totals.group(2))).isEqualTo(sent);
            assertThat(Long.parseLong(totals.group(3))).isEqualTo(sent);
            // only the messages sent in the measured second are timed
            long timed = Long.parseLong(r.find(E2E).group(1));
            assertThat(timed).isBetween(1L, 400L);
            assertThat(Long.parseLong(r.find(RTT).group(1))).isEqualTo(timed);
            assertThat(r.out()).containsPattern("(?m)^pacing: n=\\d+ behind_p50=\\d+us behind_p99=\\d+us behind_max=\\d+us$")
                    .containsPattern("(?m)^rates: target=400/s pub=\\d+/s consume=\\d+/s window=1.00s$");
            assertThat(r.err()).isEmpty();
        } finally {
            daemon.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBufferTimeoutTheDaemonRefusesFailsTheRunWithAHint(@TempDir Path data) throws Exception {
        Daemon daemon = Daemon.start(DaemonOptions.forTest(data).build()).await(20, TimeUnit.SECONDS);
        try {
            ToolRun r = run("--nsqd-tcp-address", "127.0.0.1:" + daemon.tcpPort(), "--duration", "1s", "--warmup", "0s",
                    "--output-buffer-timeout", "1ms");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("IDENTIFY").contains("--min-output-buffer-timeout=1ms");
        } finally {
            daemon.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void badFlagsAreOneLineAndExitTwo() {
        for (String[] args : new String[][] {{"--rate", "0"}, {"--size", "8"}, {"--publishers", "0"}, {"--duration", "0s"}, {"--nope", "1"}}) {
            ToolRun r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines()).as(r.err()).hasSize(1).allMatch(l -> l.startsWith("latency_bench: "));
            assertThat(r.out()).isEmpty();
        }
        ToolRun help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--rate <float>").contains("equivalent Go tool");
    }

    private static ToolRun run(String... args) {
        return ToolRun.of(LatencyBench::run, args);
    }
}
