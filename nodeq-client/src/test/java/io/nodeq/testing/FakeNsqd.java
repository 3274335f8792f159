package io.nodeq.testing;

import io.nodeq.client.NsqAddress;
import io.nodeq.protocol.Command;
import io.nodeq.protocol.CommandDecoder;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.MessageIds;
import io.nodeq.protocol.ProtocolError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one nsqd stand-in of the tests that need a fake rather than a real daemon (the client's unit
 * tests, the admin UI's, the bench tools'). Over TCP it speaks enough protocol V2: IDENTIFY (JSON
 * with feature negotiation, else OK), AUTH, SUB, RDY-bounded delivery, FIN/REQ/TOUCH, PUB/MPUB/DPUB,
 * CLS, NOP, heartbeats; one queue per topic, shared by every subscriber whatever the channel. Over
 * HTTP ({@link FakeNsqdHttp}) it serves {@code /info}, {@code /stats} and the topic/channel actions
 * from a stats model the test sets. Test knobs are public fields.
 *
 * <p>State is guarded by {@code this}: socket handlers run on the servers' event loop, tests read
 * from their own thread.
 */
public final class FakeNsqd implements AutoCloseable {
    /** One message: {@code attempts[0]} counts deliveries. */
    public record Msg(long id, long ts, byte[] body, int[] attempts) {
    }

    /** One TCP connection, as the fake sees it. */
    public final class Client {
        final NetSocket sock;
        public String topic;
        public int rdy;
        public int maxInFlightSeen;
        final Map<Long, Msg> inFlight = new HashMap<>();
        /** Written by the fake's event loop, read by tests on theirs: a thread-safe list. */
        public final List<Integer> rdyHistory = new java.util.concurrent.CopyOnWriteArrayList<>();
        public int nops;
        boolean closing;
        boolean dead;
        boolean authorized;
        String userAgent;
        /** Set by RDY and FIN: one delivery burst at the end of the socket read, not one per command. */
        boolean pumpNeeded;

        Client(NetSocket sock) {
            this.sock = sock;
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String hostname;
    private final FakeNsqdHttp http;
    private NetServer tcp;
    private final Map<String, ArrayDeque<Msg>> queues = new HashMap<>();
    private final List<Client> clients = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    /** Bodies published, in order (only while {@link #keepBodies}). */
    public final List<String> published = new CopyOnWriteArrayList<>();
    /** Command names received, in order (not in load mode: see {@link #keepBodies}). */
    public final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicLong publishedCount = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong finUnknown = new AtomicLong();
    private int fins;
    private int reqs;
    private int touches;
    private int connections;
    private long heartbeatTimer = -1;
    /** Messages without a stored body, made on delivery ({@link #backlog}); any topic takes them. */
    private long synthetic;
    private byte[] syntheticBody = new byte[0];

    /** Publishes whose body matches get a fatal E_BAD_MESSAGE and the connection closes. */
    public volatile Predicate<String> rejectBody = b -> false;
    /** When set, every PUB/MPUB/DPUB gets this error frame (not fatal), as from a daemon that is exiting. */
    public volatile String publishError;
    /**
     * False is load mode: published messages are only counted and join the synthetic backlog, and
     * commands are not recorded.
     */
    public volatile boolean keepBodies = true;
    /** Sends one heartbeat right after SUB's OK (NSQ's bench tools count the NOP that answers it). */
    public volatile boolean heartbeatAfterSub;
    public volatile int maxRdyCount = 2500;
    public volatile long msgTimeoutMs = 60_000;
    /**
     * Grants {@code nodeq_headers} to a client that asks (as nodeq does); false answers as nsqd does.
     * The fake keeps bodies as they came: only clients that all negotiated headers see the same thing.
     */
    public volatile boolean grantHeaders;
    /** Raw bodies published, header blocks included (only while {@link #keepBodies}). */
    public final List<byte[]> publishedBytes = new CopyOnWriteArrayList<>();
    /** When set, IDENTIFY says {@code auth_required} and SUB/PUB need a prior AUTH with this secret. */
    public volatile String authSecret;
    /** The secrets AUTH carried, in order. */
    public final List<String> authSecrets = new CopyOnWriteArrayList<>();
    /** Delay before answering any HTTP request, to play a slow node. */
    public volatile long delayMs;
    /** Every HTTP action POST received, as {@code path?query}. */
    public final List<String> posts = new CopyOnWriteArrayList<>();
    /**
     * Answers for endpoints nsqd does not have, keyed {@code "GET /channel/peek"}: a test plays a
     * daemon with extensions; without an entry such a path is 404 NOT_FOUND, as from nsqd.
     */
    public final Map<String, Function<HttpServerRequest, FakeNsqdHttp.Reply>> routes = new ConcurrentHashMap<>();

    public FakeNsqd(Vertx vertx, String hostname) {
        this(vertx, hostname, false);
    }

    private FakeNsqd(Vertx vertx, String hostname, boolean ownsVertx) {
        this.vertx = vertx;
        this.hostname = hostname;
        this.ownsVertx = ownsVertx;
        this.http = new FakeNsqdHttp(vertx, this);
    }

    /** Both servers on 127.0.0.1, any ports; waits until they listen. */
    public static FakeNsqd start(Vertx vertx) throws Exception {
        return start(vertx, 0);
    }

    /** TCP on {@code tcpPort} (0 = any; a restarted daemon keeps its address), HTTP on any port. */
    public static FakeNsqd start(Vertx vertx, int tcpPort) throws Exception {
        return new FakeNsqd(vertx, "fake-nsqd").start(tcpPort, 0).await(5, TimeUnit.SECONDS);
    }

    /** As {@link #start(Vertx)} on a Vert.x of its own, closed by {@link #close}. */
    public static FakeNsqd standalone() throws Exception {
        return new FakeNsqd(Vertx.vertx(), "fake-nsqd", true).start().await(5, TimeUnit.SECONDS);
    }

    public Future<FakeNsqd> start() {
        return start(0, 0);
    }

    /** On these ports (0 = any): a restarted node keeps its addresses. */
    public Future<FakeNsqd> start(int tcpPort, int httpPort) {
        tcp = vertx.createNetServer().connectHandler(this::accept);
        return tcp.listen(tcpPort, "127.0.0.1").compose(t -> http.listen(httpPort)).map(h -> this);
    }

    public Future<Void> stop() {
        synchronized (this) {
            if (heartbeatTimer >= 0) {
                vertx.cancelTimer(heartbeatTimer);
            }
            dropConnections();
        }
        Future<Void> stopped = Future.join(tcp.close(), http.close()).mapEmpty();
        return ownsVertx ? stopped.eventually(vertx::close) : stopped;
    }

    @Override
    public void close() throws Exception {
        stop().await(10, TimeUnit.SECONDS);
    }

    public String hostname() {
        return hostname;
    }

    public int tcpPort() {
        return tcp.actualPort();
    }

    public NsqAddress tcpAddress() {
        return new NsqAddress("127.0.0.1", tcpPort());
    }

    public int httpPort() {
        return http.port();
    }

    /** {@code 127.0.0.1:<http port>}, as a lookup or the admin UI's flags give a daemon. */
    public String httpAddress() {
        return "127.0.0.1:" + httpPort();
    }

    // ---- the HTTP side: a stats model the test sets ----

    public FakeNsqdHttp.Topic topic(String name) {
        return http.topic(name);
    }

    public FakeNsqdHttp.Channel channel(String topic, String channel) {
        return http.channel(topic, channel);
    }

    /** {@code n} messages of {@code size} bytes in /stats: they fan out to every channel (or wait in the topic). */
    public void publish(String topic, int n, int size) {
        http.publish(topic, n, size);
    }

    public List<String> topicNames() {
        return http.topicNames();
    }

    public List<String> channelNames(String topic) {
        return http.channelNames(topic);
    }

    /** A subscribed client as /stats shows it. */
    public static JsonObject statsClient(String id, String remote, int ready, int inFlight, boolean tls) {
        return FakeNsqdHttp.client(id, remote, ready, inFlight, tls);
    }

    // ---- the TCP side ----

    /** Sends {@code _heartbeat_} to every connection at this interval. */
    public synchronized void heartbeatEvery(long ms) {
        heartbeatTimer = vertx.setPeriodic(ms, t -> {
            synchronized (this) {
                for (Client c : clients) {
                    c.sock.write(Frames.heartbeat());
                }
            }
        });
    }

    /** Queues one message for the topic's subscribers. */
    public synchronized void put(String topic, String body) {
        queue(topic).add(new Msg(ids.incrementAndGet(), System.currentTimeMillis() * 1_000_000L,
                body.getBytes(StandardCharsets.UTF_8), new int[1]));
        deliverAll();
    }

    /** Adds {@code n} messages of {@code bodySize} zero bytes that any subscriber may take (made on delivery). */
    public synchronized void backlog(long n, int bodySize) {
        synthetic += n;
        syntheticBody = new byte[bodySize];
        deliverAll();
    }

    public synchronized long backlog() {
        return synthetic;
    }

    public synchronized int depth(String topic) {
        return queue(topic).size();
    }

    public long publishedCount() {
        return publishedCount.get();
    }

    public long delivered() {
        return delivered.get();
    }

    /** FINs for an ID that was not in flight (each answered E_FIN_FAILED). */
    public long finUnknown() {
        return finUnknown.get();
    }

    public synchronized int fins() {
        return fins;
    }

    public synchronized int reqs() {
        return reqs;
    }

    public synchronized int touches() {
        return touches;
    }

    public synchronized int connections() {
        return connections;
    }

    public synchronized int nops() {
        return clients.stream().mapToInt(c -> c.nops).sum() + closedNops;
    }

    private int closedNops;

    public synchronized List<Client> clients() {
        return new ArrayList<>(clients);
    }

    public synchronized int inFlight() {
        return clients.stream().mapToInt(c -> c.inFlight.size()).sum();
    }

    public synchronized int maxInFlightSeen() {
        return clients.stream().mapToInt(c -> c.maxInFlightSeen).max().orElse(0);
    }

    public synchronized String userAgent() {
        return clients.isEmpty() ? null : clients.get(0).userAgent;
    }

    /** Closes every client connection, keeping queued messages (like a daemon restart). */
    public synchronized void dropConnections() {
        for (Client c : new ArrayList<>(clients)) {
            requeueInFlight(c);
            c.sock.close();
        }
    }

    private ArrayDeque<Msg> queue(String topic) {
        return queues.computeIfAbsent(topic, t -> new ArrayDeque<>());
    }

    private synchronized void accept(NetSocket sock) {
        Client c = new Client(sock);
        clients.add(c);
        connections++;
        CommandDecoder decoder = new CommandDecoder(CommandDecoder.Limits.DEFAULTS, true, new CommandDecoder.Sink() {
            @Override
            public void command(Command cmd) {
                synchronized (FakeNsqd.this) {
                    handle(c, cmd);
                }
            }

            @Override
            public void error(ProtocolError error) {
                sock.write(Frames.error(error));
                sock.close();
            }
        });
        sock.handler(buffer -> {
            decoder.handle(buffer);
            synchronized (FakeNsqd.this) {
                if (c.pumpNeeded) {
                    c.pumpNeeded = false;
                    deliver(c);
                }
            }
        });
        sock.closeHandler(v -> {
            synchronized (FakeNsqd.this) {
                clients.remove(c);
                closedNops += c.nops;
                requeueInFlight(c);
                deliverAll();
            }
        });
    }

    private void requeueInFlight(Client c) {
        for (Msg m : c.inFlight.values()) {
            if (m.body() == null) {
                synthetic++;
            } else if (c.topic != null) {
                queue(c.topic).add(m);
            }
        }
        c.inFlight.clear();
    }

    private void handle(Client c, Command cmd) {
        if (c.dead) {
            return;
        }
        if (keepBodies) {
            commands.add(cmd.name());
        }
        if (authSecret != null && !c.authorized
                && List.of(Command.SUB, Command.PUB, Command.MPUB, Command.DPUB).contains(cmd.name())) {
            c.sock.write(Frames.error(new ProtocolError("E_AUTH_FIRST", "AUTH required before " + cmd.name())));
            c.sock.close();
            return;
        }
        switch (cmd.name()) {
            case Command.IDENTIFY -> identify(c, new JsonObject(new String(cmd.body(), StandardCharsets.UTF_8)));
            case Command.AUTH -> {
                String secret = new String(cmd.body(), StandardCharsets.UTF_8);
                authSecrets.add(secret);
                if (secret.equals(authSecret)) {
                    c.authorized = true;
                    c.sock.write(Frames.response("{\"identity\":\"tester\",\"identity_url\":\"\",\"permission_count\":1}"));
                } else {
                    c.sock.write(Frames.error(new ProtocolError("E_AUTH_FAILED", "AUTH failed")));
                    c.sock.close();
                }
            }
            case Command.SUB -> {
                c.topic = cmd.param(0);
                c.sock.write(heartbeatAfterSub ? Frames.ok().appendBuffer(Frames.heartbeat()) : Frames.ok());
            }
            case Command.RDY -> {
                c.rdy = cmd.params().length == 0 ? 1 : Integer.parseInt(cmd.param(0));
                c.rdyHistory.add(c.rdy);
                c.pumpNeeded = true;
            }
            case Command.FIN -> {
                if (c.inFlight.remove(MessageIds.parseHex(cmd.param(0))) != null) {
                    fins++;
                    c.pumpNeeded = true;
                } else {
                    finUnknown.incrementAndGet();
                    c.sock.write(Frames.error(new ProtocolError("E_FIN_FAILED", "FIN " + cmd.param(0) + " failed ID not in flight")));
                }
            }
            case Command.REQ -> requeue(c, cmd);
            case Command.TOUCH -> touches++;
            case Command.NOP -> c.nops++;
            case Command.CLS -> {
                c.closing = true;
                c.rdy = 0;
                c.sock.write(Frames.closeWait());
            }
            case Command.PUB, Command.DPUB, Command.MPUB -> publish(c, cmd.param(0), cmd.messages());
            default -> {
                c.sock.write(Frames.error(new ProtocolError("E_INVALID", "invalid command " + cmd.name())));
                c.sock.close();
            }
        }
    }

    /** JSON with the negotiated features when the client asks for them, else OK (nsqd's rule). */
    private void identify(Client c, JsonObject body) {
        c.userAgent = body.getString("user_agent");
        if (!body.getBoolean("feature_negotiation", false)) {
            c.sock.write(Frames.ok());
            return;
        }
        c.sock.write(Frames.response(new JsonObject().put("max_rdy_count", maxRdyCount).put("version", "1.3.0")
                .put("max_msg_timeout", 900000).put("msg_timeout", msgTimeoutMs).put("tls_v1", false)
                .put("deflate", false).put("deflate_level", 6).put("max_deflate_level", 6).put("snappy", false)
                .put("sample_rate", 0).put("auth_required", authSecret != null).put("output_buffer_size", 16384)
                .put("output_buffer_timeout", 250)
                .mergeIn(grantHeaders && body.getBoolean("nodeq_headers", false)
                        ? new JsonObject().put("nodeq_headers", true) : new JsonObject()).encode()));
    }

    private void requeue(Client c, Command cmd) {
        Msg m = c.inFlight.remove(MessageIds.parseHex(cmd.param(0)));
        if (m == null) {
            return;
        }
        reqs++;
        long delay = Long.parseLong(cmd.param(1));
        String topic = c.topic;
        if (delay <= 0) {
            queue(topic).add(m);
        } else {
            vertx.setTimer(delay, t -> {
                synchronized (this) {
                    queue(topic).add(m);
                    deliverAll();
                }
            });
        }
        deliverAll();
    }

    private void publish(Client c, String topic, List<byte[]> bodies) {
        if (publishError != null) {
            c.sock.write(Frames.error(new ProtocolError(publishError.split(" ", 2)[0],
                    publishError.contains(" ") ? publishError.split(" ", 2)[1] : "")));
            return;
        }
        for (byte[] b : bodies) {
            String s = new String(b, StandardCharsets.UTF_8);
            if (rejectBody.test(s)) {
                c.sock.write(Frames.error(new ProtocolError("E_BAD_MESSAGE", "PUB rejected " + s)));
                c.dead = true;
                c.sock.close();
                return;
            }
        }
        publishedCount.addAndGet(bodies.size());
        if (keepBodies) {
            for (byte[] b : bodies) {
                published.add(new String(b, StandardCharsets.UTF_8));
                publishedBytes.add(b);
                queue(topic).add(new Msg(ids.incrementAndGet(), System.currentTimeMillis() * 1_000_000L, b, new int[1]));
            }
        } else {
            synthetic += bodies.size();
        }
        c.sock.write(Frames.ok());
        deliverAll();
    }

    private void deliverAll() {
        for (Client c : clients) {
            deliver(c);
        }
    }

    /** Fills the connection up to its RDY in one write (the topic's queue first, then the backlog). */
    private void deliver(Client c) {
        if (c.topic == null || c.closing) {
            return;
        }
        ArrayDeque<Msg> q = queue(c.topic);
        Buffer out = null;
        while (c.inFlight.size() < c.rdy && (!q.isEmpty() || synthetic > 0)) {
            Msg m = q.poll();
            if (m == null) {
                synthetic--;
                m = new Msg(ids.incrementAndGet(), System.currentTimeMillis() * 1_000_000L, null, new int[1]);
            }
            m.attempts()[0]++;
            c.inFlight.put(m.id(), m);
            c.maxInFlightSeen = Math.max(c.maxInFlightSeen, c.inFlight.size());
            if (out == null) {
                out = Buffer.buffer();
            }
            Frames.appendMessage(out, m.ts(), m.attempts()[0], m.id(), m.body() == null ? syntheticBody : m.body());
            delivered.incrementAndGet();
        }
        if (out != null) {
            c.sock.write(out);
        }
    }
}
