package io.nodeq.daemon.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * nsqd's "V1" response format (nsq-protocol.md §2.1): every answer carries
 * {@code X-NSQ-Content-Type: nsq; version=1.0} (go-nsq relies on it to not look for the pre-1.0
 * envelope); JSON values are sent bare; text successes are {@code text/plain}; empty successes have
 * no content type and {@code Content-Length: 0}; errors are {@code {"message":"<TEXT>"}}.
 */
final class V1 {
    static final String NSQ_CONTENT_TYPE = "X-NSQ-Content-Type";
    static final String NSQ_CONTENT_TYPE_V1 = "nsq; version=1.0";
    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    private V1() {
    }

    /** 200 with no body (create/delete/empty/pause). */
    static void empty(RoutingContext ctx) {
        header(ctx.response()).setStatusCode(200).end();
    }

    /** 200 with a text body ({@code OK} of /pub, the text /stats). */
    static void text(RoutingContext ctx, String body) {
        header(ctx.response()).setStatusCode(200).putHeader("Content-Type", TEXT).end(body);
    }

    /** 200 with an already encoded JSON value. */
    static void json(RoutingContext ctx, String encoded) {
        header(ctx.response()).setStatusCode(200).putHeader("Content-Type", JSON).end(encoded);
    }

    static void error(RoutingContext ctx, int status, String message) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        header(response).setStatusCode(status).putHeader("Content-Type", JSON)
                .end(Buffer.buffer(new JsonObject().put("message", message).encode()));
    }

    static void error(RoutingContext ctx, HttpError e) {
        error(ctx, e.status, e.getMessage());
    }

    private static HttpServerResponse header(HttpServerResponse response) {
        return response.putHeader(NSQ_CONTENT_TYPE, NSQ_CONTENT_TYPE_V1);
    }
}
