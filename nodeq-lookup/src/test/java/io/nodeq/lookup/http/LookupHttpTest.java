package io.nodeq.lookup.http;

import static io.nodeq.lookup.LookupTestSupport.getJson;
import static io.nodeq.lookup.LookupTestSupport.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.nodeq.lookup.LookupTestSupport;
import io.nodeq.lookup.LookupTestSupport.Reply;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** nsqlookupd/http_test.go, plus the router and format conventions of nsq-protocol.md §3.4 / §2.1. */
class LookupHttpTest {
    private LookupServer lookup;

    @BeforeEach
    void start() throws Exception {
        lookup = LookupTestSupport.start(LookupOptions.loopback());
    }

    @AfterEach
    void stop() throws Exception {
        LookupTestSupport.stop(lookup);
    }

    private void assertError(Reply r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().getString("message")).isEqualTo(message);
        assertThat(r.header("X-NSQ-Content-Type")).isEqualTo("nsq; version=1.0");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }

    private void assertEmptyOk(Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("X-NSQ-Content-Type")).isEqualTo("nsq; version=1.0");
    }

    @Test
    void ping() throws Exception {
        Reply r = http(lookup, "GET", "/ping");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    void info() throws Exception {
        Reply r = http(lookup, "GET", "/info");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().encode()).isEqualTo("{\"version\":\"1.3.0\"}");
        assertThat(r.header("X-NSQ-Content-Type")).isEqualTo("nsq; version=1.0");
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    }

    @Test
    void createTopic() throws Exception {
        assertError(http(lookup, "POST", "/topic/create"), 400, "MISSING_ARG_TOPIC");
        assertError(http(lookup, "POST", "/topic/create?topic=sampletopicA$"), 400, "INVALID_ARG_TOPIC");
        assertError(http(lookup, "POST", "/topic/create?topic="), 400, "INVALID_ARG_TOPIC");
        assertEmptyOk(http(lookup, "POST", "/topic/create?topic=sampletopicA"));
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("sampletopicA");
        // a topic created over HTTP has no producers yet, and no channels: [] not null
        assertThat(getJson(lookup, "/lookup?topic=sampletopicA").encode())
                .isEqualTo("{\"channels\":[],\"producers\":[]}");
    }

    @Test
    void deleteTopic() throws Exception {
        assertError(http(lookup, "POST", "/topic/delete"), 400, "MISSING_ARG_TOPIC");
        assertEmptyOk(http(lookup, "POST", "/topic/create?topic=sampletopicA"));
        assertEmptyOk(http(lookup, "POST", "/topic/delete?topic=sampletopicA"));
        assertEmptyOk(http(lookup, "POST", "/channel/create?topic=sampletopicB&channel=sampleChannelB"));
        assertEmptyOk(http(lookup, "POST", "/topic/delete?topic=sampletopicB"));
        assertEmptyOk(http(lookup, "POST", "/topic/delete?topic=neverexisted"));
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).isEmpty();
        assertThat(getJson(lookup, "/channels?topic=sampletopicB").getJsonArray("channels")).isEmpty();
        assertError(http(lookup, "GET", "/lookup?topic=sampletopicB"), 404, "TOPIC_NOT_FOUND");
    }

    @Test
    void getChannels() throws Exception {
        assertError(http(lookup, "GET", "/channels"), 400, "MISSING_ARG_TOPIC");
        assertEmptyOk(http(lookup, "POST", "/topic/create?topic=sampletopicA"));
        assertThat(getJson(lookup, "/channels?topic=sampletopicA").encode()).isEqualTo("{\"channels\":[]}");
        assertThat(getJson(lookup, "/channels?topic=unknown").encode()).isEqualTo("{\"channels\":[]}");
        assertEmptyOk(http(lookup, "POST", "/channel/create?topic=sampletopicA&channel=sampleChannelA"));
        assertThat(getJson(lookup, "/channels?topic=sampletopicA").getJsonArray("channels"))
                .containsExactly("sampleChannelA");
    }

    @Test
    void createChannel() throws Exception {
        assertError(http(lookup, "POST", "/channel/create"), 400, "MISSING_ARG_TOPIC");
        assertError(http(lookup, "POST", "/channel/create?topic=sampletopicB$"), 400, "INVALID_ARG_TOPIC");
        assertError(http(lookup, "POST", "/channel/create?topic=sampletopicB"), 400, "MISSING_ARG_CHANNEL");
        assertError(http(lookup, "POST", "/channel/create?topic=sampletopicB&channel=sampleChannelB$"), 400,
                "INVALID_ARG_CHANNEL");
        assertEmptyOk(http(lookup, "POST", "/channel/create?topic=sampletopicB&channel=sampleChannelB"));
        // creating a channel creates its topic too
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("sampletopicB");
        assertThat(getJson(lookup, "/lookup?topic=sampletopicB").getJsonArray("channels"))
                .containsExactly("sampleChannelB");
    }

    @Test
    void deleteChannel() throws Exception {
        assertError(http(lookup, "POST", "/channel/delete"), 400, "MISSING_ARG_TOPIC");
        assertError(http(lookup, "POST", "/channel/delete?topic=sampletopicB$"), 400, "INVALID_ARG_TOPIC");
        assertError(http(lookup, "POST", "/channel/delete?topic=sampletopicB"), 400, "MISSING_ARG_CHANNEL");
        assertError(http(lookup, "POST", "/channel/delete?topic=sampletopicB&channel=sampleChannelB$"), 400,
                "INVALID_ARG_CHANNEL");
        assertError(http(lookup, "POST", "/channel/delete?topic=sampletopicB&channel=sampleChannelB"), 404,
                "CHANNEL_NOT_FOUND");
        assertEmptyOk(http(lookup, "POST", "/channel/create?topic=sampletopicB&channel=sampleChannelB"));
        assertEmptyOk(http(lookup, "POST", "/channel/delete?topic=sampletopicB&channel=sampleChannelB"));
        assertThat(getJson(lookup, "/channels?topic=sampletopicB").getJsonArray("channels")).isEmpty();
        // the topic stays
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).containsExactly("sampletopicB");
    }

    @Test
    void lookupNeedsTopic() throws Exception {
        assertError(http(lookup, "GET", "/lookup"), 400, "MISSING_ARG_TOPIC");
        assertError(http(lookup, "GET", "/lookup?topic=nope"), 404, "TOPIC_NOT_FOUND");
    }

    @Test
    void tombstoneNeedsTopicAndNode() throws Exception {
        assertError(http(lookup, "POST", "/topic/tombstone"), 400, "MISSING_ARG_TOPIC");
        assertError(http(lookup, "POST", "/topic/tombstone?topic=t"), 400, "MISSING_ARG_NODE");
        assertEmptyOk(http(lookup, "POST", "/topic/tombstone?topic=t&node=127.0.0.1:4151"));
    }

    @Test
    void emptyRegistryAnswersEmptyArrays() throws Exception {
        assertThat(getJson(lookup, "/topics").encode()).isEqualTo("{\"topics\":[]}");
        assertThat(getJson(lookup, "/nodes").encode()).isEqualTo("{\"producers\":[]}");
        assertThat(getJson(lookup, "/debug").encode()).isEqualTo("{}");
    }

    @Test
    void unknownPathAndWrongMethod() throws Exception {
        assertError(http(lookup, "GET", "/nope"), 404, "NOT_FOUND");
        Reply r = http(lookup, "GET", "/topic/create?topic=x");
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.header("Allow")).contains("POST");
        Reply r2 = http(lookup, "POST", "/lookup?topic=x");
        assertError(r2, 405, "METHOD_NOT_ALLOWED");
        assertThat(r2.header("Allow")).contains("GET");
        // nothing was created by the refused calls
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).isEmpty();
    }

    @Test
    void parametersComeFromTheQueryStringOnly() throws Exception {
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + lookup.httpPort() + "/topic/create"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("topic=formtopic")).build();
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"message\":\"MISSING_ARG_TOPIC\"}");
        // first value of a repeated parameter wins
        assertEmptyOk(http(lookup, "POST", "/topic/create?topic=first&topic=second"));
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).isEqualTo(new JsonArray().add("first"));
    }

    @Test
    void deprecatedSpellingsStillWork() throws Exception {
        assertEmptyOk(http(lookup, "GET", "/create_topic?topic=old1"));
        assertEmptyOk(http(lookup, "POST", "/create_channel?topic=old1&channel=c1"));
        assertThat(getJson(lookup, "/channels?topic=old1").getJsonArray("channels")).containsExactly("c1");
        assertEmptyOk(http(lookup, "POST", "/delete_channel?topic=old1&channel=c1"));
        assertEmptyOk(http(lookup, "GET", "/delete_topic?topic=old1"));
        assertThat(getJson(lookup, "/topics").getJsonArray("topics")).isEmpty();
    }
}
