package io.nodeq.daemon.http;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain java.net.http client against 127.0.0.1:port, HTTP/1.1, with body helpers. Test-only. */
final class HttpClientSupport {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    HttpClientSupport(int port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> post(String path) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.noBody());
    }

    HttpResponse<String> post(String path, byte[] body) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A POST with request headers given as name/value pairs. */
    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Unknown length: sent with Transfer-Encoding: chunked, no Content-Length. */
    HttpResponse<String> postChunked(String path, byte[] body) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    }

    HttpResponse<String> put(String path, String body) throws Exception {
        return send("PUT", path, HttpRequest.BodyPublishers.ofString(body));
    }

    /**
     * Sends a request line the JDK client would refuse (malformed escapes), with
     * {@code Connection: close}; returns the whole raw response.
     */
    String raw(String method, String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n"
                    + "Connection: close\r\n\r\nx";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---- what every nodeq (and nsqd) HTTP answer looks like ----

    static void assertError(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo("{\"message\":\"" + message + "\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
    }

    static void assertOkText(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
    }

    static void assertEmptyOk(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(r.headers().firstValue("Content-Type")).isEmpty();
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
    }
}
