package io.nodeq.daemon.compat;

import com.sproutsocial.nsq.Publisher;
import com.sproutsocial.nsq.Subscriber;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peek and rewind seen through an independent client: what nsq-j publishes is what peek shows,
 * nsq-j's consumer then gets those very IDs, and after a rewind it gets them all again (attempt 1).
 */
class NsqjReplayTest extends NsqjFixture {
    private static final String TOPIC = "nsqj_replay";

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    List<String> channels() {
        return List.of("ch");
    }

    @Test
    void peekedIdsAreWhatNsqjGetsAndARewindGivesThemAgain() throws Exception {
        Publisher publisher = new Publisher(newClient(), "127.0.0.1:" + daemon.tcpPort(), null);
        for (int i = 0; i < 5; i++) {
            publisher.publish(TOPIC, ("replay-" + i).getBytes(StandardCharsets.UTF_8));
        }
        JsonArray peeked = new JsonObject(send("GET", "/channel/peek?topic=" + TOPIC + "&channel=ch")).getJsonArray("messages");
        assertThat(peeked).hasSize(5);

        Queue<String> got = new ConcurrentLinkedQueue<>();
        Subscriber sub = new Subscriber(newClient(), 1, 5, lookupd.address());
        sub.subscribe(TOPIC, "ch", 10, msg -> {
            got.add(msg.getId() + " " + msg.getAttempts() + " "
                    + new String(msg.getData(), StandardCharsets.UTF_8));
            msg.finish();
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JsonObject m = peeked.getJsonObject(i);
            expected.add(m.getString("id") + " 1 " + m.getString("body"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 5);
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight() == 0); // every FIN arrived

        JsonObject r = new JsonObject(send("POST", "/channel/rewind?topic=" + TOPIC + "&channel=ch&to=0"));
        assertThat(r.getLong("from_seq")).isZero();
        assertThat(r.getLong("messages")).isEqualTo(5);
        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 10);
        List<String> again = new ArrayList<>(got).subList(5, 10);
        assertThat(again).containsExactlyInAnyOrderElementsOf(expected);
    }

    private long inFlight() throws Exception {
        return daemon.broker().stats(StatsFilter.ALL).await(5, TimeUnit.SECONDS).topics().get(0).channels().get(0)
                .inFlightCount();
    }

    private String send(String method, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }
}
