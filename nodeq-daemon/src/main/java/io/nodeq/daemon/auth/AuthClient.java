package io.nodeq.daemon.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Asks the {@code --auth-http-address} servers about a secret, as nsqd's {@code auth.QueryAnyAuthd}
 * (nsq-protocol.md §1.13): {@code remote_ip}, {@code tls}, {@code secret}, {@code common_name} in
 * the query string (GET) or as a JSON form map of string arrays (POST); the servers are tried in
 * random order until one gives a valid answer. Never blocks: the answer comes back as a future on
 * the caller's context.
 *
 * <p>Thread-safe (the WebClient is); one per daemon.
 */
public final class AuthClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An auth answer is a small JSON document; a larger one is refused rather than buffered. */
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final WebClient client;
    private final List<String> endpoints;
    private final boolean post;
    private final long requestTimeoutMs;

    public AuthClient(Vertx vertx, List<String> addresses, String method, Duration connectTimeout,
                      Duration requestTimeout) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .setUserAgent("nsqd/1.3.0"));
        List<String> eps = new ArrayList<>();
        for (String a : addresses) {
            eps.add(a.contains("://") ? a : "http://" + a + "/auth");
        }
        this.endpoints = List.copyOf(eps);
        this.post = "post".equals(method);
        this.requestTimeoutMs = requestTimeout.toMillis();
    }

    /** Fails with the reason (for the log only: the client just gets E_AUTH_FAILED). */
    public Future<AuthState> query(String remoteIp, boolean tls, String secret, String commonName) {
        List<String> order = new ArrayList<>(endpoints);
        Collections.shuffle(order);
        return tryFrom(order, 0, remoteIp, tls, secret, commonName, null);
    }

    private Future<AuthState> tryFrom(List<String> order, int i, String remoteIp, boolean tls, String secret,
                                      String commonName, Throwable last) {
        if (i >= order.size()) {
            return Future.failedFuture(last != null ? last : new IOException("no auth server"));
        }
        return queryOne(order.get(i), remoteIp, tls, secret, commonName)
                .recover(err -> tryFrom(order, i + 1, remoteIp, tls, secret, commonName, err));
    }

    private Future<AuthState> queryOne(String endpoint, String remoteIp, boolean tls, String secret, String commonName) {
        Future<HttpResponse<Buffer>> sent;
        if (post) {
            JsonObject form = new JsonObject()
                    .put("common_name", new JsonArray().add(commonName))
                    .put("remote_ip", new JsonArray().add(remoteIp))
                    .put("secret", new JsonArray().add(secret))
                    .put("tls", new JsonArray().add(String.valueOf(tls)));
            sent = request(client.postAbs(endpoint)).putHeader("Content-Type", "application/json")
                    .sendBuffer(form.toBuffer());
        } else {
            // url.Values.Encode order: keys sorted
            String q = "common_name=" + enc(commonName) + "&remote_ip=" + enc(remoteIp) + "&secret=" + enc(secret)
                    + "&tls=" + tls;
            sent = request(client.getAbs(endpoint + (endpoint.contains("?") ? "&" : "?") + q)).send();
        }
        return sent.compose(resp -> {
            if (resp.statusCode() != 200) {
                return Future.failedFuture(new IOException("auth server " + endpoint + " answered "
                        + resp.statusCode()));
            }
            Buffer body = resp.body();
            if (body == null || body.length() > MAX_ANSWER_BYTES) {
                return Future.failedFuture(new IOException("auth server " + endpoint + " sent no or too big a body"));
            }
            try {
                return Future.succeededFuture(parse(body.getBytes(), System.nanoTime()));
            } catch (IOException e) {
                return Future.failedFuture(new IOException("auth server " + endpoint + ": " + e.getMessage()));
            }
        });
    }

    private HttpRequest<Buffer> request(HttpRequest<Buffer> r) {
        return r.putHeader("Accept", "application/vnd.nsq; version=1.0").timeout(requestTimeoutMs);
    }

    /** Validates like nsqd: known permissions, compilable regexes, ttl > 0. */
    static AuthState parse(byte[] body, long nowNanos) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) {
            throw new IOException("answer is not a JSON object");
        }
        long ttl = root.path("ttl").asLong(0);
        List<AuthState.Authorization> auths = new ArrayList<>();
        for (JsonNode a : root.path("authorizations")) {
            boolean sub = false;
            boolean pub = false;
            for (JsonNode p : a.path("permissions")) {
                switch (p.asText()) {
                    case "subscribe" -> sub = true;
                    case "publish" -> pub = true;
                    default -> throw new IOException("unknown permission " + p.asText());
                }
            }
            Pattern topic = compile(a.path("topic").asText(""), "topic");
            List<Pattern> channels = new ArrayList<>();
            for (JsonNode c : a.path("channels")) {
                channels.add(compile(c.asText(""), "channel"));
            }
            auths.add(new AuthState.Authorization(topic, channels, sub, pub));
        }
        if (ttl <= 0) {
            throw new IOException("invalid TTL " + ttl + " (must be >0)");
        }
        return new AuthState(root.path("identity").asText(""), root.path("identity_url").asText(""),
                nowNanos + TimeUnit.SECONDS.toNanos(ttl), auths);
    }

    private static Pattern compile(String regex, String what) throws IOException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IOException("unable to compile " + what + " " + regex + ": " + e.getDescription());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public void close() {
        client.close();
    }
}
