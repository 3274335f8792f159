package io.nodeq.admin.fake;

import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A test double of a lookup's HTTP API (nsq-protocol.md §3.4): {@code /nodes}, {@code /topics},
 * {@code /lookup}, {@code /channels} and the create/delete/tombstone actions. Registered daemons
 * are {@link FakeNsqd}s whose topics and channels it reads live, as a real lookup would learn
 * them through REGISTER. Thread-safe through concurrent collections and {@code this}.
 */
public final class FakeLookupd {
    private final Vertx vertx;
    private final List<FakeNsqd> producers = new CopyOnWriteArrayList<>();
    private final TreeMap<String, Set<String>> ownTopics = new TreeMap<>();
    private final Set<String> tombstones = new CopyOnWriteArraySet<>();
    public final List<String> posts = new CopyOnWriteArrayList<>();
    public volatile long delayMs;
    private HttpServer server;

    public FakeLookupd(Vertx vertx) {
        this.vertx = vertx;
    }

    public Future<FakeLookupd> start() {
        Router r = delayedRouter(vertx, () -> delayMs);
        r.get("/info").handler(ctx -> v1(ctx, new JsonObject().put("version", "1.3.0")));
        r.get("/topics").handler(ctx -> v1(ctx, new JsonObject().put("topics", new JsonArray(topics()))));
        r.get("/channels").handler(ctx -> v1(ctx, new JsonObject()
                .put("channels", new JsonArray(channels(ctx.request().getParam("topic"))))));
        r.get("/nodes").handler(ctx -> {
            JsonArray out = new JsonArray();
            for (FakeNsqd n : producers) {
                List<String> t = n.topicNames();
                JsonArray ts = new JsonArray();
                t.forEach(name -> ts.add(tombstones.contains(name + "@" + n.httpAddress())));
                out.add(producer(n).put("topics", new JsonArray(t)).put("tombstones", ts));
            }
            v1(ctx, new JsonObject().put("producers", out));
        });
        r.get("/lookup").handler(ctx -> {
            String topic = ctx.request().getParam("topic");
            if (!topics().contains(topic)) {
                ctx.response().setStatusCode(404).putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                        .end(new JsonObject().put("message", "TOPIC_NOT_FOUND").encode());
                return;
            }
            JsonArray out = new JsonArray();
            for (FakeNsqd n : producers) {
                if (n.topicNames().contains(topic) && !tombstones.contains(topic + "@" + n.httpAddress())) {
                    out.add(producer(n));
                }
            }
            v1(ctx, new JsonObject().put("channels", new JsonArray(channels(topic))).put("producers", out));
        });
        r.post("/topic/create").handler(ctx -> post(ctx, () -> ownTopics.computeIfAbsent(
                ctx.request().getParam("topic"), k -> new TreeSet<>())));
        r.post("/topic/delete").handler(ctx -> post(ctx, () -> ownTopics.remove(ctx.request().getParam("topic"))));
        r.post("/channel/create").handler(ctx -> post(ctx, () -> ownTopics.computeIfAbsent(
                ctx.request().getParam("topic"), k -> new TreeSet<>()).add(ctx.request().getParam("channel"))));
        r.post("/channel/delete").handler(ctx -> post(ctx, () -> {
            Set<String> c = ownTopics.get(ctx.request().getParam("topic"));
            if (c != null) {
                c.remove(ctx.request().getParam("channel"));
            }
        }));
        r.post("/topic/tombstone").handler(ctx -> post(ctx, () -> tombstones.add(
                ctx.request().getParam("topic") + "@" + ctx.request().getParam("node"))));
        return vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").map(s -> {
            server = s;
            return this;
        });
    }

    public Future<Void> stop() {
        return server.close();
    }

    public String address() {
        return "127.0.0.1:" + server.actualPort();
    }

    public void register(FakeNsqd n) {
        producers.add(n);
    }

    /** The daemon's connection closed: a real lookup forgets it at once. */
    public void unregister(FakeNsqd n) {
        producers.remove(n);
    }

    private synchronized List<String> topics() {
        TreeSet<String> all = new TreeSet<>(ownTopics.keySet());
        producers.forEach(n -> all.addAll(n.topicNames()));
        return new ArrayList<>(all);
    }

    private synchronized List<String> channels(String topic) {
        TreeSet<String> all = new TreeSet<>(ownTopics.getOrDefault(topic, Set.of()));
        producers.forEach(n -> all.addAll(n.channelNames(topic)));
        return new ArrayList<>(all);
    }

    private synchronized void post(io.vertx.ext.web.RoutingContext ctx, Runnable apply) {
        posts.add(ctx.request().path() + "?" + ctx.request().query());
        apply.run();
        ctx.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0").end();
    }

    private static JsonObject producer(FakeNsqd n) {
        return new JsonObject().put("remote_address", "127.0.0.1:45044").put("hostname", n.hostname())
                .put("broadcast_address", "127.0.0.1").put("tcp_port", 4150).put("http_port", n.httpPort())
                .put("version", "1.3.0").put("topology_zone", "").put("topology_region", "");
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

    static void v1(io.vertx.ext.web.RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("X-NSQ-Content-Type", "nsq; version=1.0")
                .putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }
}
