package io.nodeq.daemon.http;

import io.nodeq.daemon.TestDaemons;
import io.nodeq.daemon.storage.Metadata;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.nodeq.daemon.http.HttpClientSupport.assertEmptyOk;
import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * nodeq's topic settings (dedup_window, retention) and channel settings (max_attempts,
 * dead_letter_topic): set at creation and with /topic/config and /channel/config, shown in /stats
 * and /metrics, kept in nsqd.dat across a restart, defaults from --max-attempts and
 * --dead-letter-suffix, and a 400 with a reason for bad values.
 */
class SettingsApiTest extends RealDaemonFixture {

    @Test
    void topicSettingsAtCreationAndByConfig() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=t&dedup_window=2m&retention=24h"));
        JsonObject t = topic("t");
        assertThat(t.getString("dedup_window")).isEqualTo("2m0s");
        assertThat(t.getString("retention")).isEqualTo("24h0m0s");
        assertThat(t.getLong("deduplicated_count")).isZero();

        assertEmptyOk(http.post("/topic/config?topic=t&retention=0"));
        assertThat(topic("t").getString("retention")).isEqualTo("0s");
        assertThat(topic("t").getString("dedup_window")).isEqualTo("2m0s");
        // a topic that a PUB creates has neither
        http.post("/pub?topic=plain", "x");
        assertThat(topic("plain").getString("dedup_window")).isEqualTo("0s");

        assertError(http.post("/topic/config?topic=nope&retention=1h"), 404, "TOPIC_NOT_FOUND");
        assertError(http.post("/topic/config?topic=t"), 400, "MISSING_ARG_SETTING");
        assertError(http.post("/topic/config?topic=t&durability=durable"), 400, "DURABILITY_FIXED_AT_CREATION");
        assertError(http.post("/topic/config?topic=t&dedup_window=soon"), 400, "INVALID_DEDUP_WINDOW");
        assertError(http.post("/topic/config?topic=t&retention=-1h"), 400, "INVALID_RETENTION");
        assertError(http.post("/topic/create?topic=u&retention=1x"), 400, "INVALID_RETENTION");
        assertThat(topic("u")).isNull();

        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("nodeq_topic_dedup_window_seconds{topic=\"t\"} 120");
        assertThat(metrics).contains("nodeq_topic_deduplicated_total{topic=\"t\"} 0");
    }

    @Test
    void channelSettingsAtCreationAndByConfig() throws Exception {
        start();
        http.post("/topic/create?topic=orders");
        assertEmptyOk(http.post("/channel/create?topic=orders&channel=billing&max_attempts=5&dead_letter_topic=orders.dead"));
        JsonObject c = channel("orders", "billing");
        assertThat(c.getInteger("max_attempts")).isEqualTo(5);
        assertThat(c.getString("dead_letter_topic")).isEqualTo("orders.dead");
        assertThat(c.getLong("dead_lettered_count")).isZero();

        assertEmptyOk(http.post("/channel/config?topic=orders&channel=billing&max_attempts=2"));
        assertThat(channel("orders", "billing").getInteger("max_attempts")).isEqualTo(2);
        assertThat(channel("orders", "billing").getString("dead_letter_topic")).isEqualTo("orders.dead");
        assertEmptyOk(http.post("/channel/config?topic=orders&channel=billing&dead_letter_topic="));
        assertThat(channel("orders", "billing").getString("dead_letter_topic")).isEmpty();

        assertError(http.post("/channel/config?topic=orders&channel=nope&max_attempts=1"), 404, "CHANNEL_NOT_FOUND");
        assertError(http.post("/channel/config?topic=orders&channel=billing"), 400, "MISSING_ARG_SETTING");
        assertError(http.post("/channel/config?topic=orders&channel=billing&max_attempts=-1"), 400, "INVALID_MAX_ATTEMPTS");
        assertError(http.post("/channel/config?topic=orders&channel=billing&max_attempts=70000"), 400, "INVALID_MAX_ATTEMPTS");
        assertError(http.post("/channel/config?topic=orders&channel=billing&max_attempts=x"), 400, "INVALID_MAX_ATTEMPTS");
        assertError(http.post("/channel/create?topic=orders&channel=b2&dead_letter_topic=a:b"), 400, "INVALID_DEAD_LETTER_TOPIC");
        // its own topic as dead-letter topic would loop
        assertError(http.post("/channel/config?topic=orders&channel=billing&dead_letter_topic=orders"), 400,
                "INVALID_DEAD_LETTER_TOPIC");

        assertThat(http.get("/metrics").body()).contains("nodeq_channel_max_attempts{topic=\"orders\",channel=\"billing\"} 2");
    }

    @Test
    void settingsSurviveARestartThroughNsqdDat() throws Exception {
        start();
        http.post("/topic/create?topic=kept&dedup_window=90s&retention=1h");
        http.post("/channel/create?topic=kept&channel=c&max_attempts=4&dead_letter_topic=kept.dead");
        await().atMost(Duration.ofSeconds(5)).until(() -> Metadata.load(dataDir).topics().stream()
                .anyMatch(t -> t.name().equals("kept") && "1m30s".equals(t.dedupWindow())
                        && t.channels().stream().anyMatch(ch -> Integer.valueOf(4).equals(ch.maxAttempts()))));
        TestDaemons.stop(daemon);
        start();
        assertThat(topic("kept").getString("dedup_window")).isEqualTo("1m30s");
        assertThat(topic("kept").getString("retention")).isEqualTo("1h0m0s");
        JsonObject c = channel("kept", "c");
        assertThat(c.getInteger("max_attempts")).isEqualTo(4);
        assertThat(c.getString("dead_letter_topic")).isEqualTo("kept.dead");
    }

    @Test
    void newChannelsTakeTheDaemonDefaults() throws Exception {
        start(b -> b.maxAttempts(3).deadLetterSuffix(".dead"));
        http.post("/topic/create?topic=jobs");
        http.post("/channel/create?topic=jobs&channel=w");
        assertThat(channel("jobs", "w").getInteger("max_attempts")).isEqualTo(3);
        assertThat(channel("jobs", "w").getString("dead_letter_topic")).isEqualTo("jobs.dead");
        // a dead-letter topic's own channels do not get a dead-letter topic of their own
        http.post("/topic/create?topic=jobs.dead");
        http.post("/channel/create?topic=jobs.dead&channel=audit&max_attempts=0");
        assertThat(channel("jobs.dead", "audit").getString("dead_letter_topic")).isEmpty();
        assertThat(channel("jobs.dead", "audit").getInteger("max_attempts")).isZero();
    }
}
