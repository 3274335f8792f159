package io.nodeq.daemon.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.nodeq.daemon.http.HttpClientSupport.assertEmptyOk;
import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static io.nodeq.daemon.http.HttpClientSupport.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /topic/* and /channel/* on a real daemon: empty 200s and nsqd's error texts, and nsqd's
 * TestHTTPV1TopicChannel, TestDeleteTopic, TestEmptyTopic and TestEmptyChannel.
 */
class TopicChannelApiTest extends RealDaemonFixture {

    @Test
    void topicCreateIsEmpty200AndIdempotent() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=t1"));
        assertEmptyOk(http.post("/topic/create?topic=t1"));
        assertThat(topicNames()).containsExactly("t1");
        assertError(http.post("/topic/create"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/create?topic=a:b"), 400, "INVALID_TOPIC");
        assertError(http.post("/topic/create", "topic=t2"), 400, "MISSING_ARG_TOPIC");
    }

    @Test
    void topicDelete() throws Exception {
        start();
        assertError(http.post("/topic/delete"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/delete?topic=nope"), 404, "TOPIC_NOT_FOUND");
        // the name is not validated, it is simply not found
        assertError(http.post("/topic/delete?topic=bad:name"), 404, "TOPIC_NOT_FOUND");
        http.post("/topic/create?topic=t1");
        assertEmptyOk(http.post("/topic/delete?topic=t1"));
        assertThat(topicNames()).isEmpty();
    }

    @Test
    void topicEmpty() throws Exception {
        start();
        assertError(http.post("/topic/empty"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/empty?topic=...$"), 400, "INVALID_TOPIC");
        assertError(http.post("/topic/empty?topic=nope"), 404, "TOPIC_NOT_FOUND");
        http.post("/pub?topic=t1", "x");
        assertEmptyOk(http.post("/topic/empty?topic=t1"));
        assertThat(topicDepth("t1")).isZero();
    }

    @Test
    void topicPauseAndUnpause() throws Exception {
        start();
        assertError(http.post("/topic/pause"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/pause?topic=nope"), 404, "TOPIC_NOT_FOUND");
        assertError(http.post("/topic/unpause?topic=bad:name"), 404, "TOPIC_NOT_FOUND");
        http.post("/topic/create?topic=t1");
        assertEmptyOk(http.post("/topic/pause?topic=t1"));
        assertThat(topic("t1").getBoolean("paused")).isTrue();
        assertEmptyOk(http.post("/topic/unpause?topic=t1"));
        assertThat(topic("t1").getBoolean("paused")).isFalse();
    }

    @Test
    void channelArgumentErrorsUseTheSharedHelperTexts() throws Exception {
        start();
        for (String op : new String[] {"create", "delete", "empty", "pause", "unpause"}) {
            String path = "/channel/" + op;
            assertError(http.post(path), 400, "MISSING_ARG_TOPIC");
            assertError(http.post(path + "?topic=a:b&channel=c"), 400, "INVALID_ARG_TOPIC");
            assertError(http.post(path + "?topic=t1"), 400, "MISSING_ARG_CHANNEL");
            assertError(http.post(path + "?topic=t1&channel=c:d"), 400, "INVALID_ARG_CHANNEL");
            assertError(http.post(path + "?topic=nope&channel=c"), 404, "TOPIC_NOT_FOUND");
        }
        assertThat(topicNames()).isEmpty();
    }

    @Test
    void channelLifecycle() throws Exception {
        start();
        assertError(http.post("/channel/create?topic=t1&channel=c1"), 404, "TOPIC_NOT_FOUND");
        http.post("/topic/create?topic=t1");
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c1"));
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c1"));
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c2%23ephemeral"));
        assertThat(channelNames("t1")).containsExactlyInAnyOrder("c1", "c2#ephemeral");
        for (String op : new String[] {"delete", "empty", "pause", "unpause"}) {
            assertError(http.post("/channel/" + op + "?topic=t1&channel=nope"), 404, "CHANNEL_NOT_FOUND");
        }
        assertEmptyOk(http.post("/channel/pause?topic=t1&channel=c1"));
        assertThat(channel("t1", "c1").getBoolean("paused")).isTrue();
        assertEmptyOk(http.post("/channel/unpause?topic=t1&channel=c1"));
        assertThat(channel("t1", "c1").getBoolean("paused")).isFalse();
        assertEmptyOk(http.post("/channel/empty?topic=t1&channel=c1"));
        assertThat(channel("t1", "c1").getLong("depth")).isZero();
        assertEmptyOk(http.post("/channel/delete?topic=t1&channel=c1"));
        assertThat(channelNames("t1")).containsExactly("c2#ephemeral");
    }

    @Test
    void v1TopicChannelLifecycle() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=v1tc"));
        assertEmptyOk(http.post("/channel/create?topic=v1tc&channel=ch"));
        assertThat(channel("v1tc", "ch")).isNotNull();

        assertError(http.post("/topic/pause"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/pause?topic=v1tc_none"), 404, "TOPIC_NOT_FOUND");

        assertEmptyOk(http.post("/topic/pause?topic=v1tc"));
        assertThat(topic("v1tc").getBoolean("paused")).isTrue();
        assertEmptyOk(http.post("/topic/unpause?topic=v1tc"));
        assertThat(topic("v1tc").getBoolean("paused")).isFalse();

        assertEmptyOk(http.post("/channel/pause?topic=v1tc&channel=ch"));
        assertThat(channel("v1tc", "ch").getBoolean("paused")).isTrue();
        assertEmptyOk(http.post("/channel/unpause?topic=v1tc&channel=ch"));
        assertThat(channel("v1tc", "ch").getBoolean("paused")).isFalse();

        assertEmptyOk(http.post("/channel/delete?topic=v1tc&channel=ch"));
        assertThat(channel("v1tc", "ch")).isNull();
        assertThat(topic("v1tc")).isNotNull();
        assertEmptyOk(http.post("/topic/delete?topic=v1tc"));
        assertThat(topic("v1tc")).isNull();
    }

    @Test
    void channelCreateNeedsAnExistingTopic() throws Exception {
        start();
        assertError(http.post("/channel/create?topic=cc_none&channel=ch"), 404, "TOPIC_NOT_FOUND");
        assertThat(topic("cc_none")).isNull();
        assertError(http.post("/channel/create?topic=cc:bad&channel=ch"), 400, "INVALID_ARG_TOPIC");
        assertError(http.post("/channel/create?topic=cc&channel=c:h"), 400, "INVALID_ARG_CHANNEL");
    }

    @Test
    void deleteTopic() throws Exception {
        start();
        assertError(http.post("/topic/delete"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/delete?topic=del_none"), 404, "TOPIC_NOT_FOUND");
        assertEmptyOk(http.post("/topic/create?topic=del_me"));
        assertEmptyOk(http.post("/topic/delete?topic=del_me"));
        assertThat(topic("del_me")).isNull();
    }

    @Test
    void emptyTopic() throws Exception {
        start();
        assertError(http.post("/topic/empty"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/empty?topic=" + java.net.URLEncoder.encode("...$", "UTF-8")), 400, "INVALID_TOPIC");
        assertError(http.post("/topic/empty?topic=empty_none"), 404, "TOPIC_NOT_FOUND");
        assertOkText(http.post("/pub?topic=empty_t", "a"));
        assertThat(topicDepth("empty_t")).isEqualTo(1);
        assertEmptyOk(http.post("/topic/empty?topic=empty_t"));
        assertThat(topicDepth("empty_t")).isZero();
    }

    @Test
    void emptyChannel() throws Exception {
        start();
        assertError(http.post("/channel/empty"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/channel/empty?topic=emptyc_t"), 400, "MISSING_ARG_CHANNEL");
        assertError(http.post("/channel/empty?topic=emptyc_none&channel=ch"), 404, "TOPIC_NOT_FOUND");
        assertEmptyOk(http.post("/topic/create?topic=emptyc_t"));
        assertError(http.post("/channel/empty?topic=emptyc_t&channel=ch"), 404, "CHANNEL_NOT_FOUND");
        assertEmptyOk(http.post("/channel/create?topic=emptyc_t&channel=ch"));
        assertOkText(http.post("/mpub?topic=emptyc_t", "a\nb"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel("emptyc_t", "ch").getLong("depth") == 2);
        assertEmptyOk(http.post("/channel/empty?topic=emptyc_t&channel=ch"));
        assertThat(channel("emptyc_t", "ch").getLong("depth")).isZero();
    }

    private List<String> channelNames(String topic) throws Exception {
        List<String> out = new ArrayList<>();
        topic(topic).getJsonArray("channels").forEach(c -> out.add(((JsonObject) c).getString("channel_name")));
        return out;
    }
}
