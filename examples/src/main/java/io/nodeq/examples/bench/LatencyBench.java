package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.protocol.GoDuration;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency at a fixed publish rate, the figure NSQ's own tools do not give: {@code
 * --publishers} connections send single-message PUBs open loop ({@link LatencyPublisher}), one
 * consumer FINs them ({@link LatencyConsumer}), each body carries its send time. After the warm-up,
 * the measured window; then up to {@code --drain-timeout} for the last OKs and deliveries. Prints,
 * in a fixed format that {@code examples/compare-nsqd.sh} parses (times in whole microseconds):
 *
 * <pre>
 * # latency_bench 127.0.0.1:4150 topic=latency channel=ch rate=1000/s publishers=4 ...
 * e2e: n=10000 p50=95us p90=130us p99=250us p99.9=3170us max=5120us mean=101us
 * pub_rtt: n=10000 p50=... (the same fields)
 * pacing: n=10000 behind_p50=3us behind_p99=60us behind_max=900us
 * rates: target=1000/s pub=1000/s consume=1000/s window=10.00s
 * totals: sent=13000 acked=13000 pub_errors=0 unanswered=0 received=13000 missing=0 foreign=0 redelivered=0 fin_failed=0 drain_ms=1
 * </pre>
 *
 * The same lines, flags and exit codes as the Go tool the project's README latency figures were taken
 * with. Exit 0 ok, 1 failure (one line per problem on stderr), 2 bad flags, 3 incomplete: a PUB got
 * no answer or an acknowledged message never arrived.
 */
public final class LatencyBench {
    static final String TOOL = "latency_bench";
    static final int INCOMPLETE = 3;
    /** Lets every connection's thread start before the first command is due. */
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private LatencyBench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with command-line flags; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return BenchCommand.runCoded(LatencyOptions.FLAGS, args, LatencyOptions::from, (options, printTo) -> bench(options, printTo, err), out, err);
    }

    static int bench(LatencyOptions o, PrintStream out, PrintStream err) throws Exception {
        long tag = new SecureRandom().nextLong();
        if (o.httpAddress() != null) {
            create(o.httpAddress(), o.topic(), o.channel());
        }
        LatencyConsumer consumer = LatencyConsumer.connect(o, tag);
        List<LatencyPublisher> publishers = new ArrayList<>();
        try {
            for (int i = 0; i < o.publishers(); i++) {
                publishers.add(LatencyPublisher.connect(i, o, tag));
            }
        } catch (IOException e) {
            consumer.close();
            for (LatencyPublisher p : publishers) {
                p.close();
            }
            throw e;
        }
        out.printf(Locale.ROOT, "# %s %s topic=%s channel=%s rate=%s/s publishers=%d size=%d rdy=%d warmup=%s duration=%s identify=%s%s%n",
                TOOL, o.address(), o.topic(), o.channel(), number(o.rate()), o.publishers(), o.size(), o.rdy(),
                GoDuration.format(o.warmup()), GoDuration.format(o.duration()),
                identifyText(o), consumer.server().isEmpty() ? "" : " server=" + consumer.server());

        long start = System.nanoTime() + START_DELAY_NANOS;
        long measureStart = start + o.warmup().toNanos();
        long pubEnd = measureStart + o.duration().toNanos();
        consumer.start(measureStart, pubEnd);
        for (LatencyPublisher p : publishers) {
            p.start(start, measureStart, pubEnd);
        }
        List<String> problems = new ArrayList<>();
        // A sender blocked in a write to a server that stopped reading is freed by closing its socket.
        long sendersDeadline = pubEnd + o.drainTimeout().toNanos();
        for (LatencyPublisher p : publishers) {
            if (!p.awaitSender(sendersDeadline)) {
                problems.add("publisher still writing " + GoDuration.format(o.drainTimeout()) + " after the end: the server stopped reading?");
                p.close();
            }
        }
        long sendersDone = System.nanoTime();

        // Drain: every command answered and every acknowledged message delivered, or the timeout.
        long drainDeadline = sendersDone + o.drainTimeout().toNanos();
        while (!drained(publishers, consumer) && System.nanoTime() < drainDeadline) {
            LockSupport.parkNanos(DRAIN_POLL_NANOS);
        }
        long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sendersDone);
        List<LatencyPublisher.Totals> sides = new ArrayList<>();
        for (LatencyPublisher p : publishers) {
            sides.add(p.close());
        }
        return report(o, sides, consumer.close(), problems, drainMillis, out, err);
    }

    /** Prints the result lines and the problems; returns the exit code. */
    private static int report(LatencyOptions o, List<LatencyPublisher.Totals> publishers, LatencyConsumer.Totals c,
                              List<String> problems, long drainMillis, PrintStream out, PrintStream err) {
        long sent = 0;
        long answered = 0;
        long acked = 0;
        long sentWindow = 0;
        Histogram rtt = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram behind = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (LatencyPublisher.Totals t : publishers) {
            sent += t.sent();
            answered += t.answered();
            acked += t.acked();
            sentWindow += t.sentWindow();
            rtt.add(t.rtt());
            behind.add(t.behind());
            problems.addAll(t.problems());
        }
        problems.addAll(c.problems());
        long received = c.received();
        double window = o.duration().toNanos() / 1e9;

        out.println(histogramLine("e2e", c.e2e()));
        out.println(histogramLine("pub_rtt", rtt));
        out.println(behind.getTotalCount() == 0 ? "pacing: n=0 behind_p50=na behind_p99=na behind_max=na"
                : String.format(Locale.ROOT, "pacing: n=%d behind_p50=%dus behind_p99=%dus behind_max=%dus", behind.getTotalCount(),
                        us(behind.getValueAtPercentile(50)), us(behind.getValueAtPercentile(99)), us(behind.getMaxValue())));
        out.printf(Locale.ROOT, "rates: target=%s/s pub=%.0f/s consume=%.0f/s window=%.2fs%n",
                number(o.rate()), sentWindow / window, c.receivedWindow() / window, window);
        long failed = answered - acked;
        long missing = Math.max(0, acked - received);
        long unanswered = sent - answered;
        out.printf(Locale.ROOT, "totals: sent=%d acked=%d pub_errors=%d unanswered=%d received=%d missing=%d foreign=%d "
                        + "redelivered=%d fin_failed=%d drain_ms=%d%n", sent, acked, failed, unanswered, received, missing,
                c.foreign(), c.redelivered(), c.finFailed(), drainMillis);
        for (String p : problems) {
            err.println(TOOL + ": " + p);
        }
        if (!problems.isEmpty() || failed > 0) {
            return 1;
        }
        if (missing > 0 || unanswered > 0) {
            err.printf(Locale.ROOT, "%s: incomplete after the %s drain: %d PUBs unanswered, %d acknowledged messages not received%n",
                    TOOL, GoDuration.format(o.drainTimeout()), unanswered, missing);
            return INCOMPLETE;
        }
        return 0;
    }

    /** What the consumer's IDENTIFY asks for, as the header line shows it. */
    private static String identifyText(LatencyOptions o) {
        if (!o.identify()) {
            return "none";
        }
        List<String> asked = new ArrayList<>();
        if (o.outputBufferTimeout() != null) {
            asked.add("output_buffer_timeout=" + o.outputBufferTimeout().toMillis() + "ms");
        }
        if (o.outputBufferSize() != 0) {
            asked.add("output_buffer_size=" + o.outputBufferSize());
        }
        return String.join(",", asked);
    }

    private static boolean drained(List<LatencyPublisher> publishers, LatencyConsumer consumer) {
        long acked = 0;
        for (LatencyPublisher p : publishers) {
            if (p.answered() < p.written()) {
                return false;
            }
            acked += p.acked();
        }
        return consumer.received() >= acked;
    }

    /** {@code name: n=N p50=Xus p90=Xus p99=Xus p99.9=Xus max=Xus mean=Xus}, or {@code =na} for each without samples. */
    static String histogramLine(String name, Histogram h) {
        if (h.getTotalCount() == 0) {
            return name + ": n=0 p50=na p90=na p99=na p99.9=na max=na mean=na";
        }
        long max = h.getMaxValue();
        return String.format(Locale.ROOT, "%s: n=%d p50=%dus p90=%dus p99=%dus p99.9=%dus max=%dus mean=%.0fus", name, h.getTotalCount(),
                us(Math.min(h.getValueAtPercentile(50), max)), us(Math.min(h.getValueAtPercentile(90), max)),
                us(Math.min(h.getValueAtPercentile(99), max)), us(Math.min(h.getValueAtPercentile(99.9), max)), us(max),
                h.getMean() / 1000);
    }

    private static long us(long nanos) {
        return nanos / 1000;
    }

    /** A rate as given: 1000, not 1000.0; 2.5 as 2.5. */
    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** POST /topic/create then /channel/create, as NSQ's bench.sh does before its run. */
    static void create(NsqAddress http, String topic, String channel) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String t = URLEncoder.encode(topic, StandardCharsets.UTF_8);
        for (String path : List.of("/topic/create?topic=" + t,
                "/channel/create?topic=" + t + "&channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + http + path))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body().strip());
            }
        }
    }
}
