package io.nodeq.tools;

import io.nodeq.client.NsqAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a topic's numbers the way nsq_stat does: the daemons come from the given list or from every
 * lookup's {@code /lookup?topic=}, then each daemon's {@code /stats?format=json&topic=} is summed per
 * channel. Owned by the thread that calls {@link #sample()} (blocking HTTP, never an event loop).
 */
final class MeshStats {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String topic;
    private final String channel;
    private final List<NsqAddress> daemons;
    private final List<NsqAddress> lookups;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code channel} null: every channel of the topic. Exactly one of the lists is non-empty. */
    MeshStats(String topic, String channel, List<NsqAddress> daemonHttp, List<NsqAddress> lookupHttp) {
        this.topic = topic;
        this.channel = channel;
        this.daemons = List.copyOf(daemonHttp);
        this.lookups = List.copyOf(lookupHttp);
    }

    StatSample sample() {
        List<String> errors = new ArrayList<>();
        Map<String, StatSample.Row> rows = new TreeMap<>();
        int answered = 0;
        for (NsqAddress d : daemons.isEmpty() ? discover(errors) : daemons) {
            try {
                JsonObject stats = get(d, "/stats?format=json&include_clients=false&topic=" + encode(topic));
                addTopic(stats, rows);
                answered++;
            } catch (Exception e) {
                errors.add("daemon " + d + ": " + Nodeq.oneLine(e));
            }
        }
        if (channel != null) {
            rows.keySet().retainAll(Set.of(channel));
        }
        return new StatSample(System.nanoTime(), rows, answered, errors);
    }

    /** Daemons holding the topic according to any lookup, as HTTP addresses, without repeats. */
    private List<NsqAddress> discover(List<String> errors) {
        Set<NsqAddress> found = new LinkedHashSet<>();
        for (NsqAddress l : lookups) {
            try {
                JsonObject r = get(l, "/lookup?topic=" + encode(topic));
                for (Object p : producers(r)) {
                    JsonObject producer = (JsonObject) p;
                    found.add(new NsqAddress(producer.getString("broadcast_address"), producer.getInteger("http_port")));
                }
            } catch (NotFound e) {
                // no daemon has the topic (yet): an empty sample, not an error
            } catch (Exception e) {
                errors.add("lookup " + l + ": " + Nodeq.oneLine(e));
            }
        }
        return new ArrayList<>(found);
    }

    private void addTopic(JsonObject stats, Map<String, StatSample.Row> rows) {
        // nsqd before 1.0 wrapped answers in {"status_code":..., "data": {...}}
        JsonObject root = stats.containsKey("data") ? stats.getJsonObject("data") : stats;
        JsonArray topics = root.getJsonArray("topics", new JsonArray());
        for (Object o : topics) {
            JsonObject t = (JsonObject) o;
            if (!topic.equals(t.getString("topic_name"))) {
                continue;
            }
            JsonArray channels = t.getJsonArray("channels", new JsonArray());
            if (channels.isEmpty()) {
                StatSample.Row r = new StatSample.Row(t.getLong("depth", 0L), t.getLong("backend_depth", 0L), 0, 0, 0, 0,
                        t.getLong("message_count", 0L), 0);
                rows.merge(StatSample.NO_CHANNEL, r, StatSample.Row::plus);
            }
            for (Object co : channels) {
                JsonObject c = (JsonObject) co;
                StatSample.Row r = new StatSample.Row(c.getLong("depth", 0L), c.getLong("backend_depth", 0L),
                        c.getLong("in_flight_count", 0L), c.getLong("deferred_count", 0L), c.getLong("requeue_count", 0L),
                        c.getLong("timeout_count", 0L), c.getLong("message_count", 0L), c.getLong("client_count", 0L));
                rows.merge(c.getString("channel_name"), r, StatSample.Row::plus);
            }
        }
    }

    private static JsonArray producers(JsonObject lookup) {
        JsonObject root = lookup.containsKey("data") ? lookup.getJsonObject("data") : lookup;
        return root.getJsonArray("producers", new JsonArray());
    }

    private JsonObject get(NsqAddress address, String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery))
                .timeout(TIMEOUT).header("Accept", "application/vnd.nsq; version=1.0").build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            throw new NotFound();
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body().strip());
        }
        return new JsonObject(r.body());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A 404 from a lookup: nobody registered the topic. */
    private static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound() {
            super("not found", null, false, false);
        }
    }
}
