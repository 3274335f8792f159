package io.nodeq.admin;

import io.nodeq.client.NsqAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP calls to lookups and daemons the way nsqadmin makes them (nsq-protocol.md §4.1): V1 Accept
 * header, parameters in the query string, empty POST bodies, anything but 200 is an upstream error.
 * Holds only its WebClient, which is safe to use from any context.
 */
final class Upstream {
    static final String ACCEPT_V1 = "application/vnd.nsq; version=1.0";

    private final HttpClientAgent http;
    private final WebClient client;
    private final long requestTimeoutMs;
    /** address → https://host:port of daemons that answered 403 TLS_REQUIRED. */
    private final Map<String, String> httpsBase = new ConcurrentHashMap<>();

    Upstream(Vertx vertx, AdminOptions options) {
        this.requestTimeoutMs = options.requestTimeout().toMillis();
        WebClientOptions o = new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .setUserAgent("nodeq-admin-ui")
                .setKeepAlive(true);
        HttpClientTls tls = options.httpClientTls();
        if (tls.insecureSkipVerify()) {
            o.setTrustAll(true).setVerifyHost(false);
        } else if (tls.rootCaFile() != null) {
            o.setTrustOptions(new PemTrustOptions().addCertPath(tls.rootCaFile()));
        }
        if (tls.certFile() != null) {
            o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()));
        }
        this.http = vertx.createHttpClient(o);
        this.client = WebClient.wrap(http, o);
    }

    /** GET a V1 JSON object; fails with a one-line message naming the address. */
    Future<JsonObject> getJson(String address, String pathAndQuery) {
        return send(address, pathAndQuery, false).map(resp -> json(resp, pathAndQuery, false));
    }

    /** POST with an empty body, for nodeq's actions that answer with a JSON object (an empty body is {}). */
    Future<JsonObject> postJson(String address, String pathAndQuery) {
        return send(address, pathAndQuery, true).map(resp -> json(resp, pathAndQuery, true));
    }

    private static JsonObject json(HttpResponse<Buffer> resp, String pathAndQuery, boolean emptyIsOk) {
        if (emptyIsOk && (resp.body() == null || resp.body().length() == 0)) {
            return new JsonObject();
        }
        try {
            JsonObject body = resp.bodyAsJsonObject();
            if (body == null) {
                throw new UpstreamException("empty response to " + pathAndQuery);
            }
            return body;
        } catch (DecodeException | ClassCastException e) {
            throw new UpstreamException("invalid JSON from " + pathAndQuery);
        }
    }

    /** POST with an empty body, as nsqadmin does for every action. */
    Future<Void> post(String address, String pathAndQuery) {
        return send(address, pathAndQuery, true).mapEmpty();
    }

    /** No grace period: requests still waiting on a hung node are abandoned, not awaited. */
    Future<Void> close() {
        return http.shutdown(Duration.ZERO);
    }

    private HttpRequest<Buffer> request(String url, boolean post) {
        HttpRequest<Buffer> req = post ? client.postAbs(url) : client.getAbs(url);
        return req.putHeader("Accept", ACCEPT_V1).timeout(requestTimeoutMs);
    }

    /**
     * A daemon with --tls-required answers its plain port with 403 TLS_REQUIRED and its HTTPS port;
     * like nsq's own HTTP client we repeat the call there (and remember it for this address).
     */
    private Future<HttpResponse<Buffer>> send(String address, String pathAndQuery, boolean post) {
        String https = httpsBase.get(address);
        if (https != null) {
            return send(request(https + pathAndQuery, post));
        }
        UpstreamAddress hp = UpstreamAddress.parse(address);
        return send(request(hp.url(pathAndQuery), post)).recover(err -> {
            Integer port = err instanceof TlsRequired t ? t.httpsPort : null;
            if (port == null) {
                return Future.failedFuture(err);
            }
            String base = "https://" + NsqAddress.join(hp.address().host(), port);
            httpsBase.put(address, base);
            return send(request(base + pathAndQuery, post));
        });
    }

    private Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> req) {
        // timeout() above is an idle timeout; this is the hard per-node deadline that keeps a page fast
        return req.send()
                .timeout(requestTimeoutMs + 50, TimeUnit.MILLISECONDS)
                .recover(err -> Future.failedFuture(new UpstreamException(describe(err))))
                .map(resp -> {
                    if (resp.statusCode() == 403 && req.ssl() != Boolean.TRUE) {
                        Integer port = tlsRequiredPort(resp);
                        if (port != null) {
                            throw new TlsRequired(port);
                        }
                    }
                    if (resp.statusCode() != 200) {
                        throw new HttpStatus(resp.statusCode(), messageOf(resp));
                    }
                    return resp;
                });
    }

    private String describe(Throwable err) {
        if (err instanceof UpstreamException) {
            return err.getMessage();
        }
        if (err instanceof TimeoutException || (err.getMessage() != null && err.getMessage().contains("timeout"))) {
            return "timed out after " + requestTimeoutMs + " ms";
        }
        if (err instanceof ConnectException) {
            return "connection refused";
        }
        String m = err.getMessage();
        return m == null ? err.getClass().getSimpleName() : m;
    }

    private static String messageOf(HttpResponse<Buffer> resp) {
        Buffer body = resp.body();
        if (body == null || body.length() == 0) {
            return "";
        }
        try {
            return new JsonObject(body).getString("message", "");
        } catch (DecodeException | ClassCastException e) {
            String text = body.toString().trim();
            return text.length() > 100 ? text.substring(0, 100) : text;
        }
    }

    private static Integer tlsRequiredPort(HttpResponse<Buffer> resp) {
        try {
            JsonObject o = new JsonObject(resp.body());
            return "TLS_REQUIRED".equals(o.getString("message")) ? o.getInteger("https_port") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The daemon wants HTTPS on this port. */
    static final class TlsRequired extends UpstreamException {
        final int httpsPort;

        TlsRequired(int httpsPort) {
            super("TLS required (HTTPS port " + httpsPort + ")");
            this.httpsPort = httpsPort;
        }
    }

    /** The upstream answered, but not 200: its status and its reason ({@code TOPIC_NOT_FOUND}, ...). */
    static final class HttpStatus extends UpstreamException {
        final int status;
        final String reason;

        HttpStatus(int status, String reason) {
            super("HTTP " + status + " " + reason);
            this.status = status;
            this.reason = reason;
        }

        /** The topic or channel is not on that node: it just does not host it. */
        boolean notHosted() {
            return status == 404 && (reason.equals("TOPIC_NOT_FOUND") || reason.equals("CHANNEL_NOT_FOUND"));
        }

        /** nsqd (and a nodeq without the feature) has no such endpoint: 404 NOT_FOUND or 405. */
        boolean unsupported() {
            return status == 405 || (status == 404 && !notHosted());
        }
    }

    /** An expected upstream failure: carries a short message, no stack trace. */
    static class UpstreamException extends RuntimeException {
        UpstreamException(String message) {
            super(message, null, false, false);
        }
    }
}
