package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * IDENTIFY negotiation and its refusals (nsq-protocol.md §1.8, §1.6 AUTH): nsqd's
 * TestOutputBufferingValidity, the reply half of TestOutputBuffering, the AUTH answer without an
 * auth server, and tls_v1 never being granted by a daemon without --tls-cert (TlsTest covers TLS).
 */
class IdentifyTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.maxOutputBufferSize(512 * 1024)
            .maxOutputBufferTimeout(Duration.ofSeconds(1)));

    private static final String DEFAULT_REPLY = "{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"max_msg_timeout\":900000,"
            + "\"msg_timeout\":60000,\"tls_v1\":false,\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,"
            + "\"snappy\":false,\"sample_rate\":0,\"auth_required\":false,\"output_buffer_size\":16384,"
            + "\"output_buffer_timeout\":250,\"topology_region\":\"\",\"topology_zone\":\"\"}";

    @Test
    void negotiationReplyHasNsqdsKeysValuesAndOrder() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true}")).isEqualTo(DEFAULT_REPLY);
        }
    }

    @Test
    void withoutFeatureNegotiationTheReplyIsOk() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"client_id\":\"x\",\"hostname\":\"h\"}")).isEqualTo("OK");
            assertThat(c.identify("{}")).isEqualTo("OK");
        }
    }

    @Test
    void unknownKeysAndNullsAreIgnored() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"short_id\":\"a\",\"long_id\":\"b\","
                    + "\"heartbeat_interval\":null,\"msg_timeout\":null,\"whatever\":{\"x\":[1,2]}}"))
                    .isEqualTo(DEFAULT_REPLY);
        }
    }

    @Test
    void outputBufferSettingsAreEchoedAndRepeatedIdentifyIsAllowed() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify(buffering(512 * 1024, 1000)))
                    .contains("\"output_buffer_size\":524288,\"output_buffer_timeout\":1000");
            assertThat(c.identify(buffering(-1, -1))).contains("\"output_buffer_size\":1,\"output_buffer_timeout\":0");
            assertThat(c.identify(buffering(0, 0))).contains("\"output_buffer_size\":16384,\"output_buffer_timeout\":250");
            assertThat(c.identify(buffering(512 * 1024 + 1, 0)))
                    .isEqualTo("ERROR E_BAD_BODY IDENTIFY output buffer size (524289) is invalid");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = D.client()) {
            assertThat(c.identify(buffering(0, 1001)))
                    .isEqualTo("ERROR E_BAD_BODY IDENTIFY output buffer timeout (1001) is invalid");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        assertRefused("{\"output_buffer_size\":63}", "E_BAD_BODY IDENTIFY output buffer size (63) is invalid");
        assertRefused("{\"output_buffer_timeout\":24}", "E_BAD_BODY IDENTIFY output buffer timeout (24) is invalid");
    }

    @Test
    void aLargeMessageArrivesWithABigOutputBuffer() throws Exception {
        String topic = unique("obuf");
        byte[] body = new byte[255 * 1024];
        Arrays.fill(body, (byte) 'b');
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify(buffering(256 * 1024, 500)))
                    .contains("\"output_buffer_size\":262144,\"output_buffer_timeout\":500");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(10);
            p.send(Commands.pub(Buffer.buffer(), topic, body));
            assertThat(p.readResponse()).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo(new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void otherOutOfRangeValuesAreRefusedInNsqdsOrder() throws Exception {
        assertRefused("{\"sample_rate\":100}", "E_BAD_BODY IDENTIFY sample rate (100) is invalid");
        assertRefused("{\"sample_rate\":-1}", "E_BAD_BODY IDENTIFY sample rate (-1) is invalid");
        assertRefused("{\"msg_timeout\":999}", "E_BAD_BODY IDENTIFY msg timeout (999) is invalid");
        assertRefused("{\"msg_timeout\":900001}", "E_BAD_BODY IDENTIFY msg timeout (900001) is invalid");
        // heartbeat is checked before the output buffer, which is checked before the sample rate
        assertRefused("{\"sample_rate\":100,\"output_buffer_size\":1,\"heartbeat_interval\":5}",
                "E_BAD_BODY IDENTIFY heartbeat interval (5) is invalid");
        assertRefused("{\"sample_rate\":100,\"output_buffer_size\":1}",
                "E_BAD_BODY IDENTIFY output buffer size (1) is invalid");
    }

    @Test
    void badJsonAndWrongTypesAreRefused() throws Exception {
        assertRefused("{not json", "E_BAD_BODY IDENTIFY failed to decode JSON body");
        assertRefused("{\"heartbeat_interval\":\"1000\"}", "E_BAD_BODY IDENTIFY failed to decode JSON body");
        assertRefused("{\"msg_timeout\":1500.5}", "E_BAD_BODY IDENTIFY failed to decode JSON body");
        assertRefused("{\"snappy\":1}", "E_BAD_BODY IDENTIFY failed to decode JSON body");
    }

    @Test
    void snappyAndDeflateTogetherAreRefused() throws Exception {
        assertRefused("{\"feature_negotiation\":true,\"snappy\":true,\"deflate\":true}",
                "E_IDENTIFY_FAILED cannot enable both deflate and snappy compression");
    }

    @Test
    void deflateLevelIsOnlyHonouredWhenDeflateIsGranted() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"deflate_level\":3}"))
                    .contains("\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6");
        }
    }

    @Test
    void tlsIsNeverGrantedAndTheConnectionStaysPlain() throws Exception {
        String topic = unique("tls");
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"tls_v1\":true}")).contains("\"tls_v1\":false");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            assertThat(c.pub(topic, "plain")).isEqualTo("OK");
        }
    }

    @Test
    void authWithoutAnAuthServerIsDisabled() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true}")).contains("\"auth_required\":false");
            c.send(Commands.auth(Buffer.buffer(), "secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(c.readResponse()).isEqualTo("ERROR E_AUTH_DISABLED AUTH disabled");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = D.client()) {
            assertThat(c.sub(unique("auth"), "ch")).isEqualTo("OK");
            c.send(Commands.auth(Buffer.buffer(), "secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(c.readResponse()).isEqualTo("ERROR E_INVALID cannot AUTH in current state");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    @Test
    void identifyAfterSubIsFatal() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.sub(unique("id"), "ch")).isEqualTo("OK");
            assertThat(c.identify("{}")).isEqualTo("ERROR E_INVALID cannot IDENTIFY in current state");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    private static String buffering(int size, int timeoutMs) {
        return "{\"feature_negotiation\":true,\"output_buffer_size\":" + size + ",\"output_buffer_timeout\":" + timeoutMs + "}";
    }

    private static void assertRefused(String json, String error) throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.answerThenClose(Commands.identify(Buffer.buffer(), json.getBytes(StandardCharsets.UTF_8))))
                    .isEqualTo("ERROR " + error);
        }
    }
}
