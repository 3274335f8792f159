package io.nodeq.daemon.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A small auth server for tests, speaking nsqd's auth protocol (nsq-protocol.md §1.13): answers
 * {@code GET /auth?...} with the JSON registered for the secret, 403 for an unknown secret, or a
 * chosen status; records every query it was asked.
 */
public final class TestAuthServer implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    public final List<MultiMap> queries = new CopyOnWriteArrayList<>();
    public final List<String> methods = new CopyOnWriteArrayList<>();

    public TestAuthServer() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            MultiMap q = MultiMap.caseInsensitiveMultiMap().addAll(req.params());
            if (body.length() > 0) {
                // POST: a JSON form map of string arrays
                new JsonObject(body).forEach(e -> q.add(e.getKey(), ((io.vertx.core.json.JsonArray) e.getValue()).getString(0)));
            }
            queries.add(q);
            methods.add(req.method().name());
            String secret = q.get("secret");
            Integer status = statuses.get(secret);
            String answer = answers.get(secret);
            if (status != null) {
                req.response().setStatusCode(status).end("nope");
            } else if (answer == null) {
                req.response().setStatusCode(403).end("{\"message\":\"unknown secret\"}");
            } else {
                req.response().putHeader("Content-Type", "application/json").end(answer);
            }
        })).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    }

    public String address() {
        return "127.0.0.1:" + server.actualPort();
    }

    /** {@code authorizations}: a JSON array text. */
    public TestAuthServer grant(String secret, int ttl, String identity, String authorizations) {
        answers.put(secret, "{\"ttl\":" + ttl + ",\"identity\":\"" + identity
                + "\",\"identity_url\":\"https://example.invalid/" + identity + "\",\"authorizations\":"
                + authorizations + "}");
        return this;
    }

    public TestAuthServer answer(String secret, int status) {
        statuses.put(secret, status);
        return this;
    }

    public long queriesFor(String secret) {
        return queries.stream().filter(q -> secret.equals(q.get("secret"))).count();
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(5, TimeUnit.SECONDS);
    }
}
