package io.nodeq.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consumes as fast as nsqd delivers, like NSQ's bench/bench_reader: each connection IDENTIFYs, SUBs,
 * sets {@code RDY --rdy}, and FINs every message, until {@code --runfor} has passed (or {@code
 * --count} messages are done). Raw protocol V2 over blocking sockets, one thread per connection.
 * Frames are parsed in place in the receive buffer and all FINs for one socket read leave in one
 * write, so the loop allocates nothing per message.
 *
 * <p>Prints NSQ's result line. Exit 0 ok, 1 failure, 2 bad flags.
 */
public final class BenchReader {
    static final String TOOL = "bench_reader";
    private static final Pattern MAX_RDY = Pattern.compile("\"max_rdy_count\"\\s*:\\s*(\\d+)");
    private static final Pattern UPGRADE = Pattern.compile("\"(tls_v1|snappy|deflate)\"\\s*:\\s*true");
    private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOP = "NOP\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FIN_LENGTH = 4 + 16 + 1;

    /** Totals of one run; {@code redelivered} counts messages with attempts > 1. */
    record Result(long messages, Duration duration, long bodyBytes, long redelivered, long sizeMismatches, long finFailed) {
    }

    private BenchReader() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with command-line flags; returns the exit code (0 ok, 1 failed, 2 bad flags). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return BenchCommand.run(BenchReaderOptions.FLAGS, args, BenchReaderOptions::from, BenchReader::bench, out, err);
    }

    static Result bench(BenchReaderOptions o, PrintStream out) throws Exception {
        AtomicLong finished = new AtomicLong();
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < o.concurrency(); i++) {
            subscribers.add(new Subscriber(o, finished));
        }
        out.printf(Locale.ROOT, "[%s] %d connections to %s, %s/%s, RDY %d each%n",
                TOOL, o.concurrency(), o.address(), o.topic(), o.channel(), o.rdy());
        BenchRun run = new BenchRun(subscribers);
        WarmupMark[] warm = new WarmupMark[1];
        Duration duration = run.execute(o.deadline(), o.runfor(), false, TOOL, out,
                start -> warm[0] = WarmupMark.start(o.warmup(), start, finished::get));
        long lastMessage = run.startNanos();
        long messages = 0;
        long bytes = 0;
        long redelivered = 0;
        long mismatches = 0;
        long finFailed = 0;
        for (Subscriber s : subscribers) {
            messages += s.messages;
            bytes += s.bodyBytes;
            redelivered += s.redelivered;
            mismatches += s.sizeMismatches;
            finFailed += s.finFailed;
            lastMessage = Math.max(lastMessage, s.lastMessageNanos);
        }
        out.println("[" + TOOL + "] " + BenchReport.throughputLine(duration, messages, bytes));
        Duration flowing = Duration.ofNanos(lastMessage - run.startNanos());
        if (messages > 0 && !flowing.isZero() && flowing.compareTo(duration.multipliedBy(9).dividedBy(10)) < 0) {
            // The backlog ran out early: the figure above is diluted by idle time, this one is not.
            out.println("[" + TOOL + "] until the last message: " + BenchReport.throughputLine(flowing, messages, bytes));
        }
        String warmLine = warm[0] == null ? null : warm[0].line(lastMessage, messages, o.size());
        if (warmLine != null) {
            out.println("[" + TOOL + "] " + warmLine);
        }
        out.printf(Locale.ROOT, "[%s] finished %d messages (redelivered %d, body size not %d: %d, E_FIN_FAILED %d)%n",
                TOOL, messages, redelivered, o.size(), mismatches, finFailed);
        out.println("[" + TOOL + "] " + BenchReport.cpuLine(run.cpuNanos(), duration));
        return new Result(messages, duration, bytes, redelivered, mismatches, finFailed);
    }

    static String identifyBody(BenchReaderOptions o) {
        StringBuilder json = new StringBuilder("{\"client_id\":\"reader\",\"hostname\":\"reader\",\"user_agent\":\"nodeq-")
                .append(TOOL).append("/0.1\",\"feature_negotiation\":true");
        if (o.outputBufferSize() != 0) {
            json.append(",\"output_buffer_size\":").append(o.outputBufferSize());
        }
        if (o.outputBufferTimeout() != null) {
            json.append(",\"output_buffer_timeout\":").append(o.outputBufferTimeout().toMillis());
        }
        return json.append('}').toString();
    }

    /** One connection: owned by its worker thread; {@link #abort()} from any thread. */
    private static final class Subscriber implements BenchRun.Worker, FrameParser.Handler {
        private final BenchReaderOptions o;
        private final AtomicLong finished;
        private volatile BenchConnection conn;
        private int rdy;
        private long messages;
        private long bodyBytes;
        private long redelivered;
        private long sizeMismatches;
        private long finFailed;
        private long lastMessageNanos;
        private long unflushedMessages;
        private long unflushedBytes;
        private IllegalStateException fatal;

        Subscriber(BenchReaderOptions o, AtomicLong finished) {
            this.o = o;
            this.finished = finished;
        }

        @Override
        public void prepare() throws Exception {
            conn = BenchConnection.open(new java.net.InetSocketAddress(o.address().host(), o.address().port()), Duration.ofSeconds(5));
            conn.appendWithBody("IDENTIFY", identifyBody(o).getBytes(StandardCharsets.UTF_8));
            conn.flush();
            String identify = conn.awaitResponse();
            rdy = o.rdy();
            if (identify.startsWith("{")) {
                if (UPGRADE.matcher(identify).find()) {
                    // Nothing was asked for; an upgraded stream would be unreadable from here on.
                    throw new IOException("nsqd granted an upgrade that was not asked for: " + identify);
                }
                Matcher m = MAX_RDY.matcher(identify);
                if (m.find()) {
                    rdy = (int) Math.min(rdy, Long.parseLong(m.group(1)));
                }
            }
            conn.appendLine("SUB " + o.topic() + " " + o.channel());
            conn.flush();
            String sub = conn.awaitResponse();
            if (!sub.equals("OK")) {
                throw new IOException("SUB answered " + sub);
            }
        }

        @Override
        public void run(BenchRun run) throws Exception {
            try {
                conn.appendLine("RDY " + rdy);
                conn.flush();
                conn.parseBuffered(this);
                long reported = 0;
                while (true) {
                    int n = conn.readFrames(this);
                    if (fatal != null) {
                        throw fatal;
                    }
                    // One write for every FIN (and NOP) this read produced.
                    if (unflushedMessages > 0) {
                        lastMessageNanos = System.nanoTime();
                    }
                    flushFins();
                    long total = finished.addAndGet(messages - reported);
                    reported = messages;
                    if (o.count() > 0 && total >= o.count()) {
                        run.stop();
                    }
                    if (n < 0) {
                        if (run.stopping()) {
                            return;
                        }
                        throw new IOException("nsqd closed the connection");
                    }
                }
            } finally {
                conn.close();
            }
        }

        @Override
        public void abort() {
            BenchConnection c = conn;
            if (c != null) {
                c.stopReading();
            }
        }

        @Override
        public void kill() {
            BenchConnection c = conn;
            if (c != null) {
                c.close();
            }
        }

        @Override
        public void message(ByteBuffer buf, int offset, int length) throws IOException {
            int attempts = buf.getShort(offset + 8) & 0xffff;
            int body = length - FrameParser.MESSAGE_HEADER;
            unflushedMessages++;
            unflushedBytes += body;
            if (attempts > 1) {
                redelivered++;
            }
            if (body != o.size()) {
                sizeMismatches++;
            }
            ByteBuffer out = room(FIN_LENGTH);
            out.put(FIN);
            out.put(out.position(), buf, offset + 10, 16);
            out.position(out.position() + 16);
            out.put((byte) '\n');
        }

        @Override
        public void response(ByteBuffer buf, int offset, int length) throws IOException {
            if (FrameParser.equalsAscii(buf, offset, length, "_heartbeat_")) {
                room(NOP.length).put(NOP);
            }
        }

        @Override
        public void error(ByteBuffer buf, int offset, int length) throws IOException {
            String text = FrameParser.ascii(buf, offset, length);
            if (text.startsWith("E_FIN_FAILED")) {
                finFailed++;
            } else if (fatal == null) {
                fatal = new IllegalStateException("nsqd answered " + text);
            }
        }

        /** The send buffer with at least {@code n} bytes free, flushing it if needed. */
        private ByteBuffer room(int n) throws IOException {
            if (conn.out().remaining() < n) {
                flushFins();
            }
            return conn.out();
        }

        /** A message counts as finished once its FIN has been written, not when it was read. */
        private void flushFins() throws IOException {
            conn.flush();
            messages += unflushedMessages;
            bodyBytes += unflushedBytes;
            unflushedMessages = 0;
            unflushedBytes = 0;
        }
    }
}
