package io.nodeq.client.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.client.NsqAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Polls every lookup's {@code GET /lookup?topic=} (nsq-protocol.md §3.4, §3.6) and merges the
 * answers, like nsqjs: the union of producers, and whether every lookup answered (only then may the
 * consumer drop daemons that are no longer listed). A 404 counts as an answer with no producers.
 *
 * <p>Owned by the consumer's context.
 */
final class LookupPoller {
    private static final Logger LOG = LoggerFactory.getLogger(LookupPoller.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A merged poll: the daemons listed, and whether all lookups answered. */
    record Result(Set<NsqAddress> daemons, boolean complete) {
    }

    private final Vertx vertx;
    private final List<String> urls = new ArrayList<>();
    private final Duration interval;
    private final double jitter;
    private final Consumer<Result> sink;
    private final HttpClientAgent http;
    private long timer = -1;
    private boolean stopped;
    private boolean polling;

    LookupPoller(Vertx vertx, List<String> lookups, String topic, Duration interval, double jitter, Consumer<Result> sink) {
        this.vertx = vertx;
        this.interval = interval;
        this.jitter = jitter;
        this.sink = sink;
        for (String l : lookups) {
            urls.add(lookupUrl(l, topic));
        }
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
    }

    /** {@code host:port} → {@code http://host:port/lookup?topic=t}; a URL keeps its path (default /lookup) and query. */
    static String lookupUrl(String lookup, String topic) {
        String s = lookup.trim();
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            s = "http://" + NsqAddress.parse(s, 4161);
        }
        int schemeEnd = s.indexOf("://") + 3;
        int slash = s.indexOf('/', schemeEnd);
        int q = s.indexOf('?', schemeEnd);
        String base;
        String path;
        String query;
        if (slash < 0 || (q >= 0 && q < slash)) {
            base = q < 0 ? s : s.substring(0, q);
            path = "/lookup";
            query = q < 0 ? "" : s.substring(q + 1);
        } else {
            base = s.substring(0, slash);
            path = q < 0 ? s.substring(slash) : s.substring(slash, q);
            query = q < 0 ? "" : s.substring(q + 1);
            if (path.equals("/")) {
                path = "/lookup";
            }
        }
        String t = "topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
        return base + path + "?" + (query.isEmpty() ? t : query + "&" + t);
    }

    void start() {
        poll();
    }

    /** Polls now (e.g. after a lost connection) unless a poll is under way. */
    void pollSoon() {
        if (!polling && !stopped) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            poll();
        }
    }

    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        http.close();
    }

    private void poll() {
        if (stopped) {
            return;
        }
        polling = true;
        List<Future<Set<NsqAddress>>> all = new ArrayList<>();
        for (String url : urls) {
            all.add(query(url));
        }
        Future.join(all).onComplete(ar -> {
            polling = false;
            if (stopped) {
                return;
            }
            Set<NsqAddress> merged = new LinkedHashSet<>();
            boolean complete = true;
            for (Future<Set<NsqAddress>> f : all) {
                if (f.succeeded()) {
                    merged.addAll(f.result());
                } else {
                    complete = false;
                }
            }
            sink.accept(new Result(merged, complete));
            scheduleNext();
        });
    }

    private void scheduleNext() {
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        timer = vertx.setTimer(Math.max(1, (long) (interval.toMillis() * factor)), t -> {
            timer = -1;
            poll();
        });
    }

    private Future<Set<NsqAddress>> query(String url) {
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .putHeader("Accept", "application/vnd.nsq; version=1.0").setIdleTimeout(5000);
        return http.request(ro)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == 404) {
                        return Set.<NsqAddress>of();
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + resp.statusCode());
                    }
                    return parse(body.getBytes());
                }))
                .onFailure(e -> LOG.warn("lookup {} failed: {}", url, e.getMessage()));
    }

    /** Producers' {@code broadcast_address:tcp_port}; accepts the legacy {@code {"data":...}} envelope. */
    static Set<NsqAddress> parse(byte[] json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode producers = root.has("producers") ? root.get("producers") : root.path("data").path("producers");
            Set<NsqAddress> out = new LinkedHashSet<>();
            for (JsonNode p : producers) {
                String host = p.path("broadcast_address").asText(p.path("address").asText(""));
                int port = p.path("tcp_port").asInt(0);
                if (!host.isEmpty() && port > 0) {
                    out.add(new NsqAddress(host, port));
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("bad /lookup answer: " + e.getMessage(), e);
        }
    }
}
