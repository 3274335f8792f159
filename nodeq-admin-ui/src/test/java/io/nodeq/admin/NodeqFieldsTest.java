package io.nodeq.admin;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How nodeq's own /stats fields aggregate over a mesh that mixes nodeq daemons and nsqd, and which
 * peeked bodies count as text.
 */
class NodeqFieldsTest {

    @Test
    void aNodeWithoutTheFieldsDoesNotCount() {
        JsonObject nodeq = new JsonObject().put("retention", "1h0m0s").put("max_attempts", 0)
                .put("dead_lettered_count", 4).put("dead_letter_topic", "");
        JsonObject nsqd = new JsonObject().put("depth", 3);

        JsonObject merged = NodeqFields.merge(new JsonObject(), List.of(nodeq, nsqd));

        assertThat(merged.getString("retention")).isEqualTo("1h0m0s");
        assertThat(merged.getInteger("max_attempts")).isZero();
        assertThat(merged.getLong("dead_lettered_count")).isEqualTo(4);
        assertThat(merged.getString("dead_letter_topic")).isEmpty();
        assertThat(merged.containsKey("dedup_window")).isFalse();
        assertThat(merged.containsKey("deduplicated_count")).isFalse();
        assertThat(NodeqFields.merge(new JsonObject(), List.of(nsqd, nsqd)).isEmpty()).isTrue();
    }

    @Test
    void differingSettingsAreMixedAndCountsAdd() {
        JsonObject a = new JsonObject().put("max_attempts", 5).put("dead_letter_topic", "d").put("dead_lettered_count", 1);
        JsonObject b = new JsonObject().put("max_attempts", 3).put("dead_letter_topic", "d").put("dead_lettered_count", 2);

        JsonObject merged = NodeqFields.merge(new JsonObject(), List.of(a, b));

        assertThat(merged.getValue("max_attempts")).isEqualTo(NodeqFields.MIXED);
        assertThat(merged.getString("dead_letter_topic")).isEqualTo("d");
        assertThat(merged.getLong("dead_lettered_count")).isEqualTo(3);
        assertThat(NodeqFields.deadLetterTopic(a)).isEqualTo("d");
        assertThat(NodeqFields.deadLetterTopic(new JsonObject().put("dead_letter_topic", ""))).isNull();
    }

    @Test
    void onlyPrintableUtf8IsText() {
        assertThat(PeekView.text("line one\n\ttwo – ü".getBytes(StandardCharsets.UTF_8))).isEqualTo("line one\n\ttwo – ü");
        assertThat(PeekView.text(new byte[] {'a', 0, 'b'})).isNull();
        assertThat(PeekView.text(new byte[] {(byte) 0xc3, (byte) 0x28})).isNull();
        assertThat(PeekView.text(new byte[0])).isEmpty();
    }
}
