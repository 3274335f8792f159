package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's TestBasicV2, TestMultipleConsumerV2 and TestChannelTopicNames over raw bytes. */
class BasicV2Test {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    @Test
    void messagePublishedBeforeTheConsumerIsDelivered() throws Exception {
        try (RawClient p = new RawClient(D.tcpPort()); RawClient c = new RawClient(D.tcpPort())) {
            assertThat(c.identify("{\"feature_negotiation\":true}")).startsWith("{\"max_rdy_count\":2500,\"version\":\"1.3.0\"");
            assertThat(c.sub("basic", "ch")).isEqualTo("OK");
            assertThat(p.pub("basic", "hello")).isEqualTo("OK");
            c.rdy(1);
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("hello");
            assertThat(m.attempts()).isEqualTo(1);
            assertThat(m.id()).matches("[0-9a-f]{16}");
            long nowNs = System.currentTimeMillis() * 1_000_000L;
            assertThat(m.timestamp()).isBetween(nowNs - 10_000_000_000L, nowNs + 1_000_000_000L);
            c.fin(m.id());
            assertThat(c.quietFor(200)).isTrue();
        }
    }

    @Test
    void eachChannelGetsACopy() throws Exception {
        try (RawClient p = new RawClient(D.tcpPort());
             RawClient c1 = new RawClient(D.tcpPort());
             RawClient c2 = new RawClient(D.tcpPort())) {
            assertThat(c1.sub("multi", "ch1")).isEqualTo("OK");
            assertThat(c2.sub("multi", "ch2")).isEqualTo("OK");
            c1.rdy(1);
            c2.rdy(1);
            assertThat(p.pub("multi", "fanout")).isEqualTo("OK");
            RawClient.Frame m1 = c1.readMessage();
            RawClient.Frame m2 = c2.readMessage();
            assertThat(m1.id()).isEqualTo(m2.id());
            assertThat(m1.body()).isEqualTo("fanout").isEqualTo(m2.body());
            assertThat(m1.attempts()).isEqualTo(1).isEqualTo(m2.attempts());
        }
    }

    @Test
    void namesFollowNsqRules() throws Exception {
        for (String name : new String[] {"test", "test-with_period.", "test#ephemeral"}) {
            try (RawClient c = new RawClient(D.tcpPort())) {
                assertThat(c.sub(name, name)).isEqualTo("OK");
            }
        }
        try (RawClient c = new RawClient(D.tcpPort())) {
            assertThat(c.sub("test:ephemeral", "ch")).isEqualTo("ERROR E_BAD_TOPIC SUB topic name \"test:ephemeral\" is not valid");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }
}
