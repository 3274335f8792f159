package io.nodeq.admin.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A test double of a daemon's HTTP API: {@code /info}, {@code /stats?format=json} in the shape of
 * nsq-protocol.md §2.5, and the topic/channel actions of §2.2, over an in-memory model. It can be
 * made slow ({@link #delayMs}) to play a hung node. Model guarded by {@code this}.
 */
public final class FakeNsqd {
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
    }

    public static final class Topic {
        public long depth;
        public long backendDepth;
        public long messageCount;
        public long messageBytes;
        public boolean paused;
        public final Map<String, Channel> channels = new TreeMap<>();
    }

    private final Vertx vertx;
    private final String hostname;
    private final Map<String, Topic> topics = new TreeMap<>();
    /** Every action POST received, as {@code path?query}. */
    public final List<String> posts = new CopyOnWriteArrayList<>();
    /** Delay before answering anything, to play a slow node. */
    public volatile long delayMs;
    private HttpServer server;
    private int port;

    public FakeNsqd(Vertx vertx, String hostname) {
        this.vertx = vertx;
        this.hostname = hostname;
    }

    public Future<FakeNsqd> start() {
        return start(0);
    }

    /** Listen on a given port (0 = any): a restarted node keeps its address. */
    public Future<FakeNsqd> start(int wanted) {
        Router r = delayedRouter(vertx, () -> delayMs);
        r.get("/info").handler(ctx -> v1(ctx, new JsonObject().put("version", "1.3.0")
                .put("broadcast_address", "127.0.0.1").put("hostname", hostname).put("http_port", port)
                .put("tcp_port", 4150).put("start_time", 1795393326L)));
        r.get("/stats").handler(this::stats);
        action(r, "/topic/create", (t, c) -> topic(t));
        action(r, "/topic/delete", (t, c) -> removeTopic(t));
        action(r, "/topic/empty", (t, c) -> existing(t).depth = 0);
        action(r, "/topic/pause", (t, c) -> existing(t).paused = true);
        action(r, "/topic/unpause", (t, c) -> existing(t).paused = false);
        action(r, "/channel/create", (t, c) -> existing(t).channels.computeIfAbsent(c, k -> new Channel()));
        action(r, "/channel/delete", (t, c) -> existingTopicChannelRemove(t, c));
        action(r, "/channel/empty", (t, c) -> {
            Channel ch = existing(t, c);
            ch.depth = 0;
            ch.backendDepth = 0;
        });
        action(r, "/channel/pause", (t, c) -> existing(t, c).paused = true);
        action(r, "/channel/unpause", (t, c) -> existing(t, c).paused = false);
        return vertx.createHttpServer().requestHandler(r).listen(wanted, "127.0.0.1").map(s -> {
            server = s;
            port = s.actualPort();
            return this;
        });
    }

    public Future<Void> stop() {
        return server.close();
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String hostname() {
        return hostname;
    }

    public synchronized Topic topic(String name) {
        return topics.computeIfAbsent(name, k -> new Topic());
    }

    public synchronized Channel channel(String topic, String channel) {
        return topic(topic).channels.computeIfAbsent(channel, k -> new Channel());
    }

    /** n messages of {@code size} bytes published: they fan out to every channel (or wait in the topic). */
    public synchronized void publish(String topic, int n, int size) {
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

    public synchronized List<String> topicNames() {
        return List.copyOf(topics.keySet());
    }

    public synchronized List<String> channelNames(String topic) {
        Topic t = topics.get(topic);
        return t == null ? List.of() : List.copyOf(t.channels.keySet());
    }

    private synchronized void removeTopic(String t) {
        if (topics.remove(t) == null) {
            throw new NotFound("TOPIC_NOT_FOUND");
        }
    }

    private synchronized void existingTopicChannelRemove(String t, String c) {
        if (existing(t).channels.remove(c) == null) {
            throw new NotFound("CHANNEL_NOT_FOUND");
        }
    }

    private synchronized Topic existing(String t) {
        Topic topic = topics.get(t);
        if (topic == null) {
            throw new NotFound("TOPIC_NOT_FOUND");
        }
        return topic;
    }

    private synchronized Channel existing(String t, String c) {
        Channel ch = existing(t).channels.get(c);
        if (ch == null) {
            throw new NotFound("CHANNEL_NOT_FOUND");
        }
        return ch;
    }

    private void action(Router r, String path, BiConsumer<String, String> apply) {
        r.post(path).handler(ctx -> {
            posts.add(path + "?" + ctx.request().query());
            String t = ctx.request().getParam("topic");
            String c = ctx.request().getParam("channel");
            try {
                synchronized (this) {
                    apply.accept(t, c);
                }
                ctx.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0").end();
            } catch (NotFound e) {
                ctx.response().setStatusCode(404).putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                        .end(new JsonObject().put("message", e.getMessage()).encode());
            }
        });
    }

    private void stats(RoutingContext ctx) {
        String onlyTopic = ctx.request().getParam("topic");
        String onlyChannel = ctx.request().getParam("channel");
        boolean clients = !"false".equals(ctx.request().getParam("include_clients"))
                && !"0".equals(ctx.request().getParam("include_clients"));
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
                            .put("paused", t.paused).put("e2e_processing_latency", latency()));
                }
            }
        }
        v1(ctx, new JsonObject().put("version", "1.3.0").put("health", "OK").put("start_time", 1795393326L)
                .put("topics", topicList).put("producers", (Object) null));
    }

    private static JsonObject channelJson(String name, Channel c, boolean clients) {
        return new JsonObject().put("channel_name", name).put("depth", c.depth).put("backend_depth", c.backendDepth)
                .put("in_flight_count", c.inFlight + c.clients.stream().mapToLong(x -> x.getLong("in_flight_count", 0L)).sum()).put("deferred_count", c.deferred)
                .put("message_count", c.messageCount).put("requeue_count", c.requeued)
                .put("timeout_count", c.timedOut).put("client_count", c.clients.size())
                .put("clients", clients ? new JsonArray(List.copyOf(c.clients)) : null).put("paused", c.paused)
                .put("e2e_processing_latency", c.clients.isEmpty() ? latency() : latency(c.messageCount));
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
    public static JsonObject client(String id, String remote, int ready, int inFlight, boolean tls) {
        return new JsonObject().put("client_id", id).put("hostname", id + "-host").put("version", "V2")
                .put("remote_address", remote).put("state", 3).put("ready_count", ready)
                .put("in_flight_count", inFlight).put("message_count", 10).put("finish_count", 8)
                .put("requeue_count", 1).put("connect_ts", 1795393372L).put("sample_rate", 0)
                .put("deflate", false).put("snappy", true).put("user_agent", "nsq-j/1.2").put("tls", tls)
                .put("tls_version", tls ? "TLS1.3" : "").put("authed", false);
    }

    /** A router that answers {@code /ping} and holds every request for the current delay first. */
    static Router delayedRouter(Vertx vertx, java.util.function.LongSupplier delayMs) {
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            long d = delayMs.getAsLong();
            if (d > 0) {
                vertx.setTimer(d, t -> ctx.next());
            } else {
                ctx.next();
            }
        });
        r.get("/ping").handler(ctx -> ctx.response().end("OK"));
        return r;
    }

    static void v1(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                .putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m, null, false, false);
        }
    }
}
