package io.nodeq.examples.bench;

import io.nodeq.testing.FakeNsqd;
import io.nodeq.protocol.GoDuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** BenchWriter and BenchReader end to end against a fake nsqd on port 0, through their command lines. */
@Timeout(120)
class BenchToolsTest {
    private static final Pattern THROUGHPUT = Pattern.compile(
            "^\\[(bench_writer|bench_reader)] duration: (\\S+) - (\\d+\\.\\d{3})mb/s - (\\d+\\.\\d{3})ops/s - (\\d+\\.\\d{3})us/op$", Pattern.MULTILINE);
    private static final Pattern PUBLISHED = Pattern.compile("published (\\d+) messages in (\\d+) MPUB");
    private static final Pattern FINISHED = Pattern.compile("finished (\\d+) messages \\(redelivered (\\d+), body size not 200: (\\d+), E_FIN_FAILED (\\d+)\\)");

    @Test
    void writerPublishesForRunforAndPrintsNsqStyleFigures() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            long t0 = System.nanoTime();
            ToolRun r = writer("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "1s", "--concurrency", "2", "--batch-size", "50");
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.code()).as(r.err()).isZero();
            Matcher pub = r.find(PUBLISHED);
            long messages = Long.parseLong(pub.group(1));
            assertThat(messages).isPositive().isEqualTo(nsqd.publishedCount()).isEqualTo(Long.parseLong(pub.group(2)) * 50);

            Matcher line = r.find(THROUGHPUT);
            Duration d = GoDuration.parse(line.group(2));
            assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofMillis(elapsedMs));
            double ops = Double.parseDouble(line.group(4));
            assertThat(ops).isCloseTo(messages / (d.toNanos() / 1e9), org.assertj.core.data.Percentage.withPercentage(0.1));
            assertThat(Double.parseDouble(line.group(3))).isCloseTo(ops * 200 / 1024 / 1024, org.assertj.core.data.Percentage.withPercentage(0.1));
            assertThat(r.out()).containsPattern("MPUB round trip \\(50 msgs\\): p50 \\d+\\.\\d{3}ms - p90 .* - p99 .* - max .* - \\d+ samples");
            assertThat(r.out()).containsPattern("\\[bench_writer] cpu: \\d+\\.\\d{3}s \\(\\d+% of one core\\)");
        }
    }

    @Test
    void writerStopsAtCountInWholeBatches() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            ToolRun r = writer("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "40s", "--count", "1050", "--batch-size", "100", "--concurrency", "3");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.find(PUBLISHED).group(1)).isEqualTo("1100");
            assertThat(nsqd.publishedCount()).isEqualTo(1100);
            assertThat(GoDuration.parse(r.find(THROUGHPUT).group(2))).as("ended by --count").isLessThan(Duration.ofSeconds(40));
        }
    }

    @Test
    void readerFinishesWhatNsqdDeliversAndAnswersHeartbeats() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            nsqd.backlog(5_000_000, 200);
            ToolRun r = reader("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "1s", "--concurrency", "2", "--rdy", "300");
            assertThat(r.code()).as(r.err()).isZero();
            Matcher fin = r.find(FINISHED);
            long messages = Long.parseLong(fin.group(1));
            assertThat(messages).isPositive().isLessThanOrEqualTo(nsqd.delivered());
            assertThat(fin.group(2)).as("redelivered").isEqualTo("0");
            assertThat(fin.group(3)).as("size mismatches").isEqualTo("0");
            assertThat(fin.group(4)).as("E_FIN_FAILED").isEqualTo("0");
            // The last FINs may still be in the fake's socket buffer when the tool returns.
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.fins() == messages);
            assertThat(nsqd.finUnknown()).isZero();
            assertThat(nsqd.nops()).as("one NOP per connection for the heartbeat after SUB").isEqualTo(2);
            Matcher line = r.find(THROUGHPUT);
            assertThat(GoDuration.parse(line.group(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void readerAlsoReportsThroughputUntilTheBacklogRanOut() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            nsqd.backlog(2_000, 200);
            ToolRun r = reader("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "3s", "--concurrency", "1");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.find(FINISHED).group(1)).isEqualTo("2000");
            Matcher whole = r.find(THROUGHPUT);
            Matcher flowing = Pattern.compile("until the last message: duration: (\\S+) - [\\d.]+mb/s - ([\\d.]+)ops/s").matcher(r.out());
            assertThat(flowing.find()).as(r.out()).isTrue();
            assertThat(GoDuration.parse(flowing.group(1))).isLessThan(GoDuration.parse(whole.group(2)));
            assertThat(Double.parseDouble(flowing.group(2))).isGreaterThan(Double.parseDouble(whole.group(4)));
        }
    }

    @Test
    void readerStopsAtCountLongBeforeRunfor() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            nsqd.backlog(10_000, 200);
            ToolRun r = reader("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "40s", "--count", "10000", "--flight", "500");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.find(FINISHED).group(1)).isEqualTo("10000");
            assertThat(GoDuration.parse(r.find(THROUGHPUT).group(2))).as("ended by --count").isLessThan(Duration.ofSeconds(40));
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.fins() == 10_000);
        }
    }

    @Test
    void writerThenReaderMoveTheSameMessages() throws Exception {
        try (FakeNsqd nsqd = fake(null)) {
            ToolRun w = writer("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "20s", "--count", "20000");
            assertThat(w.code()).as(w.err()).isZero();
            ToolRun r = reader("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "20s", "--count", "20000");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.find(FINISHED).group(1)).isEqualTo("20000");
        }
    }

    @Test
    void serverErrorsAndRefusedConnectionsExitWithOne() throws Exception {
        try (FakeNsqd nsqd = fake("E_MPUB_FAILED MPUB failed exiting")) {
            ToolRun r = writer("--nsqd-tcp-address", nsqd.tcpAddress().toString(), "--runfor", "5s");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("bench_writer: nsqd answered E_MPUB_FAILED MPUB failed exiting\n");
        }
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ToolRun r = reader("--nsqd-tcp-address", "127.0.0.1:" + closedPort, "--runfor", "5s");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("bench_reader: cannot connect to 127.0.0.1:" + closedPort).hasLineCount(1);
    }

    @Test
    void badFlagsExitWithTwoAndOneLine() throws Exception {
        String[][] bad = {{"--size", "x"}, {"--nope", "1"}, {"--runfor", "10"}, {"--topic", "bad topic"}, {"stray"},
                {"--nsqd-tcp-address", "nohost"}, {"--batch-size", "0"}, {"--size"}, {"--deadline", "tomorrow"}};
        for (String[] args : bad) {
            ToolRun w = writer(args);
            assertThat(w.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(w.err()).startsWith("bench_writer: ").hasLineCount(1);
        }
        for (String[] args : new String[][] {{"--rdy", "0"}, {"--channel", "a b"}, {"--output-buffer-timeout", "x"}}) {
            ToolRun r = reader(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).startsWith("bench_reader: ").hasLineCount(1);
        }
        assertThat(writer("--help").code()).isZero();
    }

    /** Counts what is published (bodies are not kept) and delivers 200-byte messages, as NSQ's bench tools expect. */
    private static FakeNsqd fake(String publishError) throws Exception {
        FakeNsqd nsqd = FakeNsqd.standalone();
        nsqd.keepBodies = false;
        nsqd.heartbeatAfterSub = true;
        nsqd.publishError = publishError;
        nsqd.backlog(0, 200);
        return nsqd;
    }

    private static ToolRun writer(String... args) {
        return capture(args, true);
    }

    private static ToolRun reader(String... args) {
        return capture(args, false);
    }

    private static ToolRun capture(String[] args, boolean writer) {
        return ToolRun.of(writer ? BenchWriter::run : BenchReader::run, args);
    }
}
