package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.nodeq.daemon.http.FakeApiFixture.assertEmptyOk;
import static io.nodeq.daemon.http.FakeApiFixture.assertError;
import static io.nodeq.daemon.http.FakeApiFixture.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's TestHTTPV1TopicChannel, TestDeleteTopic, TestEmptyTopic, TestEmptyChannel on a real daemon. */
class HttpTopicChannelTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension();

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void v1TopicChannelLifecycle() throws Exception {
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
        assertError(http.post("/channel/create?topic=cc_none&channel=ch"), 404, "TOPIC_NOT_FOUND");
        assertThat(topic("cc_none")).isNull();
        assertError(http.post("/channel/create?topic=cc:bad&channel=ch"), 400, "INVALID_ARG_TOPIC");
        assertError(http.post("/channel/create?topic=cc&channel=c:h"), 400, "INVALID_ARG_CHANNEL");
    }

    @Test
    void deleteTopic() throws Exception {
        assertError(http.post("/topic/delete"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/delete?topic=del_none"), 404, "TOPIC_NOT_FOUND");
        assertEmptyOk(http.post("/topic/create?topic=del_me"));
        assertEmptyOk(http.post("/topic/delete?topic=del_me"));
        assertThat(topic("del_me")).isNull();
    }

    @Test
    void emptyTopic() throws Exception {
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
        assertError(http.post("/channel/empty"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/channel/empty?topic=emptyc_t"), 400, "MISSING_ARG_CHANNEL");
        assertError(http.post("/channel/empty?topic=emptyc_none&channel=ch"), 404, "TOPIC_NOT_FOUND");
        assertEmptyOk(http.post("/topic/create?topic=emptyc_t"));
        assertError(http.post("/channel/empty?topic=emptyc_t&channel=ch"), 404, "CHANNEL_NOT_FOUND");
        assertEmptyOk(http.post("/channel/create?topic=emptyc_t&channel=ch"));
        assertOkText(http.post("/mpub?topic=emptyc_t", "a\nb"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> channel("emptyc_t", "ch").getLong("depth") == 2);
        assertEmptyOk(http.post("/channel/empty?topic=emptyc_t&channel=ch"));
        assertThat(channel("emptyc_t", "ch").getLong("depth")).isZero();
    }
}
