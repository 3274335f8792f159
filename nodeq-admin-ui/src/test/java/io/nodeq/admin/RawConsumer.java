package io.nodeq.admin;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A consumer speaking protocol V2 bytes by hand over a blocking socket, so a test decides every
 * FIN and REQ itself and reads exactly what the daemon sent (no client library in between):
 * <pre>
 * frame:   [size int32][type int32: 0 response, 1 error, 2 message][data, size - 4 bytes]
 * message: [timestamp int64 ns][attempts uint16][id 16 ASCII bytes][body]
 * </pre>
 * Owned by the test thread.
 */
final class RawConsumer implements AutoCloseable {
    record Msg(String id, int attempts, long timestampNanos, String body) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Connects to {@code 127.0.0.1:tcpPort}, subscribes and asks for {@code rdy} messages. */
    RawConsumer(int tcpPort, String topic, String channel, int rdy) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        send("  V2");
        send("SUB " + topic + " " + channel + "\n");
        String ok = response(Duration.ofSeconds(5));
        if (!ok.equals("OK")) {
            throw new IOException("SUB " + topic + " " + channel + ": " + ok);
        }
        send("RDY " + rdy + "\n");
    }

    /** The next message within {@code wait}, answering heartbeats; null when none came. */
    Msg next(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            int size;
            try {
                size = in.readInt();
            } catch (SocketTimeoutException e) {
                return null;
            }
            int type = in.readInt();
            byte[] data = new byte[size - 4];
            in.readFully(data);
            if (type == 2) {
                long ts = ((long) (data[0] & 0xff) << 56) | ((long) (data[1] & 0xff) << 48) | ((long) (data[2] & 0xff) << 40)
                        | ((long) (data[3] & 0xff) << 32) | ((long) (data[4] & 0xff) << 24) | ((data[5] & 0xff) << 16)
                        | ((data[6] & 0xff) << 8) | (data[7] & 0xff);
                int attempts = ((data[8] & 0xff) << 8) | (data[9] & 0xff);
                return new Msg(new String(data, 10, 16, StandardCharsets.US_ASCII), attempts, ts,
                        new String(data, 26, data.length - 26, StandardCharsets.UTF_8));
            }
            String text = new String(data, StandardCharsets.UTF_8);
            if (type == 0 && text.equals("_heartbeat_")) {
                send("NOP\n");
            } else if (type == 1) {
                throw new IOException("error frame: " + text);
            }
        }
    }

    void fin(String id) throws IOException {
        send("FIN " + id + "\n");
    }

    void req(String id) throws IOException {
        send("REQ " + id + " 0\n");
    }

    private String response(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        int size = in.readInt();
        in.readInt();
        byte[] data = new byte[size - 4];
        in.readFully(data);
        return new String(data, StandardCharsets.UTF_8);
    }

    private void send(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
