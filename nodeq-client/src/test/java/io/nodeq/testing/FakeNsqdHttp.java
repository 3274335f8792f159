package io.nodeq.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * {@link FakeNsqd}'s HTTP API: {@code /ping}, {@code /info}, {@code /stats?format=json} in the
 * shape of nsq-protocol.md §2.5 and the topic/channel actions of §2.2, over a stats model the test
 * sets (it is not the TCP side's queues). It can be made slow ({@link FakeNsqd#delayMs}) to play a hung
 * node. Model guarded by {@code this}.
 */
public final class FakeNsqdHttp {
    /** A channel as /stats shows it. */
    public static final class Channel {
        public long depth;
        public long backendDepth;
        public long inFlight;
        public long deferred;
        public long requeued;
        public long timedOut;
        public long messageCount;
        public boolean paused;
        public final List<JsonObject> clients = new CopyOnWriteArrayList<>();
        /** More /stats fields, as a daemon with extensions reports them (nodeq's settings and counters). */
        public final JsonObject extra = new JsonObject();
    }

    /** A topic as /stats shows it. */
    public static final class Topic {
        public long depth;
        public long backendDepth;
        public long messageCount;
        public long messageBytes;
        public boolean paused;
        public final Map<String, Channel> channels = new TreeMap<>();
        /** More /stats fields, as a daemon with extensions reports them (nodeq's settings and counters). */
        public final JsonObject extra = new JsonObject();
    }

    /** A scripted answer for an endpoint nsqd does not have ({@link FakeNsqd#routes}). */
    public record Reply(int status, String body) {
        public static Reply json(JsonObject body) {
            return new Reply(200, body.encode());
        }

        public static Reply error(int status, String message) {
            return new Reply(status, new JsonObject().put("message", message).encode());
        }
    }

    private static final Map<String, BiConsumer<FakeNsqdHttp, String[]>> ACTIONS = Map.of(
            "/topic/create", (h, tc) -> h.topic(tc[0]),
            "/topic/delete", (h, tc) -> h.removeTopic(tc[0]),
            "/topic/empty", (h, tc) -> h.existing(tc[0]).depth = 0,
            "/topic/pause", (h, tc) -> h.existing(tc[0]).paused = true,
            "/topic/unpause", (h, tc) -> h.existing(tc[0]).paused = false,
            "/channel/create", (h, tc) -> h.existing(tc[0]).channels.computeIfAbsent(tc[1], k -> new Channel()),
            "/channel/delete", (h, tc) -> h.removeChannel(tc[0], tc[1]),
            "/channel/empty", (h, tc) -> {
                Channel ch = h.existing(tc[0], tc[1]);
                ch.depth = 0;
                ch.backendDepth = 0;
            },
            "/channel/pause", (h, tc) -> h.existing(tc[0], tc[1]).paused = true,
            "/channel/unpause", (h, tc) -> h.existing(tc[0], tc[1]).paused = false);

    private final Vertx vertx;
    private final FakeNsqd nsqd;
    private final Map<String, Topic> topics = new TreeMap<>();
    private HttpServer server;

    FakeNsqdHttp(Vertx vertx, FakeNsqd nsqd) {
        this.vertx = vertx;
        this.nsqd = nsqd;
    }

    Future<HttpServer> listen(int port) {
        return vertx.createHttpServer().requestHandler(req -> {
            long d = nsqd.delayMs;
            if (d > 0) {
                req.pause();
                vertx.setTimer(d, t -> {
                    req.resume();
                    route(req);
                });
            } else {
                route(req);
            }
        }).listen(port, "127.0.0.1").onSuccess(s -> server = s);
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    int port() {
        return server.actualPort();
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        if (req.method() == HttpMethod.GET && path.equals("/ping")) {
            req.response().end("OK");
        } else if (req.method() == HttpMethod.GET && path.equals("/info")) {
            v1(req, new JsonObject().put("version", "1.3.0").put("broadcast_address", "127.0.0.1")
                    .put("hostname", nsqd.hostname()).put("http_port", port()).put("tcp_port", nsqd.tcpPort())
                    .put("start_time", 1795393326L));
        } else if (req.method() == HttpMethod.GET && path.equals("/stats")) {
            stats(req);
        } else if (req.method() == HttpMethod.POST && ACTIONS.containsKey(path)) {
            nsqd.posts.add(path + "?" + req.query());
            try {
                synchronized (this) {
                    ACTIONS.get(path).accept(this, new String[] {req.getParam("topic"), req.getParam("channel")});
                }
                req.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0").end();
            } catch (NotFound e) {
                req.response().setStatusCode(404).putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                        .end(new JsonObject().put("message", e.getMessage()).encode());
            }
        } else if (nsqd.routes.containsKey(req.method() + " " + path)) {
            if (req.method() == HttpMethod.POST) {
                nsqd.posts.add(path + "?" + req.query());
            }
            Reply r = nsqd.routes.get(req.method() + " " + path).apply(req);
            req.response().setStatusCode(r.status()).putHeader("X-NSQ-Content-Type", "nsq; version=1.0").end(r.body());
        } else {
            req.response().setStatusCode(404).end(new JsonObject().put("message", "NOT_FOUND").encode());
        }
    }

    synchronized Topic topic(String name) {
        return topics.computeIfAbsent(name, k -> new Topic());
    }

    synchronized Channel channel(String topic, String channel) {
        return topic(topic).channels.computeIfAbsent(channel, k -> new Channel());
    }

    synchronized void publish(String topic, int n, int size) {
        Topic t = topic(topic);
        t.messageCount += n;
        t.messageBytes += (long) n * size;
        if (t.channels.isEmpty()) {
            t.depth += n;
        }
        for (Channel c : t.channels.values()) {
            c.depth += n;
            c.messageCount += n;
        }
    }

    synchronized List<String> topicNames() {
        return List.copyOf(topics.keySet());
    }

    synchronized List<String> channelNames(String topic) {
        Topic t = topics.get(topic);
        return t == null ? List.of() : List.copyOf(t.channels.keySet());
    }

    private void removeTopic(String t) {
        if (topics.remove(t) == null) {
            throw new NotFound("TOPIC_NOT_FOUND");
        }
    }

    private void removeChannel(String t, String c) {
        if (existing(t).channels.remove(c) == null) {
            throw new NotFound("CHANNEL_NOT_FOUND");
        }
    }

    private Topic existing(String t) {
        Topic topic = topics.get(t);
        if (topic == null) {
            throw new NotFound("TOPIC_NOT_FOUND");
        }
        return topic;
    }

    private Channel existing(String t, String c) {
        Channel ch = existing(t).channels.get(c);
        if (ch == null) {
            throw new NotFound("CHANNEL_NOT_FOUND");
        }
        return ch;
    }

    private void stats(HttpServerRequest req) {
        String onlyTopic = req.getParam("topic");
        String onlyChannel = req.getParam("channel");
        boolean clients = !"false".equals(req.getParam("include_clients")) && !"0".equals(req.getParam("include_clients"));
        JsonArray topicList = new JsonArray();
        synchronized (this) {
            if (onlyTopic != null && !topics.containsKey(onlyTopic)) {
                topicList = null;
            } else {
                for (Map.Entry<String, Topic> e : topics.entrySet()) {
                    if (onlyTopic != null && !onlyTopic.equals(e.getKey())) {
                        continue;
                    }
                    Topic t = e.getValue();
                    JsonArray chans = new JsonArray();
                    t.channels.forEach((name, c) -> {
                        if (onlyChannel == null || onlyChannel.equals(name)) {
                            chans.add(channelJson(name, c, clients));
                        }
                    });
                    if (onlyChannel != null && chans.isEmpty()) {
                        continue;
                    }
                    topicList.add(new JsonObject().put("topic_name", e.getKey()).put("channels", chans)
                            .put("depth", t.depth).put("backend_depth", t.backendDepth)
                            .put("message_count", t.messageCount).put("message_bytes", t.messageBytes)
                            .put("paused", t.paused).put("e2e_processing_latency", latency()).mergeIn(t.extra));
                }
            }
        }
        v1(req, new JsonObject().put("version", "1.3.0").put("health", "OK").put("start_time", 1795393326L)
                .put("topics", topicList).put("producers", (Object) null));
    }

    private static JsonObject channelJson(String name, Channel c, boolean clients) {
        long clientsInFlight = c.clients.stream().mapToLong(x -> x.getLong("in_flight_count", 0L)).sum();
        return new JsonObject().put("channel_name", name).put("depth", c.depth).put("backend_depth", c.backendDepth)
                .put("in_flight_count", c.inFlight + clientsInFlight).put("deferred_count", c.deferred)
                .put("message_count", c.messageCount).put("requeue_count", c.requeued)
                .put("timeout_count", c.timedOut).put("client_count", c.clients.size())
                .put("clients", clients ? new JsonArray(List.copyOf(c.clients)) : null).put("paused", c.paused)
                .put("e2e_processing_latency", c.clients.isEmpty() ? latency() : latency(c.messageCount))
                .mergeIn(c.extra);
    }

    private static JsonObject latency() {
        return new JsonObject().put("count", 0).put("percentiles", (Object) null);
    }

    /** Made-up but plausible percentiles (nanoseconds, descending quantiles) for a consumed channel. */
    private static JsonObject latency(long count) {
        return new JsonObject().put("count", count).put("percentiles", new JsonArray()
                .add(new JsonObject().put("quantile", 0.99).put("value", 8_400_000L))
                .add(new JsonObject().put("quantile", 0.5).put("value", 1_200_000L)));
    }

    /** A subscribed client as §2.5 shows it. */
    static JsonObject client(String id, String remote, int ready, int inFlight, boolean tls) {
        return new JsonObject().put("client_id", id).put("hostname", id + "-host").put("version", "V2")
                .put("remote_address", remote).put("state", 3).put("ready_count", ready)
                .put("in_flight_count", inFlight).put("message_count", 10).put("finish_count", 8)
                .put("requeue_count", 1).put("connect_ts", 1795393372L).put("sample_rate", 0)
                .put("deflate", false).put("snappy", true).put("user_agent", "nsq-j/1.2").put("tls", tls)
                .put("tls_version", tls ? "TLS1.3" : "").put("authed", false);
    }

    private static void v1(HttpServerRequest req, JsonObject body) {
        req.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                .putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m, null, false, false);
        }
    }
}
