package io.nodeq.examples.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consumer connection of {@link LatencyBench}: SUB, RDY, and FIN for every message, on its own
 * thread, recording for each message of this run (its body carries the run's tag) the time from
 * its send, read from the body, to its arrival. Frames are parsed in place and the FINs of one socket
 * read leave in one write, as in {@link BenchReader}. Owned by its thread; the main thread reads
 * {@link #received()} while it runs and everything else after {@link #close()}.
 */
final class LatencyConsumer implements FrameParser.Handler {
    /** Body prefix: int64 send time (System.nanoTime of this process) + the 8-byte run tag. */
    static final int BODY_HEADER = 16;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Pattern MAX_RDY = Pattern.compile("\"max_rdy_count\"\\s*:\\s*(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOP = "NOP\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FIN_LENGTH = 4 + 16 + 1;

    private final BenchConnection conn;
    private final long tag;
    private final int rdy;
    private final String server;
    private final Histogram e2e = new Histogram(MAX_NANOS, 3);
    private long measureStart;
    private long pubEnd;
    private Thread thread;
    /** Messages of this run received; only the consumer thread writes it. */
    private volatile long received;
    private long receivedWindow;
    private long foreign;
    private long redelivered;
    private long finFailed;
    private volatile boolean closing;
    private volatile Exception failure;
    private String fatal;

    private LatencyConsumer(BenchConnection conn, long tag, int rdy, String server) {
        this.conn = conn;
        this.tag = tag;
        this.rdy = rdy;
        this.server = server;
    }

    /** Connects, IDENTIFYs if output buffering was asked for, and SUBscribes; RDY follows in {@link #start}. */
    static LatencyConsumer connect(LatencyOptions o, long tag) throws IOException {
        BenchConnection c = BenchConnection.open(new InetSocketAddress(o.address().host(), o.address().port()), Duration.ofSeconds(5));
        try {
            int rdy = o.rdy();
            String server = "";
            if (o.identify()) {
                c.appendWithBody("IDENTIFY", identifyBody(o).getBytes(StandardCharsets.UTF_8));
                c.flush();
                String identify;
                try {
                    identify = c.awaitResponse();
                } catch (BenchConnection.ServerError e) {
                    boolean timeout = e.getMessage().contains("output buffer timeout") || e.getMessage().contains("output_buffer_timeout");
                    throw new IOException("IDENTIFY: " + e.getMessage() + (timeout && o.outputBufferTimeout() != null
                            ? " (the daemon needs --min-output-buffer-timeout=" + o.outputBufferTimeout().toMillis() + "ms or less)" : ""), e);
                }
                Matcher m = MAX_RDY.matcher(identify);
                if (m.find()) {
                    rdy = (int) Math.min(rdy, Long.parseLong(m.group(1)));
                }
                Matcher v = VERSION.matcher(identify);
                server = v.find() ? v.group(1) : "";
            }
            c.appendLine("SUB " + o.topic() + " " + o.channel());
            c.flush();
            String sub = c.awaitResponse();
            if (!sub.equals("OK")) {
                throw new IOException("SUB answered " + sub);
            }
            return new LatencyConsumer(c, tag, rdy, server);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static String identifyBody(LatencyOptions o) {
        StringBuilder json = new StringBuilder("{\"client_id\":\"latency\",\"hostname\":\"latency\",\"user_agent\":\"nodeq-")
                .append(LatencyBench.TOOL).append("/0.1\",\"feature_negotiation\":true");
        if (o.outputBufferSize() != 0) {
            json.append(",\"output_buffer_size\":").append(o.outputBufferSize());
        }
        if (o.outputBufferTimeout() != null) {
            json.append(",\"output_buffer_timeout\":").append(o.outputBufferTimeout().toMillis());
        }
        return json.append('}').toString();
    }

    /** The server's version from IDENTIFY; empty without one. */
    String server() {
        return server;
    }

    /** Sends RDY and consumes on a new thread; messages sent in [measureStart, pubEnd) are measured. */
    void start(long measureStart, long pubEnd) {
        this.measureStart = measureStart;
        this.pubEnd = pubEnd;
        thread = new Thread(this::consume, LatencyBench.TOOL + "-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void consume() {
        try {
            conn.appendLine("RDY " + rdy);
            conn.flush();
            conn.parseBuffered(this);
            while (true) {
                int n = conn.readFrames(this);
                if (fatal != null) {
                    throw new IOException(fatal);
                }
                if (conn.out().position() > 0) {
                    conn.flush(); // one write for every FIN (and NOP) this read produced
                }
                if (n < 0) {
                    if (!closing) {
                        throw new IOException("the server closed the connection");
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                failure = e;
            }
        } finally {
            conn.close();
        }
    }

    @Override
    public void message(ByteBuffer buf, int offset, int length) throws IOException {
        long now = System.nanoTime();
        int attempts = buf.getShort(offset + 8) & 0xffff;
        ByteBuffer out = room(FIN_LENGTH);
        out.put(FIN);
        out.put(out.position(), buf, offset + 10, 16);
        out.position(out.position() + 16);
        out.put((byte) '\n');
        int body = offset + FrameParser.MESSAGE_HEADER;
        if (length - FrameParser.MESSAGE_HEADER < BODY_HEADER || buf.getLong(body + 8) != tag) {
            foreign++;
            return;
        }
        long sent = buf.getLong(body);
        if (attempts > 1) {
            redelivered++;
        }
        if (sent >= measureStart) {
            e2e.recordValue(Math.max(0, Math.min(now - sent, MAX_NANOS)));
        }
        if (now >= measureStart && now < pubEnd) {
            receivedWindow++;
        }
        received = received + 1;
    }

    @Override
    public void response(ByteBuffer buf, int offset, int length) throws IOException {
        if (FrameParser.equalsAscii(buf, offset, length, "_heartbeat_")) {
            room(NOP.length).put(NOP);
        }
    }

    @Override
    public void error(ByteBuffer buf, int offset, int length) {
        String text = FrameParser.ascii(buf, offset, length);
        if (text.startsWith("E_FIN_FAILED")) {
            finFailed++;
        } else if (fatal == null) {
            fatal = "the server answered " + text;
        }
    }

    /** The send buffer with at least {@code n} bytes free, flushing it if needed. */
    private ByteBuffer room(int n) throws IOException {
        if (conn.out().remaining() < n) {
            conn.flush();
        }
        return conn.out();
    }

    /** While running: messages of this run received so far. */
    long received() {
        return received;
    }

    /**
     * Stops reading (the FINs owed for what was read still go out), waits a bounded time for the
     * thread, closing the socket if it has not ended by then, and returns what it counted. May be
     * called before {@link #start}.
     */
    Totals close() throws InterruptedException {
        closing = true;
        if (thread == null) {
            conn.close();
        } else {
            conn.stopReading();
            thread.join(TimeUnit.SECONDS.toMillis(5));
            if (thread.isAlive()) {
                conn.close();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        return new Totals(received, receivedWindow, foreign, redelivered, finFailed, e2e,
                failure == null ? List.of() : List.of("consumer: " + failure.getMessage()));
    }

    /**
     * The consumer's counts once its thread has ended: messages of this run received, of those the ones
     * received in the measured window, messages of other runs, redeliveries, E_FIN_FAILED; the
     * publish->delivery times; what went wrong.
     */
    record Totals(long received, long receivedWindow, long foreign, long redelivered, long finFailed, Histogram e2e,
                  List<String> problems) {
    }
}
