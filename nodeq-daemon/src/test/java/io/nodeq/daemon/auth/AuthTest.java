package io.nodeq.daemon.auth;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.Publisher;
import io.nodeq.client.ConnectionOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.protocol.Commands;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * AUTH as nsqd does it (nsq-protocol.md §1.6 AUTH, §1.13, pitfall 18), against a small auth
 * server started here: allowed, denied, no authorizations, auth server failing, regex permissions
 * (unanchored; publish needs a channel regex matching ""), TTL expiry and refresh, what the auth
 * server is asked, and the identity in /stats.
 */
class AuthTest {
    @TempDir
    static Path dir;
    static TestAuthServer auth;
    static Daemon daemon;

    @BeforeAll
    static void start() throws Exception {
        auth = new TestAuthServer()
                .grant("pub-orders", 3600, "orders-writer", "[{\"topic\":\"^orders\\\\.\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]")
                .grant("sub-only", 3600, "reader", "[{\"topic\":\"orders\",\"channels\":[\"^audit$\"],\"permissions\":[\"subscribe\"]}]")
                .grant("pub-needs-empty-channel", 3600, "strict", "[{\"topic\":\".*\",\"channels\":[\"^ch$\"],\"permissions\":[\"publish\",\"subscribe\"]}]")
                .grant("nothing", 3600, "nobody", "[]")
                .grant("short", 1, "brief", "[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"publish\"]}]")
                .grant("bad-permission", 3600, "x", "[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"admin\"]}]")
                .answer("broken", 500);
        daemon = TestDaemons.start(dir, b -> b.authHttpAddresses(List.of(auth.address())));
    }

    @AfterAll
    static void stop() throws Exception {
        TestDaemons.stop(daemon);
        auth.close();
    }

    static RawClient identified() throws Exception {
        RawClient c = new RawClient(daemon.tcpPort());
        assertThat(c.identify("{\"feature_negotiation\":true}")).contains("\"auth_required\":true");
        return c;
    }

    static String auth(RawClient c, String secret) throws Exception {
        c.send(Commands.auth(Buffer.buffer(), secret.getBytes(StandardCharsets.UTF_8)));
        return c.readResponse();
    }

    @Test
    void allowedPublishAndTheQueryNsqdWouldSend() throws Exception {
        String topic = "orders." + unique("a");
        try (RawClient c = identified()) {
            assertThat(auth(c, "pub-orders"))
                    .isEqualTo("{\"identity\":\"orders-writer\",\"identity_url\":\"https://example.invalid/orders-writer\",\"permission_count\":1}");
            assertThat(c.pub(topic, "hello")).isEqualTo("OK");
            // the topic regex is unanchored at the end: "orders.x" matches "^orders\."
            assertThat(c.pub(topic + "-more", "hello")).isEqualTo("OK");
        }
        MultiMap q = auth.queries.stream().filter(m -> "pub-orders".equals(m.get("secret"))).findFirst().orElseThrow();
        assertThat(q.get("remote_ip")).isEqualTo("127.0.0.1");
        assertThat(q.get("tls")).isEqualTo("false");
        assertThat(q.get("common_name")).isEmpty();
        assertThat(DaemonStats.topic(daemon, topic).messageCount()).isEqualTo(1);
    }

    @Test
    void theIdentityIsShownInStats() throws Exception {
        String topic = unique("orders");
        try (RawClient c = identified()) {
            auth(c, "sub-only");
            assertThat(c.sub(topic, "audit")).isEqualTo("OK");
            java.net.HttpURLConnection h = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:"
                    + daemon.httpPort() + "/stats?format=json&topic=" + topic).openConnection();
            String json = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"authed\":true", "\"auth_identity\":\"reader\"",
                    "\"auth_identity_url\":\"https://example.invalid/reader\"", "\"tls\":false");
        }
    }

    @Test
    void commandsBeforeAuthAreRefused() throws Exception {
        for (String cmd : List.of("PUB", "SUB")) {
            try (RawClient c = identified()) {
                String reply = cmd.equals("PUB") ? c.pub(unique("first"), "x") : c.sub(unique("first"), "ch");
                assertThat(reply).isEqualTo("ERROR E_AUTH_FIRST AUTH required before " + cmd);
                assertThat(c.closedByServer(2000)).isTrue();
            }
        }
    }

    @Test
    void deniedCommandsGetNsqdsUnauthorizedText() throws Exception {
        String topic = unique("orders");
        try (RawClient c = identified()) {
            assertThat(auth(c, "sub-only")).contains("\"identity\":\"reader\"");
            assertThat(c.pub(topic, "x")).isEqualTo("ERROR E_UNAUTHORIZED AUTH failed for PUB on \"" + topic + "\" \"\"");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = identified()) {
            auth(c, "sub-only");
            assertThat(c.sub(topic, "other")).isEqualTo("ERROR E_UNAUTHORIZED AUTH failed for SUB on \"" + topic + "\" \"other\"");
        }
        try (RawClient c = identified()) {
            auth(c, "sub-only");
            assertThat(c.sub(topic, "audit")).isEqualTo("OK");
        }
        assertThat(DaemonStats.topic(daemon, topic).messageCount()).isZero();
    }

    @Test
    void publishNeedsAChannelRegexThatMatchesTheEmptyString() throws Exception {
        String topic = unique("strict");
        try (RawClient c = identified()) {
            auth(c, "pub-needs-empty-channel");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
        }
        try (RawClient c = identified()) {
            auth(c, "pub-needs-empty-channel");
            assertThat(c.pub(topic, "x")).startsWith("ERROR E_UNAUTHORIZED AUTH failed for PUB");
        }
    }

    @Test
    void failuresOfTheAuthServerAndEmptyGrants() throws Exception {
        try (RawClient c = identified()) {
            assertThat(auth(c, "nothing")).isEqualTo("ERROR E_UNAUTHORIZED AUTH no authorizations found");
        }
        for (String secret : List.of("broken", "unknown-secret", "bad-permission")) {
            try (RawClient c = identified()) {
                assertThat(auth(c, secret)).isEqualTo("ERROR E_AUTH_FAILED AUTH failed");
                assertThat(c.closedByServer(2000)).isTrue();
            }
        }
        try (RawClient c = identified()) {
            auth(c, "pub-orders");
            assertThat(auth(c, "pub-orders")).isEqualTo("ERROR E_INVALID AUTH already set");
        }
    }

    @Test
    void anExpiredGrantIsFetchedAgainBeforeTheNextCommand() throws Exception {
        String topic = unique("ttl");
        try (RawClient c = identified()) {
            auth(c, "short");
            assertThat(c.pub(topic, "1")).isEqualTo("OK");
            long before = auth.queriesFor("short");
            await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(3)).until(() -> true);
            // pipelined: the first PUB waits for the refresh, the second behind it; order kept
            c.send(Commands.pub(Commands.pub(Buffer.buffer(), topic, "2".getBytes()), topic, "3".getBytes()));
            assertThat(c.readResponse()).isEqualTo("OK");
            assertThat(c.readResponse()).isEqualTo("OK");
            assertThat(auth.queriesFor("short")).isEqualTo(before + 1);
            // a refresh that fails ends the connection with E_AUTH_FAILED
            auth.answer("short", 500);
            await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(c.pub(topic, "4")).isEqualTo("ERROR E_AUTH_FAILED AUTH failed");
        }
        assertThat(DaemonStats.topic(daemon, topic).messageCount()).isEqualTo(3);
    }

    @Test
    void ourClientAndNsqjSendTheSecret() throws Exception {
        String topic = "orders." + unique("clients");
        try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + daemon.tcpPort())
                .connection(ConnectionOptions.builder().authSecret("pub-orders").build()).build())) {
            p.publish(topic, "ours").get(10, TimeUnit.SECONDS);
        }
        Client client = new Client();
        client.setAuthSecret("pub-orders");
        try {
            Publisher pub = new Publisher(client, "127.0.0.1:" + daemon.tcpPort(), null);
            pub.publish(topic, "nsq-j".getBytes(StandardCharsets.UTF_8));
        } finally {
            client.stop(2);
        }
        assertThat(DaemonStats.topic(daemon, topic).messageCount()).isEqualTo(2);
    }
}
