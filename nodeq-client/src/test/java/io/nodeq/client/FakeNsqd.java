package io.nodeq.client;

import io.nodeq.protocol.Command;
import io.nodeq.protocol.CommandDecoder;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.MessageIds;
import io.nodeq.protocol.ProtocolError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small nsqd stand-in for unit tests: speaks enough protocol V2 (IDENTIFY JSON, SUB, RDY-bounded
 * delivery, FIN/REQ/TOUCH, PUB/MPUB/DPUB, CLS, heartbeats) over a real socket. One topic queue per
 * topic, shared by every subscriber whatever the channel.
 *
 * <p>State is guarded by {@code this}: socket handlers run on the server's event loop, tests read
 * from their own thread.
 */
final class FakeNsqd implements AutoCloseable {
    record Msg(long id, long ts, byte[] body, int[] attempts) {
    }

    final class Client {
        final NetSocket sock;
        String topic;
        int rdy;
        int maxInFlightSeen;
        final Map<Long, Msg> inFlight = new HashMap<>();
        final List<Integer> rdyHistory = new ArrayList<>();
        int nops;
        boolean closing;
        boolean dead;
        boolean authorized;
        String userAgent;

        Client(NetSocket sock) {
            this.sock = sock;
        }
    }

    private final Vertx vertx;
    private final NetServer server;
    private final Map<String, ArrayDeque<Msg>> queues = new HashMap<>();
    private final List<Client> clients = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    final List<String> published = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    private int fins;
    private int reqs;
    private int touches;
    private int connections;
    private long heartbeatTimer = -1;
    /** Publishes whose body matches get a fatal E_BAD_MESSAGE and the connection closes. */
    volatile Predicate<String> rejectBody = b -> false;
    volatile int maxRdyCount = 2500;
    volatile long msgTimeoutMs = 60_000;
    /** When set, IDENTIFY says {@code auth_required} and SUB/PUB need a prior AUTH with this secret. */
    volatile String authSecret;
    /** The secrets AUTH carried, in order. */
    final List<String> authSecrets = new CopyOnWriteArrayList<>();

    private FakeNsqd(Vertx vertx, NetServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static FakeNsqd start(Vertx vertx, int port) throws Exception {
        FakeNsqd[] holder = new FakeNsqd[1];
        NetServer s = vertx.createNetServer().connectHandler(sock -> holder[0].accept(sock));
        holder[0] = new FakeNsqd(vertx, s);
        s.listen(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
        return holder[0];
    }

    int port() {
        return server.actualPort();
    }

    NsqAddress address() {
        return new NsqAddress("127.0.0.1", port());
    }

    /** Sends {@code _heartbeat_} to every connection at this interval. */
    synchronized void heartbeatEvery(long ms) {
        heartbeatTimer = vertx.setPeriodic(ms, t -> {
            synchronized (this) {
                for (Client c : clients) {
                    c.sock.write(Frames.heartbeat());
                }
            }
        });
    }

    synchronized void put(String topic, String body) {
        queue(topic).add(new Msg(ids.incrementAndGet(), System.currentTimeMillis() * 1_000_000L,
                body.getBytes(StandardCharsets.UTF_8), new int[1]));
        deliverAll();
    }

    synchronized int depth(String topic) {
        return queue(topic).size();
    }

    synchronized int fins() {
        return fins;
    }

    synchronized int reqs() {
        return reqs;
    }

    synchronized int touches() {
        return touches;
    }

    synchronized int connections() {
        return connections;
    }

    synchronized int nops() {
        return clients.stream().mapToInt(c -> c.nops).sum();
    }

    synchronized List<Client> clients() {
        return new ArrayList<>(clients);
    }

    synchronized int inFlight() {
        return clients.stream().mapToInt(c -> c.inFlight.size()).sum();
    }

    synchronized int maxInFlightSeen() {
        return clients.stream().mapToInt(c -> c.maxInFlightSeen).max().orElse(0);
    }

    synchronized String userAgent() {
        return clients.isEmpty() ? null : clients.get(0).userAgent;
    }

    /** Closes every client connection, keeping queued messages (like a daemon restart). */
    synchronized void dropConnections() {
        for (Client c : new ArrayList<>(clients)) {
            requeueInFlight(c);
            c.sock.close();
        }
    }

    @Override
    public void close() throws Exception {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        dropConnections();
        server.close().await(5, TimeUnit.SECONDS);
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
        sock.handler(decoder);
        sock.closeHandler(v -> {
            synchronized (FakeNsqd.this) {
                clients.remove(c);
                requeueInFlight(c);
                deliverAll();
            }
        });
    }

    private void requeueInFlight(Client c) {
        if (c.topic != null) {
            queue(c.topic).addAll(c.inFlight.values());
        }
        c.inFlight.clear();
    }

    private void handle(Client c, Command cmd) {
        if (c.dead) {
            return;
        }
        commands.add(cmd.name());
        if (authSecret != null && !c.authorized && List.of(Command.SUB, Command.PUB, Command.MPUB, Command.DPUB).contains(cmd.name())) {
            c.sock.write(Frames.error(new ProtocolError("E_AUTH_FIRST", "AUTH required before " + cmd.name())));
            c.sock.close();
            return;
        }
        switch (cmd.name()) {
            case Command.IDENTIFY -> {
                String json = new String(cmd.body(), StandardCharsets.UTF_8);
                int i = json.indexOf("\"user_agent\":\"");
                if (i >= 0) {
                    c.userAgent = json.substring(i + 14, json.indexOf('"', i + 14));
                }
                c.sock.write(Frames.response("{\"max_rdy_count\":" + maxRdyCount + ",\"version\":\"1.3.0\","
                        + "\"max_msg_timeout\":900000,\"msg_timeout\":" + msgTimeoutMs + ",\"tls_v1\":false,"
                        + "\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,\"snappy\":false,"
                        + "\"sample_rate\":0,\"auth_required\":" + (authSecret != null) + ",\"output_buffer_size\":16384,"
                        + "\"output_buffer_timeout\":250}"));
            }
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
                c.sock.write(Frames.ok());
            }
            case Command.RDY -> {
                c.rdy = cmd.params().length == 0 ? 1 : Integer.parseInt(cmd.param(0));
                c.rdyHistory.add(c.rdy);
                deliver(c);
            }
            case Command.FIN -> {
                if (c.inFlight.remove(MessageIds.parseHex(cmd.param(0))) != null) {
                    fins++;
                    deliver(c);
                } else {
                    c.sock.write(Frames.error(new ProtocolError("E_FIN_FAILED", "FIN " + cmd.param(0) + " failed ID not in flight")));
                }
            }
            case Command.REQ -> {
                Msg m = c.inFlight.remove(MessageIds.parseHex(cmd.param(0)));
                if (m != null) {
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
            }
            case Command.TOUCH -> touches++;
            case Command.NOP -> c.nops++;
            case Command.CLS -> {
                c.closing = true;
                c.rdy = 0;
                c.sock.write(Frames.closeWait());
            }
            case Command.PUB, Command.DPUB -> publish(c, cmd.param(0), List.of(cmd.body()));
            case Command.MPUB -> publish(c, cmd.param(0), cmd.messages());
            default -> {
                c.sock.write(Frames.error(new ProtocolError("E_INVALID", "invalid command " + cmd.name())));
                c.sock.close();
            }
        }
    }

    private void publish(Client c, String topic, List<byte[]> bodies) {
        for (byte[] b : bodies) {
            String s = new String(b, StandardCharsets.UTF_8);
            if (rejectBody.test(s)) {
                c.sock.write(Frames.error(new ProtocolError("E_BAD_MESSAGE", "PUB rejected " + s)));
                c.dead = true;
                c.sock.close();
                return;
            }
        }
        for (byte[] b : bodies) {
            published.add(new String(b, StandardCharsets.UTF_8));
            queue(topic).add(new Msg(ids.incrementAndGet(), System.currentTimeMillis() * 1_000_000L, b, new int[1]));
        }
        c.sock.write(Frames.ok());
        deliverAll();
    }

    private void deliverAll() {
        for (Client c : clients) {
            deliver(c);
        }
    }

    private void deliver(Client c) {
        if (c.topic == null || c.closing) {
            return;
        }
        ArrayDeque<Msg> q = queue(c.topic);
        Buffer out = null;
        while (c.inFlight.size() < c.rdy && !q.isEmpty()) {
            Msg m = q.poll();
            m.attempts()[0]++;
            c.inFlight.put(m.id(), m);
            c.maxInFlightSeen = Math.max(c.maxInFlightSeen, c.inFlight.size());
            if (out == null) {
                out = Buffer.buffer();
            }
            Frames.appendMessage(out, m.ts(), m.attempts()[0], m.id(), m.body());
        }
        if (out != null) {
            c.sock.write(out);
        }
    }
}
