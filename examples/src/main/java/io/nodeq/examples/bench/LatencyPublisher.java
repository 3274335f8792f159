package io.nodeq.examples.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One publisher connection of {@link LatencyBench}: a sending thread that writes single-message
 * PUBs on an open-loop schedule, and a reading thread that takes the responses, which come back in
 * command order, and times each PUB to its {@code OK}.
 *
 * <p>The sending thread owns the connection's send buffer, the reading thread its receive buffer.
 * They share only the ring of send times (the sender stores a command's time and then publishes it
 * with the volatile {@link #written}; the reader consumes it after the command's response and
 * advances {@link #answered}) and a heartbeat flag: a heartbeat read by the reader is answered with
 * the sender's next write. Each histogram has one writing thread; the main thread reads them after
 * both have ended.
 *
 * <pre>
 * PUB &lt;topic&gt;\n[int32 size][int64 send time (System.nanoTime)][8-byte run tag][padding]
 * </pre>
 */
final class LatencyPublisher {
    /** Unanswered commands a connection may have; a sender this far ahead waits (and shows as behind). */
    private static final int RING = 1 << 18;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Longest single park: a heartbeat is answered within this even at a very low rate. */
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] NOP = "NOP\n".getBytes(StandardCharsets.US_ASCII);

    private final int id;
    private final LatencyOptions o;
    private final BenchConnection conn;
    private final byte[] command;
    private final int timeOffset;
    private final long[] sendTimes = new long[RING];
    private final Histogram rtt = new Histogram(MAX_NANOS, 3);
    private final Histogram behind = new Histogram(MAX_NANOS, 3);
    private final FrameParser.Handler responses = new Responses();

    /** Commands written (= messages); only the sender writes it. */
    private volatile long written;
    /** Commands answered, OK or error; only the reader writes it. */
    private volatile long answered;
    /** Commands answered OK; only the reader writes it. */
    private volatile long acked;
    private volatile boolean nopDue;
    private volatile boolean closing;
    /** Messages written inside the measured window; the sender's. */
    private long sentWindow;
    private long measureStart;
    private volatile String lastErrorFrame;
    private volatile Exception sendFailure;
    private volatile Exception readFailure;
    private Thread sender;
    private Thread reader;

    private LatencyPublisher(int id, LatencyOptions o, BenchConnection conn, long tag) {
        this.id = id;
        this.o = o;
        this.conn = conn;
        byte[] line = ("PUB " + o.topic() + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(line.length + 4 + o.size());
        b.put(line).putInt(o.size());
        timeOffset = b.position();
        b.putLong(0).putLong(tag);
        for (int i = LatencyConsumer.BODY_HEADER; i < o.size(); i++) {
            b.put((byte) ('a' + i % 26));
        }
        command = b.array();
    }

    /** Connects and sends the protocol magic; publishers send no IDENTIFY, as the Go tool. */
    static LatencyPublisher connect(int id, LatencyOptions o, long tag) throws IOException {
        BenchConnection c = BenchConnection.open(new InetSocketAddress(o.address().host(), o.address().port()), Duration.ofSeconds(5));
        try {
            c.flush();
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return new LatencyPublisher(id, o, c, tag);
    }

    /** Starts both threads: the first command is due at {@code start} plus this publisher's share of one interval. */
    void start(long start, long measureStart, long pubEnd) {
        this.measureStart = measureStart;
        reader = thread("read", this::readLoop);
        sender = thread("send", () -> sendLoop(start, measureStart, pubEnd));
    }

    private Thread thread(String what, Runnable body) {
        Thread t = new Thread(body, LatencyBench.TOOL + "-pub" + id + "-" + what);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Command k is due at {@code start + offset + k * interval}. Sleeping, the sender flushes what it
     * wrote; when it wakes late or the socket held it up it writes every overdue command back to back
     * (flushing when on schedule again or when the buffer is full); how late each went out is recorded
     * in {@link #behind}. Ends at {@code pubEnd}: commands still overdue then are not sent.
     */
    private void sendLoop(long start, long measureStart, long pubEnd) {
        double interval = o.intervalNanos();
        double offset = interval * id / o.publishers();
        long quantum = o.paceQuantum().toNanos();
        ByteBuffer out = conn.out();
        try {
            for (long k = 0; ; k++) {
                long due = start + (long) (offset + k * interval);
                long now = System.nanoTime();
                if (due >= pubEnd || now >= pubEnd || closing) {
                    break;
                }
                if (due > now) {
                    flush();
                    now = sleepUntil(Math.max(due, now + quantum));
                }
                if (due >= measureStart) {
                    behind.recordValue(Math.min(now - due, MAX_NANOS));
                }
                long w = written;
                while (w - answered >= RING && !closing) {
                    flush();
                    LockSupport.parkNanos(quantum);
                }
                if (out.remaining() < command.length + NOP.length) {
                    flush();
                }
                int at = out.position();
                out.put(command);
                out.putLong(at + timeOffset, now);
                sendTimes[(int) (w & (RING - 1))] = now;
                written = w + 1;
                if (now >= measureStart && now < pubEnd) {
                    sentWindow++;
                }
            }
            flush();
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                sendFailure = e;
            }
        }
    }

    /** Writes the send buffer, with a NOP first if a heartbeat is waiting for one. */
    private void flush() throws IOException {
        if (nopDue) {
            nopDue = false;
            conn.out().put(NOP);
        }
        if (conn.out().position() > 0) {
            conn.flush();
        }
    }

    /** Parks until {@code wake} (System.nanoTime), answering heartbeats meanwhile; returns the time it woke. */
    private long sleepUntil(long wake) throws IOException {
        long now = System.nanoTime();
        while (now < wake) {
            LockSupport.parkNanos(Math.min(wake - now, MAX_PARK_NANOS));
            if (nopDue) {
                flush();
            }
            now = System.nanoTime();
        }
        return now;
    }

    private void readLoop() {
        try {
            while (conn.readFrames(responses) >= 0) {
                // every response handled as it was parsed
            }
            if (!closing) {
                readFailure = new IOException("the server closed the connection");
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                readFailure = e;
            }
        }
    }

    /** The reader's handler: a response or error frame answers the oldest unanswered command. */
    private final class Responses implements FrameParser.Handler {
        @Override
        public void response(ByteBuffer buf, int offset, int length) throws IOException {
            if (FrameParser.equalsAscii(buf, offset, length, "_heartbeat_")) {
                nopDue = true;
                return;
            }
            long now = System.nanoTime();
            long a = next();
            if (!FrameParser.equalsAscii(buf, offset, length, "OK")) {
                throw new IOException("PUB answered " + FrameParser.ascii(buf, offset, length));
            }
            long sent = sendTimes[(int) (a & (RING - 1))];
            if (sent >= measureStart) {
                rtt.recordValue(Math.min(now - sent, MAX_NANOS));
            }
            acked = acked + 1;
            answered = a + 1;
        }

        @Override
        public void error(ByteBuffer buf, int offset, int length) throws IOException {
            long a = next();
            lastErrorFrame = FrameParser.ascii(buf, offset, length);
            answered = a + 1;
        }

        @Override
        public void message(ByteBuffer buf, int offset, int length) throws IOException {
            throw new IOException("a message frame on a publishing connection");
        }

        private long next() throws IOException {
            long a = answered;
            if (a >= written) {
                throw new IOException("a response with no command outstanding");
            }
            return a;
        }
    }

    /** Waits up to {@code until} (System.nanoTime) for the sender; false if it is still running. */
    boolean awaitSender(long until) throws InterruptedException {
        long left = until - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(sender, left);
        }
        return !sender.isAlive();
    }

    /**
     * Closes the connection (ends a blocked write or read), waits a bounded time for both threads and
     * returns what they counted. May be called again, and before {@link #start}.
     */
    Totals close() throws InterruptedException {
        closing = true;
        conn.close();
        for (Thread t : new Thread[] {sender, reader}) {
            if (t != null) {
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        List<String> problems = new ArrayList<>();
        if (sendFailure != null) {
            problems.add("publisher " + id + " send: " + sendFailure.getMessage());
        }
        if (readFailure != null) {
            problems.add("publisher " + id + " read: " + readFailure.getMessage());
        }
        if (lastErrorFrame != null) {
            problems.add("publisher " + id + " error frame: " + lastErrorFrame);
        }
        return new Totals(written, answered, acked, sentWindow, rtt, behind, problems);
    }

    /** While running: commands written so far. */
    long written() {
        return written;
    }

    /** While running: commands answered so far. */
    long answered() {
        return answered;
    }

    /** While running: commands answered OK so far. */
    long acked() {
        return acked;
    }

    /**
     * One connection's counts once its threads have ended: messages sent, answered (OK or error),
     * acknowledged, sent inside the measured window; PUB->OK and pacing lag; what went wrong.
     */
    record Totals(long sent, long answered, long acked, long sentWindow, Histogram rtt, Histogram behind, List<String> problems) {
    }
}
