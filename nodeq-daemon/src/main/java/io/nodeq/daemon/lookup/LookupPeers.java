package io.nodeq.daemon.lookup;

import io.nodeq.client.NsqAddress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This daemon's connections to every configured lookup (nsq-protocol.md §3.2): IDENTIFY, the whole
 * registration snapshot on every (re)connect, REGISTER/UNREGISTER as topics and channels come and
 * go, PING every 15 s. Public methods may be called from any thread; all state is owned by one
 * context and reached through {@code runOnContext}, which keeps the calls of one thread in order.
 */
public final class LookupPeers {
    private static final Logger LOG = LoggerFactory.getLogger(LookupPeers.class);
    public static final Duration PING_INTERVAL = Duration.ofSeconds(15);
    static final int HTTP_CONNECT_TIMEOUT_MS = 2000;
    static final long HTTP_REQUEST_TIMEOUT_MS = 5000;

    private final Vertx vertx;
    private final Context ctx;
    private final NodeInfo self;
    private final Supplier<List<Registration>> snapshot;
    private final long pingIntervalMs;
    private final NetClient net;
    private final WebClient web;
    private final Map<String, LookupPeer> peers = new LinkedHashMap<>();
    private volatile List<String> addresses;
    private boolean started;
    private boolean stopped;

    public LookupPeers(Vertx vertx, List<String> tcpAddresses, NodeInfo self, Supplier<List<Registration>> snapshot) {
        this(vertx, tcpAddresses, self, snapshot, PING_INTERVAL);
    }

    /** With another PING interval (tests; nsqd's is fixed at 15 s). */
    public LookupPeers(Vertx vertx, List<String> tcpAddresses, NodeInfo self, Supplier<List<Registration>> snapshot,
                       Duration pingInterval) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        this.self = self;
        this.snapshot = snapshot;
        this.pingIntervalMs = Math.max(1, pingInterval.toMillis());
        this.addresses = dedupe(tcpAddresses);
        for (String a : this.addresses) {
            parse(a);
        }
        this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
        this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(HTTP_CONNECT_TIMEOUT_MS)
                .setUserAgent("nodeq-daemon/" + self.version()));
    }

    private static List<String> dedupe(List<String> in) {
        return List.copyOf(new LinkedHashSet<>(in));
    }

    /** A --lookupd-tcp-address: host and port both required. */
    static NsqAddress parse(String address) {
        try {
            return NsqAddress.parse(address, -1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lookup address must be host:port: " + address);
        }
    }

    /** Connects to every lookup. */
    public void start() {
        ctx.runOnContext(v -> {
            if (started || stopped) {
                return;
            }
            started = true;
            for (String a : addresses) {
                add(a);
            }
        });
    }

    private void add(String address) {
        LookupPeer p = new LookupPeer(address, vertx, net, self, snapshot);
        peers.put(address, p);
        p.start(pingIntervalMs);
    }

    public Future<Void> stop() {
        Promise<Void> done = Promise.promise();
        ctx.runOnContext(v -> {
            stopped = true;
            for (LookupPeer p : peers.values()) {
                p.stop();
            }
            peers.clear();
            web.close();
            net.close().onComplete(ar -> done.complete());
        });
        return done.future();
    }

    /** REGISTER at every connected lookup; {@code channel} null registers the topic alone. */
    public void register(String topic, String channel) {
        String line = new Registration(topic, channel).line("REGISTER");
        ctx.runOnContext(v -> peers.values().forEach(p -> p.send(line)));
    }

    public void unregister(String topic, String channel) {
        String line = new Registration(topic, channel).line("UNREGISTER");
        ctx.runOnContext(v -> peers.values().forEach(p -> p.send(line)));
    }

    /**
     * Union of every lookup's {@code GET /channels?topic=} (at the broadcast address and HTTP port it
     * answered IDENTIFY with), ephemeral channels left out: nsqd pre-creates these when it creates a
     * topic (§1.14). A lookup that fails or times out counts as "no channels".
     */
    public Future<List<String>> channelsOf(String topic) {
        Promise<List<String>> result = Promise.promise();
        ctx.runOnContext(v -> {
            List<Future<List<String>>> calls = new ArrayList<>();
            for (LookupPeer p : peers.values()) {
                if (p.httpAddress() == null) {
                    continue;
                }
                calls.add(web.get(p.httpPort(), p.httpHost(), "/channels")
                        .addQueryParam("topic", topic)
                        .putHeader("Accept", "application/vnd.nsq; version=1.0")
                        .timeout(HTTP_REQUEST_TIMEOUT_MS)
                        .send()
                        .map(r -> channels(p, r))
                        .otherwise(e -> {
                            LOG.warn("LOOKUPD({}): GET /channels?topic={} failed: {}", p.address, topic, e.getMessage());
                            return List.of();
                        }));
            }
            Future.all(calls).onComplete(ar -> {
                Set<String> union = new LinkedHashSet<>();
                for (Future<List<String>> f : calls) {
                    if (f.succeeded()) {
                        for (String c : f.result()) {
                            if (!c.endsWith("#ephemeral")) {
                                union.add(c);
                            }
                        }
                    }
                }
                result.complete(new ArrayList<>(union));
            });
        });
        return result.future();
    }

    private static List<String> channels(LookupPeer p, HttpResponse<io.vertx.core.buffer.Buffer> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode());
        }
        JsonArray arr = r.bodyAsJsonObject().getJsonArray("channels");
        List<String> out = new ArrayList<>();
        if (arr != null) {
            for (Object o : arr) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    /** Runtime reconfiguration: connect to new lookups, drop removed ones. */
    public void setAddresses(List<String> tcpAddresses) {
        List<String> next = dedupe(tcpAddresses);
        for (String a : next) {
            parse(a);
        }
        addresses = next;
        ctx.runOnContext(v -> {
            if (!started || stopped) {
                return;
            }
            for (String a : new ArrayList<>(peers.keySet())) {
                if (!next.contains(a)) {
                    peers.remove(a).stop();
                }
            }
            for (String a : next) {
                if (!peers.containsKey(a)) {
                    add(a);
                }
            }
        });
    }

    public List<String> addresses() {
        return addresses;
    }
}
