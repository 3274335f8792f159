package io.nodeq.admin;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking JSON client for the admin API in tests. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Reply(int status, JsonObject json, String text) {
    }

    private Http() {
    }

    static Reply get(int port, String path) {
        return send(HttpRequest.newBuilder(uri(port, path)).GET());
    }

    static Reply getAbs(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    static Reply send(int port, String method, String path, JsonObject body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(port, path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonObject json = text.startsWith("{") ? new JsonObject(text) : null;
            return new Reply(r.statusCode(), json, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
