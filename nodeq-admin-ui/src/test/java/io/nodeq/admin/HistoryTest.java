package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart sampler's ring buffers: rates from per-node deltas, bounded size, no negative spikes. */
class HistoryTest {
    private static final Node A = node("127.0.0.1:1");
    private static final Node B = node("127.0.0.1:2");

    @Test
    void rateIsTheSumOfPerNodeDeltasOverTheInterval() {
        History h = new History(1000, 10_000);
        h.record(snapshot(0, List.of(stats(A, 100, 5), stats(B, 50, 0))));
        h.record(snapshot(2000, List.of(stats(A, 140, 3), stats(B, 70, 1))));

        assertThat(h.rate("t", null)).isEqualTo(30.0);           // (40 + 20) / 2 s
        assertThat(h.rate("t", "c")).isEqualTo(30.0);
        JsonObject s = h.series("t", null);
        assertThat(s.getJsonArray("depth")).isEqualTo(new JsonArray().add(15L).add(14L));  // topics (2 x 5) + channels
        assertThat(h.series("t", "c").getJsonArray("time")).hasSize(2);
    }

    @Test
    void aNodeLeavingOrRestartingNeverMakesTheRateNegative() {
        History h = new History(1000, 10_000);
        h.record(snapshot(0, List.of(stats(A, 100, 0), stats(B, 50, 0))));
        h.record(snapshot(1000, List.of(stats(A, 110, 0))));     // B gone
        assertThat(h.rate("t", null)).isEqualTo(10.0);
        h.record(snapshot(2000, List.of(stats(A, 5, 0), stats(B, 60, 0))));   // A restarted, B back
        assertThat(h.rate("t", null)).isZero();
    }

    @Test
    void ringKeepsOnlyTheWindow() {
        History h = new History(1000, 5_000);
        for (int i = 0; i < 20; i++) {
            h.record(snapshot(i * 1000L, List.of(stats(A, i * 10L, 0))));
        }
        assertThat(h.series("t", null).getJsonArray("time")).hasSize(6);
        assertThat(h.series("t", null).getJsonArray("time").getDouble(5)).isEqualTo(19.0);
    }

    private static Node node(String address) {
        return new Node(address, "h", "127.0.0.1", 4150, 4151, "1.3.0", List.of(), List.of(), List.of());
    }

    private static Snapshot.NodeStats stats(Node n, long count, long depth) {
        JsonObject channel = new JsonObject().put("channel_name", "c").put("depth", depth).put("message_count", count);
        JsonObject topic = new JsonObject().put("topic_name", "t").put("depth", 5L).put("message_count", count)
                .put("channels", new JsonArray().add(channel));
        return new Snapshot.NodeStats(n, new JsonObject().put("topics", new JsonArray().add(topic)));
    }

    private static Snapshot snapshot(long at, List<Snapshot.NodeStats> nodes) {
        return new Snapshot(at, nodes, List.of(), List.of(), List.of());
    }
}
