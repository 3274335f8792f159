package io.nodeq.daemon;

import io.nodeq.protocol.Commands;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.MessageIds;
import io.vertx.core.buffer.Buffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A blocking protocol V2 client speaking raw bytes, for tests: every frame the server sends is
 * read and checked explicitly.
 */
public final class RawClient implements AutoCloseable {
    public record Frame(int type, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        public boolean isMessage() {
            return type == Frames.FRAME_TYPE_MESSAGE;
        }

        public long timestamp() {
            return java.nio.ByteBuffer.wrap(data, 0, 8).getLong();
        }

        public int attempts() {
            return ((data[8] & 0xFF) << 8) | (data[9] & 0xFF);
        }

        public String id() {
            return new String(data, 10, 16, StandardCharsets.ISO_8859_1);
        }

        public String body() {
            return new String(data, 26, data.length - 26, StandardCharsets.UTF_8);
        }

        /** The message body's bytes (for a nodeq_headers client: header block, then payload). */
        public byte[] bodyBytes() {
            return java.util.Arrays.copyOfRange(data, 26, data.length);
        }

        @Override
        public String toString() {
            return "Frame(" + type + ", " + (isMessage() ? id() + ":" + body() : text()) + ")";
        }
    }

    private final Socket socket;
    private DataInputStream in;
    private OutputStream out;

    public RawClient(int port) throws IOException {
        this(port, true);
    }

    public RawClient(int port, boolean sendMagic) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        if (sendMagic) {
            send(Commands.magic());
        }
    }

    public RawClient send(Buffer b) throws IOException {
        out.write(b.getBytes());
        out.flush();
        return this;
    }

    public RawClient send(String line) throws IOException {
        return send(Buffer.buffer(line));
    }

    public Frame read() throws IOException {
        int size = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[size - 4];
        in.readFully(data);
        return new Frame(type, data);
    }

    /** Reads, answering heartbeats with NOP, until a frame that is not a heartbeat. */
    public Frame readSkippingHeartbeats() throws IOException {
        while (true) {
            Frame f = read();
            if (f.type() == Frames.FRAME_TYPE_RESPONSE && f.text().equals(Frames.HEARTBEAT)) {
                send("NOP\n");
                continue;
            }
            return f;
        }
    }

    public String readResponse() throws IOException {
        Frame f = readSkippingHeartbeats();
        return (f.type() == Frames.FRAME_TYPE_ERROR ? "ERROR " : "") + f.text();
    }

    public Frame readMessage() throws IOException {
        Frame f = readSkippingHeartbeats();
        if (!f.isMessage()) {
            throw new AssertionError("expected a message, got " + f);
        }
        return f;
    }

    public String identify(String json) throws IOException {
        send(Commands.identify(Buffer.buffer(), json.getBytes(StandardCharsets.UTF_8)));
        return readResponse();
    }

    public String pub(String topic, String body) throws IOException {
        send(Commands.pub(Buffer.buffer(), topic, body.getBytes(StandardCharsets.UTF_8)));
        return readResponse();
    }

    public String pub(String topic, byte[] body) throws IOException {
        send(Commands.pub(Buffer.buffer(), topic, body));
        return readResponse();
    }

    public String dpub(String topic, long deferMs, byte[] body) throws IOException {
        send(Commands.dpub(Buffer.buffer(), topic, deferMs, body));
        return readResponse();
    }

    public String mpub(String topic, List<byte[]> bodies) throws IOException {
        send(Commands.mpub(Buffer.buffer(), topic, bodies));
        return readResponse();
    }

    public String sub(String topic, String channel) throws IOException {
        send("SUB " + topic + " " + channel + "\n");
        return readResponse();
    }

    public void rdy(int n) throws IOException {
        send("RDY " + n + "\n");
    }

    public void fin(String id) throws IOException {
        send("FIN " + id + "\n");
    }

    /** Expects nothing for {@code ms}: true when no frame (other than heartbeats) arrived. */
    public boolean quietFor(int ms) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(ms);
        try {
            Frame f = readSkippingHeartbeats();
            throw new AssertionError("expected silence, got " + f);
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    /** True once the server has closed the connection (read returns EOF) within the timeout. */
    public boolean closedByServer(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (true) {
                int size = in.readInt();
                in.skipNBytes(size);
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public void dpub(String topic, long deferMs, String body) throws IOException {
        send(Commands.dpub(Buffer.buffer(), topic, deferMs, body.getBytes(StandardCharsets.UTF_8)));
    }

    public void req(String id, long delayMs) throws IOException {
        send("REQ " + id + " " + delayMs + "\n");
    }

    public void touch(String id) throws IOException {
        send("TOUCH " + id + "\n");
    }

    public void nop() throws IOException {
        send("NOP\n");
    }

    /**
     * Switches both directions to raw deflate (after the IDENTIFY reply granted it), decoded by the
     * JDK's own inflater: independent of the daemon's codec.
     */
    public void upgradeDeflate(int level) throws IOException {
        in = new DataInputStream(new java.util.zip.InflaterInputStream(socket.getInputStream(),
                new java.util.zip.Inflater(true), 64 * 1024));
        out = new java.util.zip.DeflaterOutputStream(socket.getOutputStream(),
                new java.util.zip.Deflater(level, true), 64 * 1024, true);
    }

    /** Switches both directions to the snappy framing format, through snappy-java's streams. */
    public void upgradeSnappy() throws IOException {
        in = new DataInputStream(new org.xerial.snappy.SnappyFramedInputStream(socket.getInputStream()));
        out = new org.xerial.snappy.SnappyFramedOutputStream(socket.getOutputStream());
    }

    /** Reads one frame, failing when none arrives within {@code ms}. */
    public Frame read(int ms) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(ms);
        try {
            return read();
        } finally {
            socket.setSoTimeout(old);
        }
    }

    /**
     * Sends {@code command} and reads the answer (error frames as "ERROR ..."); fails unless the
     * server then closes the connection, as it must after a fatal error.
     */
    public String answerThenClose(Buffer command) throws IOException {
        send(command);
        String answer = readResponse();
        if (!closedByServer(2000)) {
            throw new AssertionError("connection still open after " + answer);
        }
        return answer;
    }

    /** Half-closes: the server reads end of stream, as from a client that stopped mid-command. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Every frame until the server closes the connection; fails when it has not closed within
     * {@code timeoutMs} or closes in the middle of a frame.
     */
    public List<Frame> readUntilClosed(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        List<Frame> frames = new java.util.ArrayList<>();
        while (true) {
            int size;
            try {
                size = in.readInt();
            } catch (EOFException | java.net.SocketException e) {
                return frames; // closed (or reset) at a frame boundary
            }
            int type = in.readInt();
            byte[] data = new byte[size - 4];
            in.readFully(data);
            frames.add(new Frame(type, data));
        }
    }

    public void setTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    public static String hexId(long id) {
        return MessageIds.toHex(id);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
