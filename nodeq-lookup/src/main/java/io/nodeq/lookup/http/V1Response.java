package io.nodeq.lookup.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * NSQ's "V1" HTTP responses (nsq-protocol.md §2.1): bare JSON or an empty body, errors as
 * {@code {"message":"TEXT"}}, and always {@code X-NSQ-Content-Type: nsq; version=1.0}, without which
 * go-nsq silently finds no producers (§8 pitfall 6).
 */
final class V1Response {
    static final String V1_HEADER = "X-NSQ-Content-Type";
    static final String V1_VALUE = "nsq; version=1.0";
    static final String JSON_TYPE = "application/json; charset=utf-8";

    private V1Response() {
    }

    static void json(RoutingContext ctx, JsonObject body) {
        response(ctx, 200).putHeader("Content-Type", JSON_TYPE).end(body.encode());
    }

    static void empty(RoutingContext ctx) {
        response(ctx, 200).end();
    }

    static void error(RoutingContext ctx, int status, String message) {
        response(ctx, status).putHeader("Content-Type", JSON_TYPE)
                .end(new JsonObject().put("message", message).encode());
    }

    static void text(RoutingContext ctx, String text) {
        ctx.response().setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
    }

    private static HttpServerResponse response(RoutingContext ctx, int status) {
        return ctx.response().setStatusCode(status).putHeader(V1_HEADER, V1_VALUE);
    }
}
