package io.nodeq.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One blocking TCP connection speaking protocol V2 for a bench worker. Owned by that worker's
 * thread; only {@link #close()} may be called from another thread (to end a blocking read). A worker
 * may instead split it in two: one thread sending ({@link #out()}, {@link #flush()}, {@link #send}),
 * another reading with {@link #readFrames} (which writes nothing), as {@link LatencyPublisher} does.
 *
 * <p>Both buffers are direct and reused for the whole run: the receive buffer holds at most one
 * partial frame between reads (grown only for a frame larger than it), and commands are appended
 * to the send buffer and written with one {@link #flush()} per batch.
 */
final class BenchConnection implements AutoCloseable {
    static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;
    private static final byte[] MAGIC_V2 = {' ', ' ', 'V', '2'};
    private static final byte[] NOP = "NOP\n".getBytes(StandardCharsets.US_ASCII);
    private static final String HEARTBEAT = "_heartbeat_";

    private final SocketChannel channel;
    private final FrameParser parser = new FrameParser(MAX_FRAME_SIZE);
    private final Capture capture = new Capture();
    private final FrameCheck<Void> expectOk = this::okOrThrow;
    private ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);

    private BenchConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects and sends the protocol magic. */
    static BenchConnection open(InetSocketAddress address, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(address, (int) timeout.toMillis());
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
        }
        BenchConnection c = new BenchConnection(ch);
        c.out.put(MAGIC_V2);
        return c;
    }

    /** The send buffer; append commands, then {@link #flush()}. Callers flush first when it lacks room. */
    ByteBuffer out() {
        return out;
    }

    void appendLine(String line) {
        out.put(line.getBytes(StandardCharsets.US_ASCII)).put((byte) '\n');
    }

    /** Appends a command with a body: {@code NAME\n[int32 size][body]}. */
    void appendWithBody(String line, byte[] body) {
        appendLine(line);
        out.putInt(body.length).put(body);
    }

    void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    /** Writes {@code buf} from its position to its limit (the send buffer must be flushed first). */
    void send(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /**
     * Blocks for the next response or error frame, answering heartbeats on the way. Returns the
     * response text; an error frame throws. For the handshake, where allocation does not matter.
     */
    String awaitResponse() throws IOException {
        return await(this::responseText);
    }

    /** Like {@link #awaitResponse()} for the publish loop: expects {@code OK}, allocates nothing. */
    void awaitOk() throws IOException {
        await(expectOk);
    }

    /** Reads until a frame other than a heartbeat arrives and returns what {@code check} makes of it. */
    private <T> T await(FrameCheck<T> check) throws IOException {
        while (true) {
            in.flip();
            try {
                while (parser.next(in, capture)) {
                    if (!isHeartbeat()) {
                        return check.check();
                    }
                }
            } finally {
                compactAndGrow();
            }
            readSome();
        }
    }

    private String responseText() throws IOException {
        String text = FrameParser.ascii(in, capture.offset, capture.length);
        return switch (capture.type) {
            case FrameParser.FRAME_RESPONSE -> text;
            case FrameParser.FRAME_ERROR -> throw new ServerError(text);
            default -> throw new IOException("unexpected message frame while waiting for a response");
        };
    }

    private Void okOrThrow() throws IOException {
        if (capture.type == FrameParser.FRAME_RESPONSE && FrameParser.equalsAscii(in, capture.offset, capture.length, "OK")) {
            return null;
        }
        String text = responseText();
        throw new IOException("expected OK, got " + text);
    }

    /** One socket read, then every complete frame to {@code handler}. Returns -1 at end of stream. */
    int readFrames(FrameParser.Handler handler) throws IOException {
        int n = channel.read(in);
        parseBuffered(handler);
        return n;
    }

    /** Hands frames already received (e.g. together with a handshake response) to {@code handler}. */
    void parseBuffered(FrameParser.Handler handler) throws IOException {
        in.flip();
        try {
            while (parser.next(in, handler)) {
                // each frame handled in place
            }
        } finally {
            compactAndGrow();
        }
    }

    /**
     * From any thread: makes a blocked {@link #readFrames} return -1 without closing the socket, so
     * the owner can still send what it owes (FINs) before it closes.
     */
    void stopReading() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing to stop: nothing left to do with this socket
        }
    }

    private boolean isHeartbeat() throws IOException {
        if (capture.type != FrameParser.FRAME_RESPONSE || !FrameParser.equalsAscii(in, capture.offset, capture.length, HEARTBEAT)) {
            return false;
        }
        out.put(NOP);
        flush();
        return true;
    }

    private void readSome() throws IOException {
        if (channel.read(in) < 0) {
            throw new EOFException("nsqd closed the connection");
        }
    }

    /** Keeps the partial frame at the start of the buffer; grows it if that frame cannot fit. */
    private void compactAndGrow() {
        int needed = FrameParser.pendingFrameLength(in);
        in.compact();
        if (needed > in.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.min(Math.max(needed, in.capacity() * 2), MAX_FRAME_SIZE + 4));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    /** Looks at the frame just captured, while it is still in the receive buffer. */
    private interface FrameCheck<T> {
        T check() throws IOException;
    }

    /** An error frame from nsqd, e.g. {@code E_BAD_TOPIC ...}. */
    static final class ServerError extends IOException {
        private static final long serialVersionUID = 1L;

        ServerError(String frame) {
            super("nsqd answered " + frame);
        }
    }

    /** Remembers the last frame so the await loops can look at it after the parser returns. */
    private static final class Capture implements FrameParser.Handler {
        int type;
        int offset;
        int length;

        @Override
        public void response(ByteBuffer buf, int offset, int length) {
            set(FrameParser.FRAME_RESPONSE, offset, length);
        }

        @Override
        public void error(ByteBuffer buf, int offset, int length) {
            set(FrameParser.FRAME_ERROR, offset, length);
        }

        @Override
        public void message(ByteBuffer buf, int offset, int length) {
            set(FrameParser.FRAME_MESSAGE, offset, length);
        }

        private void set(int type, int offset, int length) {
            this.type = type;
            this.offset = offset;
            this.length = length;
        }
    }
}
