package io.nodeq.tools;

import java.util.List;
import java.util.Map;

/**
 * One look at a topic across the mesh: per channel, the sums over every daemon that answered.
 * Immutable. A topic without channels is reported as one row named {@link #NO_CHANNEL} with the
 * topic's own depth (its messages wait there for the first channel).
 *
 * @param rows    by channel name, sorted
 * @param daemons daemons that answered
 * @param errors  one line per lookup or daemon that did not answer
 */
record StatSample(long takenAtNanos, Map<String, Row> rows, int daemons, List<String> errors) {
    static final String NO_CHANNEL = "-";

    /** Sums of {@code /stats} counters; names after nsqd's JSON keys. */
    record Row(long depth, long backendDepth, long inFlight, long deferred, long requeued, long timedOut,
               long messageCount, long clients) {
        static final Row ZERO = new Row(0, 0, 0, 0, 0, 0, 0, 0);

        Row plus(Row o) {
            return new Row(depth + o.depth, backendDepth + o.backendDepth, inFlight + o.inFlight, deferred + o.deferred,
                    requeued + o.requeued, timedOut + o.timedOut, messageCount + o.messageCount, clients + o.clients);
        }

        long memoryDepth() {
            return depth - backendDepth;
        }
    }
}
