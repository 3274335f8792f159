package io.nodeq.daemon.lookup;

import io.nodeq.client.NsqAddress;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one lookup, as nsqd's lookupPeer keeps it (nsq-protocol.md §3.2). Owned by the
 * {@link LookupPeers} context: every method runs there. One command at a time: write it, wait
 * (at most 1 s) for its {@code [int32 size][data]} answer, then the next. Any error closes the
 * connection; a reconnect (with backoff) IDENTIFYs again and re-registers the whole snapshot.
 */
final class LookupPeer {
    private static final Logger LOG = LoggerFactory.getLogger(LookupPeer.class);
    static final String IDENTIFY = "IDENTIFY";
    private static final long COMMAND_TIMEOUT_MS = 1000;
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5000;
    private static final int MAX_RESPONSE = 5 * 1024 * 1024;

    private enum State { DISCONNECTED, CONNECTING, CONNECTED, STOPPED }

    final String address;
    private final String host;
    private final int port;
    private final Vertx vertx;
    private final NetClient net;
    private final NodeInfo self;
    private final Supplier<List<Registration>> snapshot;

    private State state = State.DISCONNECTED;
    private NetSocket sock;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private String inflight;
    private long deadline = -1;
    private long reconnectTimer = -1;
    private long pingTimer = -1;
    private long backoffMs = MIN_BACKOFF_MS;
    private Buffer pending = Buffer.buffer();
    /** The lookup's broadcast address and HTTP port from its IDENTIFY answer, for /channels. */
    private String httpHost;
    private int httpPort;

    LookupPeer(String address, Vertx vertx, NetClient net, NodeInfo self, Supplier<List<Registration>> snapshot) {
        this.address = address;
        NsqAddress parsed = LookupPeers.parse(address);
        this.host = parsed.host();
        this.port = parsed.port();
        this.vertx = vertx;
        this.net = net;
        this.self = self;
        this.snapshot = snapshot;
    }

    void start(long pingIntervalMs) {
        pingTimer = vertx.setPeriodic(pingIntervalMs, t -> {
            if (state == State.CONNECTED) {
                send("PING");
            } else if (state == State.DISCONNECTED && reconnectTimer < 0) {
                connect();
            }
        });
        connect();
    }

    /** "http://host:port" of the lookup's HTTP API, or null before its first IDENTIFY answer. */
    String httpAddress() {
        return httpHost == null || httpHost.isEmpty() || httpPort == 0 ? null : httpHost + ":" + httpPort;
    }

    String httpHost() {
        return httpHost;
    }

    int httpPort() {
        return httpPort;
    }

    boolean isConnected() {
        return state == State.CONNECTED;
    }

    /** Queues a command line; while disconnected it is dropped: the reconnect re-sends the snapshot. */
    void send(String line) {
        if (state != State.CONNECTED) {
            return;
        }
        queue.add(line);
        next();
    }

    private void connect() {
        if (state == State.STOPPED) {
            return;
        }
        reconnectTimer = -1;
        state = State.CONNECTING;
        net.connect(port, host).onComplete(ar -> {
            if (state == State.STOPPED) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                if (backoffMs == MIN_BACKOFF_MS) {   // once per outage, not once per retry
                    LOG.warn("LOOKUPD({}): connect failed: {}", address, ar.cause().getMessage());
                } else {
                    LOG.debug("LOOKUPD({}): connect failed: {}", address, ar.cause().getMessage());
                }
                state = State.DISCONNECTED;
                scheduleReconnect();
                return;
            }
            connected(ar.result());
        });
    }

    private void connected(NetSocket s) {
        sock = s;
        state = State.CONNECTED;
        pending = Buffer.buffer();
        queue.clear();
        inflight = null;
        s.handler(this::received);
        s.closeHandler(v -> lost(s, "connection closed"));
        s.exceptionHandler(e -> lost(s, e.toString()));
        s.write(Buffer.buffer("  V1"));
        queue.add(IDENTIFY);
        // the snapshot is authoritative: whatever was queued while disconnected is in it
        for (Registration r : snapshot.get()) {
            queue.add(r.line("REGISTER"));
        }
        next();
    }

    private void next() {
        if (inflight != null || queue.isEmpty() || state != State.CONNECTED) {
            return;
        }
        inflight = queue.poll();
        Buffer out;
        if (IDENTIFY.equals(inflight)) {
            byte[] body = new JsonObject().put("broadcast_address", self.broadcastAddress())
                    .put("hostname", self.hostname()).put("http_port", self.httpPort()).put("tcp_port", self.tcpPort())
                    .put("topology_region", "").put("topology_zone", "").put("version", self.version())
                    .encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out = Buffer.buffer().appendString("IDENTIFY\n").appendInt(body.length).appendBytes(body);
        } else {
            out = Buffer.buffer(inflight + "\n");
        }
        NetSocket s = sock;
        deadline = vertx.setTimer(COMMAND_TIMEOUT_MS, t -> {
            deadline = -1;
            lost(s, "no answer to " + inflight + " within " + COMMAND_TIMEOUT_MS + " ms");
        });
        s.write(out);
    }

    private void received(Buffer b) {
        pending.appendBuffer(b);
        while (pending.length() >= 4 && state == State.CONNECTED) {
            int size = pending.getInt(0);
            if (size < 0 || size > MAX_RESPONSE) {
                lost(sock, "bad response size " + size);
                return;
            }
            if (pending.length() < 4 + size) {
                return;
            }
            String data = pending.getString(4, 4 + size);
            pending = pending.getBuffer(4 + size, pending.length());
            answered(data);
        }
    }

    private void answered(String data) {
        if (deadline >= 0) {
            vertx.cancelTimer(deadline);
            deadline = -1;
        }
        String cmd = inflight;
        inflight = null;
        if (cmd == null) {
            lost(sock, "unexpected response " + data);
            return;
        }
        if (data.startsWith("E_")) {
            // every lookup error is fatal: it closes, and we reconnect with the snapshot
            LOG.error("LOOKUPD({}): {} failed: {}", address, cmd, data);
            lost(sock, data);
            return;
        }
        if (IDENTIFY.equals(cmd)) {
            identified(data);
        }
        next();
    }

    private void identified(String data) {
        backoffMs = MIN_BACKOFF_MS;
        try {
            JsonObject info = new JsonObject(data);
            httpHost = info.getString("broadcast_address", "");
            httpPort = info.getInteger("http_port", 0);
            LOG.info("LOOKUPD({}): connected, peer info broadcast_address={} http_port={} version={}", address,
                    httpHost, httpPort, info.getString("version"));
            if (httpHost.isEmpty()) {
                LOG.error("LOOKUPD({}): no broadcast_address in IDENTIFY answer; cannot ask it for channels", address);
            }
        } catch (RuntimeException e) {
            // a lookup may answer plain OK (nsqlookupd does when its own info cannot be encoded)
            LOG.info("LOOKUPD({}): connected (IDENTIFY answered {})", address, data);
        }
    }

    private void lost(NetSocket s, String why) {
        if (s != sock || state != State.CONNECTED) {
            return;
        }
        LOG.warn("LOOKUPD({}): disconnected: {}", address, why);
        state = State.DISCONNECTED;
        sock = null;
        inflight = null;
        queue.clear();
        if (deadline >= 0) {
            vertx.cancelTimer(deadline);
            deadline = -1;
        }
        s.close();
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (state == State.STOPPED || reconnectTimer >= 0) {
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        reconnectTimer = vertx.setTimer(delay, t -> connect());
    }

    void stop() {
        State was = state;
        state = State.STOPPED;
        for (long t : new long[] {pingTimer, reconnectTimer, deadline}) {
            if (t >= 0) {
                vertx.cancelTimer(t);
            }
        }
        if (sock != null) {
            sock.close();
            sock = null;
        }
        if (was == State.CONNECTED) {
            LOG.info("LOOKUPD({}): closed", address);
        }
    }
}
