package io.nodeq.tools;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.config.UsageException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code nodeq stat}: nsq_stat. Every interval, one row per channel of the topic summed over the
 * daemons: depth (memory / disk), in flight, deferred, requeued and timed out (totals), messages per
 * second (since the previous row) and connected clients.
 */
final class StatCommand implements ToolCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int HEADER_EVERY = 25;
    private static final String HEADER = String.format("%-8s  %-20s %9s %9s %9s %7s %7s | %9s %9s %10s %5s",
            "time", "channel", "depth", "mem", "disk", "inflt", "def", "req", "t-o", "msgs/s", "conns");

    @Override
    public String name() {
        return "stat";
    }

    @Override
    public String summary() {
        return "live depth, in-flight and rates of a topic's channels (like nsq_stat)";
    }

    @Override
    public FlagTable flags() {
        return FLAGS;
    }

    private static final FlagTable FLAGS = new FlagTable("nodeq stat", """
            nodeq stat --topic T [--channel C] [--nsqd-http-address A]... | [--lookupd-http-address A]...
                       [--interval 2s] [--count N]

            Every interval prints one row per channel of topic T, summed over the daemons:
            depth (mem + disk), in flight, deferred, requeued and timed out (totals since the daemons
            started), messages/s since the previous row (- on the first), connected clients.
            A topic without channels shows one row "-" with the topic's own depth.""")
            .add("topic", Kind.STRING, "", "topic to watch (required)")
            .add("channel", Kind.STRING, "", "only this channel")
            .add("nsqd-http-address", Kind.STRINGS, List.of(), "daemon HTTP address (repeatable)")
            .add("lookupd-http-address", Kind.STRINGS, List.of(), "lookup HTTP address to find the daemons "
                    + "(repeatable; default 127.0.0.1:4161 when no --nsqd-http-address is given)")
            .add("interval", Kind.DURATION, Duration.ofSeconds(2), "time between rows")
            .add("count", Kind.LONG, 0L, "stop after N samples (0: until Ctrl-C)");

    @Override
    public int run(FlagTable.Values flags, ToolIo io) throws Exception {
        String topic = flags.required("topic");
        String channel = flags.string("channel");
        List<NsqAddress> daemons = ToolCommand.addresses(flags, "nsqd-http-address", 4151);
        List<NsqAddress> lookups = ToolCommand.addresses(flags, "lookupd-http-address", 4161);
        if (!daemons.isEmpty() && !lookups.isEmpty()) {
            throw new UsageException("use --nsqd-http-address or --lookupd-http-address, not both");
        }
        if (daemons.isEmpty() && lookups.isEmpty()) {
            lookups = List.of(NsqAddress.parse(TailCommand.DEFAULT_LOOKUP, 4161));
        }
        Duration interval = ToolCommand.positive(flags, "interval");
        long count = ToolCommand.count(flags, "count");

        MeshStats mesh = new MeshStats(topic, channel.isEmpty() ? null : channel, daemons, lookups);
        PrintStream out = io.out();
        StatSample previous = null;
        int lines = 0;
        for (long n = 0; count == 0 || n < count; n++) {
            if (n > 0 && waitOrStop(io, interval)) {
                break;
            }
            StatSample s = mesh.sample();
            s.errors().forEach(e -> io.err().println("nodeq stat: " + e));
            if (lines % HEADER_EVERY == 0) {
                out.println(HEADER);
            }
            String time = LocalTime.now().format(TIME);
            if (s.rows().isEmpty()) {
                out.printf("%-8s  %s%n", time, s.daemons() == 0 && s.errors().isEmpty()
                        ? "no daemon has topic " + topic : "no channel " + (channel.isEmpty() ? "" : channel + " ") + "yet");
                lines++;
            }
            for (Map.Entry<String, StatSample.Row> e : s.rows().entrySet()) {
                out.println(row(time, e.getKey(), e.getValue(), previous, s));
                lines++;
            }
            out.flush();
            previous = s;
        }
        return 0;
    }

    static String row(String time, String channel, StatSample.Row r, StatSample previous, StatSample now) {
        String rate = "-";
        StatSample.Row before = previous == null ? null : previous.rows().get(channel);
        if (before != null) {
            double seconds = (now.takenAtNanos() - previous.takenAtNanos()) / 1e9;
            // a daemon restart resets counters: show 0 rather than a negative rate
            rate = String.format("%.1f", Math.max(0, r.messageCount() - before.messageCount()) / Math.max(seconds, 1e-3));
        }
        return String.format("%-8s  %-20s %9d %9d %9d %7d %7d | %9d %9d %10s %5d", time, channel, r.depth(),
                r.memoryDepth(), r.backendDepth(), r.inFlight(), r.deferred(), r.requeued(), r.timedOut(), rate, r.clients());
    }

    /** Sleeps one interval; true when asked to stop meanwhile. */
    private static boolean waitOrStop(ToolIo io, Duration interval) throws InterruptedException {
        try {
            io.stop().get(interval.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }
}
