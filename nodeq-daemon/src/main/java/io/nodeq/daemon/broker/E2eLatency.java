package io.nodeq.daemon.broker;

import io.nodeq.daemon.stats.StatsSnapshot;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end processing latency (publish to FIN) over a sliding window, as nsqd's
 * --e2e-processing-latency-percentile / --e2e-processing-latency-window-time: two histograms,
 * each covering half the window, the older dropped when the newer fills its half.
 *
 * <p>Owned by its channel's shard.
 */
final class E2eLatency {
    private static final long MAX_TRACKABLE_NS = 24L * 3600 * 1_000_000_000L;
    private final double[] quantiles;
    private final long halfWindowNs;
    private Histogram current;
    private Histogram previous;
    private long rotateAt;

    E2eLatency(List<Double> quantiles, long windowNs) {
        this.quantiles = quantiles.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        this.halfWindowNs = Math.max(1, windowNs / 2);
        if (this.quantiles.length > 0) {
            current = new Histogram(MAX_TRACKABLE_NS, 2);
            previous = new Histogram(MAX_TRACKABLE_NS, 2);
        }
    }

    boolean enabled() {
        return quantiles.length > 0;
    }

    void record(long latencyNs, long nowMono) {
        if (!enabled()) {
            return;
        }
        rotate(nowMono);
        current.recordValue(Math.max(0, Math.min(latencyNs, MAX_TRACKABLE_NS)));
    }

    private void rotate(long nowMono) {
        if (rotateAt == 0) {
            rotateAt = nowMono + halfWindowNs;
        }
        if (nowMono >= rotateAt) {
            Histogram h = previous;
            previous = current;
            current = h;
            current.reset();
            if (nowMono >= rotateAt + halfWindowNs) {
                previous.reset();
            }
            rotateAt = nowMono + halfWindowNs;
        }
    }

    /** Adds this window's samples into {@code into} (for the topic's merged figure). */
    void addTo(Histogram into, long nowMono) {
        if (!enabled()) {
            return;
        }
        rotate(nowMono);
        into.add(current);
        into.add(previous);
    }

    StatsSnapshot.E2eLatency snapshot(long nowMono) {
        if (!enabled()) {
            return StatsSnapshot.E2eLatency.NONE;
        }
        Histogram merged = new Histogram(MAX_TRACKABLE_NS, 2);
        addTo(merged, nowMono);
        return of(merged, quantiles);
    }

    Histogram newHistogram() {
        return new Histogram(MAX_TRACKABLE_NS, 2);
    }

    double[] quantiles() {
        return quantiles;
    }

    /** nsqd lists quantiles in descending order. */
    static StatsSnapshot.E2eLatency of(Histogram h, double[] quantiles) {
        List<StatsSnapshot.Quantile> out = new ArrayList<>(quantiles.length);
        for (int i = quantiles.length - 1; i >= 0; i--) {
            long v = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(quantiles[i] * 100.0);
            out.add(new StatsSnapshot.Quantile(quantiles[i], v));
        }
        return new StatsSnapshot.E2eLatency(h.getTotalCount(), out);
    }
}
