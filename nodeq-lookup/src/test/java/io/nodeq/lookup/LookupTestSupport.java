package io.nodeq.lookup;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Test helpers: start a lookup on loopback, speak V1 bytes to it, call its HTTP API. */
public final class LookupTestSupport {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LookupTestSupport() {
    }

    public static LookupServer start(LookupOptions o) throws Exception {
        return LookupServer.start(o).await(60, TimeUnit.SECONDS);
    }

    public static void stop(LookupServer s) throws Exception {
        if (s != null) {
            s.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** An HTTP answer. */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public static Reply http(LookupServer s, String method, String pathAndQuery) throws Exception {
        return http(s.httpPort(), method, pathAndQuery);
    }

    public static Reply http(int port, String method, String pathAndQuery) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .header("Accept", "application/vnd.nsq; version=1.0")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    public static JsonObject getJson(LookupServer s, String pathAndQuery) throws Exception {
        Reply r = http(s, "GET", pathAndQuery);
        if (r.status() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " -> " + r.status() + " " + r.body());
        }
        return r.json();
    }

    /** A raw V1 connection, as nsqd would open it. */
    public static final class V1Client implements AutoCloseable {
        public final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        public V1Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        public static V1Client connect(LookupServer s) throws IOException {
            V1Client c = new V1Client(s.tcpPort());
            c.write("  V1");
            return c;
        }

        /** A daemon as nsqd connects: IDENTIFY (http port = tcp + 1), then each REGISTER, all OK. */
        public static V1Client daemon(LookupServer via, String address, int tcpPort, String... registrations)
                throws IOException {
            V1Client c = connect(via);
            c.identify(address, tcpPort, tcpPort + 1);
            for (String r : registrations) {
                String answer = c.command("REGISTER " + r);
                if (!answer.equals("OK")) {
                    c.close();
                    throw new AssertionError("REGISTER " + r + " -> " + answer);
                }
            }
            return c;
        }

        public V1Client write(String s) throws IOException {
            return write(s.getBytes(StandardCharsets.UTF_8));
        }

        public V1Client write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            return this;
        }

        public static byte[] identifyBytes(String json) {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(9 + 4 + body.length).put("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII))
                    .putInt(body.length).put(body).array();
        }

        public static String nsqdIdentify(String address, int tcpPort, int httpPort) {
            return new JsonObject().put("broadcast_address", address).put("hostname", "testhost")
                    .put("http_port", httpPort).put("tcp_port", tcpPort).put("topology_region", "")
                    .put("topology_zone", "").put("version", "1.3.0").encode();
        }

        public JsonObject identify(String address, int tcpPort, int httpPort) throws IOException {
            write(identifyBytes(nsqdIdentify(address, tcpPort, httpPort)));
            return new JsonObject(read());
        }

        public String command(String line) throws IOException {
            write(line + "\n");
            return read();
        }

        /** One response: [int32 size][data]. */
        public String read() throws IOException {
            int size = in.readInt();
            byte[] data = new byte[size];
            in.readFully(data);
            return new String(data, StandardCharsets.UTF_8);
        }

        /** True when the server closed the connection (EOF) before more data. */
        public boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (EOFException e) {
                return true;
            } catch (java.net.SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
