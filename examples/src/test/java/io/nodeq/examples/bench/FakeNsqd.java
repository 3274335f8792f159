package io.nodeq.examples.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough nsqd for the bench tools: magic, IDENTIFY (JSON or OK), MPUB (counted, answered OK or a
 * configured error), SUB (OK, then one heartbeat), RDY, FIN (checked against what is in flight), NOP.
 * Every published message joins one shared queue that subscribers drain, honouring RDY as a ceiling
 * on in-flight. Connections run on the server's event loop; counters are atomics for the test thread.
 */
final class FakeNsqd implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final int bodySize;
    private final byte[] body;
    private final String mpubError;
    final AtomicLong queued = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    final AtomicLong finUnknown = new AtomicLong();
    final AtomicLong nops = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    /** @param mpubError if not null, the error frame text every MPUB gets */
    FakeNsqd(int bodySize, String mpubError) {
        this.bodySize = bodySize;
        this.body = new byte[bodySize];
        this.mpubError = mpubError;
        server = vertx.createNetServer().connectHandler(sock -> new Conn(sock).start());
        server.listen(0, "127.0.0.1").await();
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        vertx.close().await();
    }

    private enum State { MAGIC, LINE, SIZE, BODY }

    private static Buffer frame(int type, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(8 + b.length).appendInt(4 + b.length).appendInt(type).appendBytes(b);
    }

    /** One client connection; owned by the server's event loop. */
    private final class Conn {
        private final NetSocket sock;
        private final RecordParser parser = RecordParser.newFixed(4);
        private final Set<String> inFlight = new HashSet<>();
        private State state = State.MAGIC;
        private String command;
        private int rdy;
        private boolean pumpNeeded;

        Conn(NetSocket sock) {
            this.sock = sock;
        }

        void start() {
            parser.maxRecordSize(64 * 1024 * 1024);
            parser.handler(rec -> {
                switch (state) {
                    case MAGIC -> {
                        if (!rec.toString(StandardCharsets.US_ASCII).equals("  V2")) {
                            sock.end(frame(1, "E_BAD_PROTOCOL bad protocol"));
                            return;
                        }
                        state = State.LINE;
                        parser.delimitedMode("\n");
                    }
                    case LINE -> {
                        command = rec.toString(StandardCharsets.US_ASCII);
                        if (command.startsWith("IDENTIFY") || command.startsWith("MPUB ")) {
                            state = State.SIZE;
                            parser.fixedSizeMode(4);
                        } else {
                            handle(command, null);
                        }
                    }
                    case SIZE -> {
                        state = State.BODY;
                        parser.fixedSizeMode(rec.getInt(0));
                    }
                    case BODY -> {
                        state = State.LINE;
                        parser.delimitedMode("\n");
                        handle(command, rec);
                    }
                }
            });
            // FIN and RDY only mark the need; one pump per socket read sends one batch per read.
            sock.handler(chunk -> {
                parser.handle(chunk);
                if (pumpNeeded) {
                    pumpNeeded = false;
                    pump();
                }
            });
        }

        private void handle(String cmd, Buffer body) {
            String[] p = cmd.split(" ");
            switch (p[0]) {
                case "IDENTIFY" -> sock.write(body.toString(StandardCharsets.UTF_8).contains("\"feature_negotiation\":true")
                        ? frame(0, "{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"tls_v1\":false,\"deflate\":false,\"snappy\":false}")
                        : frame(0, "OK"));
                case "MPUB" -> {
                    if (mpubError != null) {
                        sock.write(frame(1, mpubError));
                        return;
                    }
                    int n = body.getInt(0);
                    published.addAndGet(n);
                    queued.addAndGet(n);
                    sock.write(frame(0, "OK"));
                }
                case "SUB" -> sock.write(frame(0, "OK").appendBuffer(frame(0, "_heartbeat_")));
                case "RDY" -> {
                    rdy = Integer.parseInt(p[1]);
                    pumpNeeded = true;
                }
                case "FIN" -> {
                    if (inFlight.remove(p[1])) {
                        finished.incrementAndGet();
                    } else {
                        finUnknown.incrementAndGet();
                        sock.write(frame(1, "E_FIN_FAILED FIN " + p[1] + " failed ID not in flight"));
                    }
                    pumpNeeded = true;
                }
                case "NOP" -> nops.incrementAndGet();
                default -> sock.end(frame(1, "E_INVALID invalid command " + p[0]));
            }
        }

        /** Sends queued messages while in-flight is below RDY, up to 1000 frames per write. */
        private void pump() {
            while (inFlight.size() < rdy && !sock.writeQueueFull()) {
                Buffer batch = Buffer.buffer(Math.min(1000, rdy - inFlight.size()) * (30 + bodySize));
                int n = 0;
                while (n < 1000 && inFlight.size() < rdy && take()) {
                    String id = String.format("%016x", ids.incrementAndGet());
                    inFlight.add(id);
                    batch.appendInt(4 + 26 + bodySize).appendInt(2).appendLong(System.currentTimeMillis() * 1_000_000L)
                            .appendShort((short) 1).appendString(id, "US-ASCII").appendBytes(body);
                    n++;
                }
                if (n == 0) {
                    return;
                }
                delivered.addAndGet(n);
                sock.write(batch);
            }
            if (sock.writeQueueFull()) {
                sock.drainHandler(v -> pump());
            }
        }

        private boolean take() {
            long q;
            do {
                q = queued.get();
                if (q == 0) {
                    return false;
                }
            } while (!queued.compareAndSet(q, q - 1));
            return true;
        }
    }
}
