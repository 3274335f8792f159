package io.nodeq.lookup.tcp;

import static io.nodeq.lookup.LookupTestSupport.getJson;
import static io.nodeq.lookup.LookupTestSupport.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.nodeq.lookup.LookupTestSupport;
import io.nodeq.lookup.LookupTestSupport.V1Client;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** nsqlookupd/nsqlookupd_test.go: registration over TCP as seen through HTTP. */
class LookupRegistrationTest {
    private LookupServer lookup;

    @AfterEach
    void stop() throws Exception {
        LookupTestSupport.stop(lookup);
    }

    private LookupServer start(LookupOptions o) throws Exception {
        lookup = LookupTestSupport.start(o);
        return lookup;
    }

    @Test
    void basicLookupd() throws Exception {
        start(LookupOptions.loopback());
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).isEmpty();
        try (V1Client c = V1Client.connect(lookup)) {
            JsonObject info = c.identify("ip.address", 5000, 5555);
            assertThat(info.getString("broadcast_address")).isEqualTo("127.0.0.1");
            assertThat(info.getInteger("tcp_port")).isEqualTo(lookup.tcpPort());
            assertThat(info.getInteger("http_port")).isEqualTo(lookup.httpPort());
            assertThat(info.getString("version")).isEqualTo("1.3.0");
            assertThat(info.getString("hostname")).isNotEmpty();
            assertThat(c.command("REGISTER connectmsg channel1")).isEqualTo("OK");

            JsonArray nodes = getJson(lookup, "/nodes").getJsonArray("producers");
            assertThat(nodes).hasSize(1);
            JsonObject node = nodes.getJsonObject(0);
            assertThat(node.getString("broadcast_address")).isEqualTo("ip.address");
            assertThat(node.getString("hostname")).isEqualTo("testhost");
            assertThat(node.getInteger("tcp_port")).isEqualTo(5000);
            assertThat(node.getInteger("http_port")).isEqualTo(5555);
            assertThat(node.getString("remote_address")).isEqualTo("127.0.0.1:" + c.socket.getLocalPort());
            assertThat(node.getJsonArray("topics")).containsExactly("connectmsg");
            assertThat(node.getJsonArray("tombstones")).containsExactly(false);

            assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("connectmsg");

            JsonObject l = getJson(lookup, "/lookup?topic=connectmsg");
            assertThat(l.getJsonArray("channels")).containsExactly("channel1");
            assertThat(l.getJsonArray("producers")).hasSize(1);
            JsonObject p = l.getJsonArray("producers").getJsonObject(0);
            assertThat(p.fieldNames()).containsExactlyInAnyOrder("remote_address", "hostname", "broadcast_address",
                    "tcp_port", "http_port", "version", "topology_zone", "topology_region");
            assertThat(p.getString("broadcast_address")).isEqualTo("ip.address");
            assertThat(p.getInteger("tcp_port")).isEqualTo(5000);
            assertThat(p.getInteger("http_port")).isEqualTo(5555);
            assertThat(p.getString("version")).isEqualTo("1.3.0");
        }
        // after the connection closes the channel stays listed, with no producers
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(getJson(lookup, "/lookup?topic=connectmsg").getJsonArray("producers")).isEmpty());
        assertThat(getJson(lookup, "/lookup?topic=connectmsg").getJsonArray("channels")).containsExactly("channel1");
        assertThat(getJson(lookup, "/nodes").getJsonArray("producers")).isEmpty();
    }

    @Test
    void channelUnregister() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER channel_unregister ch1")).isEqualTo("OK");
            assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("channel_unregister");
            assertThat(c.command("UNREGISTER channel_unregister ch1")).isEqualTo("OK");
            assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("channel_unregister");
            JsonObject l = getJson(lookup, "/lookup?topic=channel_unregister");
            assertThat(l.getJsonArray("channels")).containsExactly("ch1");
            assertThat(l.getJsonArray("producers")).hasSize(1);
        }
    }

    @Test
    void topicUnregisterRemovesProducerFromTopicAndChannels() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER ft1")).isEqualTo("OK");
            assertThat(c.command("REGISTER ft1 fc1")).isEqualTo("OK");
            assertThat(c.command("UNREGISTER ft1")).isEqualTo("OK");
            JsonObject l = getJson(lookup, "/lookup?topic=ft1");
            assertThat(l.getJsonArray("producers")).isEmpty();
            assertThat(l.getJsonArray("channels")).containsExactly("fc1");
            JsonObject node = getJson(lookup, "/nodes").getJsonArray("producers").getJsonObject(0);
            assertThat(node.getJsonArray("topics")).isEmpty();
            assertThat(node.getJsonArray("tombstones")).isEmpty();
            JsonObject debug = getJson(lookup, "/debug");
            assertThat(debug.fieldNames()).containsExactly("client::");
        }
    }

    @Test
    void ephemeralRegistrationsGoAwayWithTheirLastProducer() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client a = V1Client.connect(lookup); V1Client b = V1Client.connect(lookup)) {
            a.identify("a", 5000, 5555);
            b.identify("b", 6000, 6666);
            assertThat(a.command("REGISTER e1#ephemeral c#ephemeral")).isEqualTo("OK");
            assertThat(b.command("REGISTER e1#ephemeral c#ephemeral")).isEqualTo("OK");
            assertThat(a.command("REGISTER e1#ephemeral durable")).isEqualTo("OK");
            assertThat(a.command("UNREGISTER e1#ephemeral c#ephemeral")).isEqualTo("OK");
            assertThat(getJson(lookup, "/channels?topic=e1%23ephemeral").getJsonArray("channels"))
                    .containsExactlyInAnyOrder("c#ephemeral", "durable");
            assertThat(b.command("UNREGISTER e1#ephemeral c#ephemeral")).isEqualTo("OK");
            assertThat(getJson(lookup, "/channels?topic=e1%23ephemeral").getJsonArray("channels"))
                    .containsExactly("durable");
            // a non-ephemeral channel stays when its last producer leaves
            assertThat(a.command("UNREGISTER e1#ephemeral durable")).isEqualTo("OK");
            assertThat(getJson(lookup, "/channels?topic=e1%23ephemeral").getJsonArray("channels"))
                    .containsExactly("durable");
            assertThat(a.command("UNREGISTER e1#ephemeral")).isEqualTo("OK");
            assertThat(getJson(lookup, "/topics").getJsonArray("topics")).contains("e1#ephemeral");
            assertThat(b.command("UNREGISTER e1#ephemeral")).isEqualTo("OK");
            assertThat(getJson(lookup, "/topics").getJsonArray("topics")).doesNotContain("e1#ephemeral");
        }
    }

    @Test
    void tombstoneRecover() throws Exception {
        start(LookupOptions.loopback().withTombstoneLifetime(Duration.ofSeconds(2)));
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER tombstone_recover")).isEqualTo("OK");
            assertThat(c.command("REGISTER tombstone_recover2")).isEqualTo("OK");
            assertThat(http(lookup, "POST", "/topic/tombstone?topic=tombstone_recover&node=ip.address:5555").status())
                    .isEqualTo(200);
            assertThat(getJson(lookup, "/lookup?topic=tombstone_recover").getJsonArray("producers")).isEmpty();
            assertThat(getJson(lookup, "/lookup?topic=tombstone_recover2").getJsonArray("producers")).hasSize(1);
            // REGISTER during the tombstone does not clear it
            assertThat(c.command("REGISTER tombstone_recover")).isEqualTo("OK");
            assertThat(getJson(lookup, "/lookup?topic=tombstone_recover").getJsonArray("producers")).isEmpty();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(getJson(lookup, "/lookup?topic=tombstone_recover").getJsonArray("producers")).hasSize(1));
        }
    }

    @Test
    void tombstoneUnregister() throws Exception {
        start(LookupOptions.loopback().withTombstoneLifetime(Duration.ofSeconds(2)));
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER tombstone_unregister")).isEqualTo("OK");
            assertThat(http(lookup, "POST", "/topic/tombstone?topic=tombstone_unregister&node=ip.address:5555").status())
                    .isEqualTo(200);
            assertThat(getJson(lookup, "/lookup?topic=tombstone_unregister").getJsonArray("producers")).isEmpty();
            assertThat(c.command("UNREGISTER tombstone_unregister")).isEqualTo("OK");
            long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            // past the lifetime the producer stays gone
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> System.nanoTime() > until);
            assertThat(getJson(lookup, "/lookup?topic=tombstone_unregister").getJsonArray("producers")).isEmpty();
        }
    }

    @Test
    void inactiveNodes() throws Exception {
        start(LookupOptions.loopback().withInactiveProducerTimeout(Duration.ofMillis(200)));
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER inactive_nodes")).isEqualTo("OK");
            // a PING just before each look, so a slow machine does not outrun the 200 ms
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(c.command("PING")).isEqualTo("OK");
                JsonArray nodes = getJson(lookup, "/nodes").getJsonArray("producers");
                assertThat(nodes).hasSize(1);
                assertThat(nodes.getJsonObject(0).getJsonArray("topics")).containsExactly("inactive_nodes");
                assertThat(nodes.getJsonObject(0).getJsonArray("tombstones")).containsExactly(false);
            });
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(getJson(lookup, "/nodes").getJsonArray("producers")).isEmpty();
                assertThat(getJson(lookup, "/lookup?topic=inactive_nodes").getJsonArray("producers")).isEmpty();
            });
            // a PING makes it active again (REGISTER would not)
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(c.command("PING")).isEqualTo("OK");
                assertThat(getJson(lookup, "/lookup?topic=inactive_nodes").getJsonArray("producers")).hasSize(1);
            });
        }
    }

    @Test
    void tombstonedNodes() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            assertThat(c.command("REGISTER tombstoned_nodes")).isEqualTo("OK");
            assertThat(c.command("REGISTER other_topic")).isEqualTo("OK");
            assertThat(http(lookup, "POST", "/topic/tombstone?topic=tombstoned_nodes&node=ip.address:5555").status())
                    .isEqualTo(200);
            JsonArray nodes = getJson(lookup, "/nodes").getJsonArray("producers");
            assertThat(nodes).hasSize(1);
            JsonObject node = nodes.getJsonObject(0);
            JsonArray topics = node.getJsonArray("topics");
            JsonArray tombstones = node.getJsonArray("tombstones");
            assertThat(topics).hasSize(2);
            assertThat(tombstones).hasSameSizeAs(topics);
            for (int i = 0; i < topics.size(); i++) {
                assertThat(tombstones.getBoolean(i)).isEqualTo(topics.getString(i).equals("tombstoned_nodes"));
            }
        }
    }

    @Test
    void debugShowsRegistrationsWithNanosecondTimes() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            c.command("REGISTER st1 ch1");
            JsonObject d = getJson(lookup, "/debug");
            assertThat(d.fieldNames()).containsExactlyInAnyOrder("client::", "topic:st1:", "channel:st1:ch1");
            JsonObject e = d.getJsonArray("topic:st1:").getJsonObject(0);
            assertThat(e.getString("id")).isEqualTo("127.0.0.1:" + c.socket.getLocalPort());
            assertThat(e.getBoolean("tombstoned")).isFalse();
            assertThat(e.getLong("tombstoned_at")).isEqualTo(-6795364578871345152L);
            long nowNanos = System.currentTimeMillis() * 1_000_000L;
            assertThat(e.getLong("last_update")).isBetween(nowNanos - 10_000_000_000L, nowNanos + 1_000_000_000L);
        }
    }

    @Test
    void deleteTopicOverHttpDropsRegistrationsOfLiveProducers() throws Exception {
        start(LookupOptions.loopback());
        try (V1Client c = V1Client.connect(lookup)) {
            c.identify("ip.address", 5000, 5555);
            c.command("REGISTER dt1 ch1");
            assertThat(http(lookup, "POST", "/topic/delete?topic=dt1").status()).isEqualTo(200);
            assertThat(http(lookup, "GET", "/lookup?topic=dt1").status()).isEqualTo(404);
            assertThat(getJson(lookup, "/channels?topic=dt1").getJsonArray("channels")).isEmpty();
            assertThat(getJson(lookup, "/nodes").getJsonArray("producers").getJsonObject(0).getJsonArray("topics")).isEmpty();
        }
    }
}
