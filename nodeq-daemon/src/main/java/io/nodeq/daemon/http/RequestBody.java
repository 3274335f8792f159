package io.nodeq.daemon.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a byte limit. Not vertx-web's BodyHandler: that one answers an
 * oversized body with its own 413, while nsqd's clients expect {@code MSG_TOO_BIG} or
 * {@code BODY_TOO_BIG}, and a chunked body has no Content-Length to check up front.
 * Owned by the request's event loop; must be called before the handler returns (the body is not
 * buffered for a later reader).
 */
final class RequestBody {

    /** The body went over the limit; {@code prefix} is its first limit + 1 bytes. */
    static final class TooBig extends RuntimeException {
        final Buffer prefix;

        TooBig(Buffer prefix) {
            super("body too big", null, false, false);
            this.prefix = prefix;
        }
    }

    private RequestBody() {
    }

    /**
     * The whole body, or a failed future: {@link TooBig} once more than {@code limit} bytes
     * arrived (the rest is drained and dropped so the connection stays usable), or the
     * connection's error.
     */
    static Future<Buffer> read(HttpServerRequest request, long limit) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            long room = limit + 1 - body.length();
            if (chunk.length() >= room) {
                body.appendBuffer(chunk, 0, (int) room);
                over[0] = true;
                promise.tryFail(new TooBig(body));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!over[0]) {
                promise.tryComplete(body);
            }
        });
        request.exceptionHandler(promise::tryFail);
        // curl and others wait (1 s for curl) for this before sending a body; Go's server sends it
        // as soon as the handler reads, so do we. Rejections before reading never send it.
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
        request.resume();
        return promise.future();
    }

    /** Content-Length, or -1 when absent or unparseable (chunked bodies). */
    static long declaredLength(HttpServerRequest request) {
        String value = request.getHeader("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
