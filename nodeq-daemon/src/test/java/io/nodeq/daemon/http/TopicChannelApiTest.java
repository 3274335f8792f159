package io.nodeq.daemon.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /topic/* and /channel/* against a fake broker: empty 200s and nsqd's error texts. */
class TopicChannelApiTest extends FakeApiFixture {

    @Test
    void topicCreateIsEmpty200AndIdempotent() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=t1"));
        assertEmptyOk(http.post("/topic/create?topic=t1"));
        assertThat(broker.topics).containsOnlyKeys("t1");
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
        assertThat(broker.topics).isEmpty();
    }

    @Test
    void topicEmpty() throws Exception {
        start();
        assertError(http.post("/topic/empty"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/empty?topic=...$"), 400, "INVALID_TOPIC");
        assertError(http.post("/topic/empty?topic=nope"), 404, "TOPIC_NOT_FOUND");
        http.post("/pub?topic=t1", "x");
        assertEmptyOk(http.post("/topic/empty?topic=t1"));
        assertThat(broker.topic("t1").emptied).isEqualTo(1);
    }

    @Test
    void topicPauseAndUnpause() throws Exception {
        start();
        assertError(http.post("/topic/pause"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/pause?topic=nope"), 404, "TOPIC_NOT_FOUND");
        assertError(http.post("/topic/unpause?topic=bad:name"), 404, "TOPIC_NOT_FOUND");
        http.post("/topic/create?topic=t1");
        assertEmptyOk(http.post("/topic/pause?topic=t1"));
        assertThat(broker.topic("t1").paused).isTrue();
        assertEmptyOk(http.post("/topic/unpause?topic=t1"));
        assertThat(broker.topic("t1").paused).isFalse();
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
        assertThat(broker.topics).isEmpty();
    }

    @Test
    void channelLifecycle() throws Exception {
        start();
        assertError(http.post("/channel/create?topic=t1&channel=c1"), 404, "TOPIC_NOT_FOUND");
        http.post("/topic/create?topic=t1");
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c1"));
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c1"));
        assertEmptyOk(http.post("/channel/create?topic=t1&channel=c2%23ephemeral"));
        assertThat(broker.topic("t1").channels).containsOnlyKeys("c1", "c2#ephemeral");
        for (String op : new String[] {"delete", "empty", "pause", "unpause"}) {
            assertError(http.post("/channel/" + op + "?topic=t1&channel=nope"), 404, "CHANNEL_NOT_FOUND");
        }
        assertEmptyOk(http.post("/channel/pause?topic=t1&channel=c1"));
        assertThat(broker.topic("t1").channels).containsEntry("c1", true);
        assertEmptyOk(http.post("/channel/unpause?topic=t1&channel=c1"));
        assertThat(broker.topic("t1").channels).containsEntry("c1", false);
        assertEmptyOk(http.post("/channel/empty?topic=t1&channel=c1"));
        assertThat(broker.calls).contains("emptyChannel t1 c1");
        assertEmptyOk(http.post("/channel/delete?topic=t1&channel=c1"));
        assertThat(broker.topic("t1").channels).containsOnlyKeys("c2#ephemeral");
    }
}
