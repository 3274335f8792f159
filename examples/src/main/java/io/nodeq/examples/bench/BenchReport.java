package io.nodeq.examples.bench;

import io.nodeq.protocol.GoDuration;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Locale;

/** The result lines, formatted like NSQ's bench tools so their outputs can be compared side by side. */
final class BenchReport {
    private BenchReport() {
    }

    /** {@code duration: 10.000213s - 95.367mb/s - 499998.912ops/s - 2.000us/op}, as NSQ's bench_writer/bench_reader. */
    static String throughputLine(Duration duration, long messages, long bodyBytes) {
        double seconds = duration.toNanos() / 1e9;
        String usPerOp = messages == 0 ? "+Inf" : String.format(Locale.ROOT, "%.03f", duration.toNanos() / 1e3 / messages);
        return String.format(Locale.ROOT, "duration: %s - %.03fmb/s - %.03fops/s - %sus/op",
                GoDuration.format(duration), bodyBytes / seconds / 1024 / 1024, messages / seconds, usPerOp);
    }

    /** Round-trip percentiles of a histogram recorded in nanoseconds, in milliseconds. */
    static String latencyLine(String what, Histogram h) {
        if (h.getTotalCount() == 0) {
            return what + ": no samples";
        }
        return String.format(Locale.ROOT, "%s: p50 %.3fms - p90 %.3fms - p99 %.3fms - p99.9 %.3fms - max %.3fms - %d samples",
                what, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
    }

    /** How busy the tool itself was, to show it was not the bottleneck: {@code cpu: 2.310s (23% of one core)}. */
    static String cpuLine(long cpuNanos, Duration wall) {
        if (cpuNanos < 0) {
            return "cpu: unknown";
        }
        return String.format(Locale.ROOT, "cpu: %.3fs (%.0f%% of one core)", cpuNanos / 1e9, 100.0 * cpuNanos / Math.max(1, wall.toNanos()));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
