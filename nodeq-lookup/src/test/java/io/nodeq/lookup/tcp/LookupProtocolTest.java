package io.nodeq.lookup.tcp;

import static io.nodeq.lookup.LookupTestSupport.getJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.nodeq.lookup.LookupTestSupport;
import io.nodeq.lookup.LookupTestSupport.V1Client;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * lookup_protocol_v1_test.go and the V1 error table (nsq-protocol.md §3.1): every error is
 * {@code [int32 size]E_...} with no frame type, then the server closes.
 */
class LookupProtocolTest {
    private static LookupServer lookup;

    @BeforeAll
    static void start() throws Exception {
        lookup = LookupTestSupport.start(LookupOptions.loopback());
    }

    @AfterAll
    static void stop() throws Exception {
        LookupTestSupport.stop(lookup);
    }

    private static void assertFatal(V1Client c, String expected) throws Exception {
        assertThat(c.read()).isEqualTo(expected);
        assertThat(c.closedByServer()).as("closed after " + expected).isTrue();
    }

    @Test
    void badMagicIsFourteenBytesThenClose() throws Exception {
        try (V1Client c = new V1Client(lookup.tcpPort())) {
            c.write("  V2");
            DataInputStream in = new DataInputStream(c.socket.getInputStream());
            byte[] all = in.readAllBytes();
            ByteBuffer expected = ByteBuffer.allocate(18).putInt(14).put("E_BAD_PROTOCOL".getBytes(StandardCharsets.US_ASCII));
            assertThat(all).isEqualTo(expected.array());
        }
    }

    @Test
    void invalidCommandIsFatal() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write("INVALID_COMMAND\n");
            assertFatal(c, "E_INVALID invalid command INVALID_COMMAND");
        }
    }

    @Test
    void pingWorksBeforeIdentify() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            assertThat(c.command("PING")).isEqualTo("OK");
            assertThat(c.command("PING\r")).isEqualTo("OK");   // lines are trimmed, so \r\n works
        }
    }

    @Test
    void registerBeforeIdentify() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write("REGISTER t1 c1\n");
            assertFatal(c, "E_INVALID client must IDENTIFY");
        }
        try (V1Client c = V1Client.connect(lookup)) {
            c.write("UNREGISTER t1\n");
            assertFatal(c, "E_INVALID client must IDENTIFY");
        }
    }

    @Test
    void registerArgumentErrors() throws Exception {
        String[][] cases = {
                {"REGISTER", "E_INVALID REGISTER insufficient number of params"},
                {"UNREGISTER", "E_INVALID UNREGISTER insufficient number of params"},
                {"REGISTER bad$topic", "E_BAD_TOPIC REGISTER topic name 'bad$topic' is not valid"},
                {"REGISTER ok bad$chan", "E_BAD_CHANNEL REGISTER channel name 'bad$chan' is not valid"},
                {"UNREGISTER ok bad:chan", "E_BAD_CHANNEL UNREGISTER channel name 'bad:chan' is not valid"},
                {"REGISTER " + "x".repeat(65), "E_BAD_TOPIC REGISTER topic name '" + "x".repeat(65) + "' is not valid"},
        };
        for (String[] tc : cases) {
            try (V1Client c = V1Client.connect(lookup)) {
                c.identify("ip.address", 5000, 5555);
                c.write(tc[0] + "\n");
                assertFatal(c, tc[1]);
            }
        }
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).doesNotContain("ok");
    }

    @Test
    void identifyErrors() throws Exception {
        String[][] cases = {
                {"{}", "E_BAD_BODY IDENTIFY missing fields"},
                {"{\"broadcast_address\":\"a\",\"tcp_port\":1,\"http_port\":2}", "E_BAD_BODY IDENTIFY missing fields"},
                {"not json", "E_BAD_BODY IDENTIFY failed to decode JSON body"},
                {"", "E_BAD_BODY IDENTIFY failed to decode JSON body"},
                {"[1]", "E_BAD_BODY IDENTIFY failed to decode JSON body"},
                {"{\"broadcast_address\":\"a\",\"tcp_port\":\"1\",\"http_port\":2,\"version\":\"1\"}",
                        "E_BAD_BODY IDENTIFY failed to decode JSON body"},
        };
        for (String[] tc : cases) {
            try (V1Client c = V1Client.connect(lookup)) {
                c.write(V1Client.identifyBytes(tc[0]));
                assertFatal(c, tc[1]);
            }
        }
    }

    @Test
    void identifyIgnoresUnknownKeysAndMatchesKeysCaseInsensitively() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write(V1Client.identifyBytes("{\"BROADCAST_ADDRESS\":\"h\",\"tcp_port\":1,\"http_port\":2,"
                    + "\"version\":\"1.3.0\",\"short_id\":\"x\",\"hostname\":null,\"extra\":{\"a\":[1]}}"));
            assertThat(c.read()).startsWith("{");
            assertThat(c.command("REGISTER ci1")).isEqualTo("OK");
        }
    }

    @Test
    void identifyTwiceIsFatal() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            c.write("IDENTIFY\n");
            assertFatal(c, "E_INVALID cannot IDENTIFY again");
        }
    }

    @Test
    void oversizedBodyIsRefused() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write(ByteBuffer.allocate(13).put("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII)).putInt(6 * 1024 * 1024).array());
            assertFatal(c, "E_BAD_BODY IDENTIFY invalid body size 6291456");
        }
        try (V1Client c = V1Client.connect(lookup)) {
            c.write(ByteBuffer.allocate(13).put("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII)).putInt(-1).array());
            assertFatal(c, "E_BAD_BODY IDENTIFY invalid body size -1");
        }
    }

    @Test
    void overlongLineIsRefused() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write("PING" + " ".repeat(LookupConnection.MAX_LINE + 10));
            assertFatal(c, "E_INVALID command line too long");
        }
    }

    @Test
    void emptyLineIsAnInvalidCommand() throws Exception {
        try (V1Client c = V1Client.connect(lookup)) {
            c.write("\n");
            assertFatal(c, "E_INVALID invalid command ");
        }
    }

    @Test
    void pipelinedCommandsInRandomSplitsAreAnsweredInOrder() throws Exception {
        byte[] identify = V1Client.identifyBytes(V1Client.nsqdIdentify("split.host", 4150, 4151));
        String cmds = "REGISTER split1\nREGISTER split1 c1\nPING\nUNREGISTER split1 c1\nREGISTER split2 c2\n";
        byte[] all = ByteBuffer.allocate(identify.length + cmds.length()).put(identify)
                .put(cmds.getBytes(StandardCharsets.US_ASCII)).array();
        Random rnd = new Random(42);
        try (V1Client c = V1Client.connect(lookup)) {
            int pos = 0;
            while (pos < all.length) {
                int n = Math.min(all.length - pos, 1 + rnd.nextInt(5));
                c.write(java.util.Arrays.copyOfRange(all, pos, pos + n));
                pos += n;
            }
            assertThat(c.read()).contains("\"tcp_port\":" + lookup.tcpPort());
            for (int i = 0; i < 5; i++) {
                assertThat(c.read()).isEqualTo("OK");
            }
            assertThat(getJson(lookup, "/lookup?topic=split2").getJsonArray("channels")).containsExactly("c2");
            assertThat(getJson(lookup, "/lookup?topic=split1").getJsonArray("producers")).hasSize(1);
        }
    }

    @Test
    void serverSurvivesGarbage() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(200)];
            rnd.nextBytes(junk);
            try (V1Client c = V1Client.connect(lookup)) {
                c.write(junk);
                c.write("\n");
            }
        }
        try (V1Client c = V1Client.connect(lookup)) {
            assertThat(c.command("PING")).isEqualTo("OK");
        }
    }
}
