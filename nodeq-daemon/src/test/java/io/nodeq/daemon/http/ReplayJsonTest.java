package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.PeekedMessage;
import io.nodeq.protocol.Headers;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How peek shows one message (headers when the record's flag bit 0 says the body starts with a
 * header block, bad UTF-8 as U+FFFD beside exact base64), and how {@code n} and {@code to} are read.
 */
class ReplayJsonTest {
    private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

    private static PeekedMessage message(int flags, byte[] body, String state, long due) {
        return new PeekedMessage(0x0123456789abcdefL, 42, 1_790_000_000_123_456_789L, 2, state, flags, body, due);
    }

    @Test
    void aRecordWithTheHeadersFlagShowsItsHeadersAndThePayload() {
        byte[] body = Headers.of("Trace-Id", "abc", "Nodeq-Msg-Id", "42").frame(PAYLOAD);
        JsonObject o = ReplayHandlers.json(message(1, body, PeekedMessage.QUEUED, 0));
        assertThat(o.getJsonObject("headers")).isEqualTo(new JsonObject().put("Trace-Id", "abc").put("Nodeq-Msg-Id", "42"));
        assertThat(o.getString("body")).isEqualTo("payload");
        assertThat(o.getString("body_base64")).isEqualTo("cGF5bG9hZA==");
        assertThat(o.getString("id")).isEqualTo("0123456789abcdef");
        assertThat(o.getLong("seq")).isEqualTo(42);
        assertThat(o.getLong("timestamp")).isEqualTo(1_790_000_000_123_456_789L);
        assertThat(o.getInteger("attempts")).isEqualTo(2);
        assertThat(o.fieldNames()).containsExactly("id", "seq", "timestamp", "attempts", "state", "body", "body_base64",
                "headers");
    }

    @Test
    void withoutTheFlagTheBodyIsShownAsStored() {
        byte[] body = Headers.of("Trace-Id", "abc").frame(PAYLOAD);
        JsonObject o = ReplayHandlers.json(message(0, body, PeekedMessage.QUEUED, 0));
        assertThat(o.getJsonObject("headers")).isEqualTo(new JsonObject());
        assertThat(o.getBinary("body_base64")).isEqualTo(body);
    }

    @Test
    void aFlaggedBodyWithoutAValidBlockIsShownWhole() {
        byte[] body = {0x00, 0x7f, 'x'};
        JsonObject o = ReplayHandlers.json(message(1, body, PeekedMessage.QUEUED, 0));
        assertThat(o.getJsonObject("headers")).isEqualTo(new JsonObject());
        assertThat(o.getBinary("body_base64")).isEqualTo(body);
    }

    @Test
    void badUtf8IsReplacedInTheTextAndExactInBase64() {
        byte[] body = {'f', (byte) 0xff, 'g'};
        JsonObject o = ReplayHandlers.json(message(0, body, PeekedMessage.REQUEUED, 0));
        assertThat(o.getString("body")).isEqualTo("f\uFFFDg");
        assertThat(o.getString("body_base64")).isEqualTo("Zv9n");
        assertThat(o.containsKey("due")).isFalse();
    }

    @Test
    void aDeferredMessageSaysWhenItIsDue() {
        JsonObject o = ReplayHandlers.json(message(0, PAYLOAD, PeekedMessage.DEFERRED, 1_790_000_060_000L));
        assertThat(o.getString("state")).isEqualTo("deferred");
        assertThat(o.getLong("due")).isEqualTo(1_790_000_060_000L);
    }

    @Test
    void nIsOneToAThousandAndTenWhenAbsent() {
        assertThat(ReplayHandlers.count(null)).isEqualTo(10);
        assertThat(ReplayHandlers.count("1")).isEqualTo(1);
        assertThat(ReplayHandlers.count("1000")).isEqualTo(1000);
        for (String bad : new String[] {"0", "1001", "", "x", "2147483648", " 5"}) {
            assertThatThrownBy(() -> ReplayHandlers.count(bad)).hasMessage("INVALID_N");
        }
    }

    @Test
    void toIsRfc3339OrUnixMilliseconds() {
        assertThat(ReplayHandlers.epochNanos("2026-12-02T10:00:00Z")).isEqualTo(1_796_205_600_000_000_000L);
        assertThat(ReplayHandlers.epochNanos("2026-12-02T11:00:00+01:00")).isEqualTo(1_796_205_600_000_000_000L);
        assertThat(ReplayHandlers.epochNanos("2026-12-02T11:00:00 01:00")).isEqualTo(1_796_205_600_000_000_000L);
        assertThat(ReplayHandlers.epochNanos("2026-12-02T10:00:00.000000001Z")).isEqualTo(1_796_205_600_000_000_001L);
        assertThat(ReplayHandlers.epochNanos("1796205600000")).isEqualTo(1_796_205_600_000_000_000L);
        assertThat(ReplayHandlers.epochNanos("0")).isZero();
        assertThatThrownBy(() -> ReplayHandlers.epochNanos(null)).hasMessage("MISSING_ARG_TO");
        for (String bad : new String[] {"", "now", "2026-12-02", "2026-12-02T10:00:00", "-1", "9999999999999999999"}) {
            assertThatThrownBy(() -> ReplayHandlers.epochNanos(bad)).as(bad).hasMessage("INVALID_TO");
        }
    }
}
