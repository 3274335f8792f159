package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonView;
import io.nodeq.daemon.broker.PublishException;
import io.nodeq.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code POST /pub} and {@code POST /mpub} (nsq-protocol.md §2.4), with nsqd's order of checks,
 * plus nodeq's message headers from {@code Nodeq-Header-*} and {@code Nodeq-Msg-Id} request headers
 * ({@link RequestHeaders}; /mpub puts the same headers on every message and refuses a Nodeq-Msg-Id).
 * Stateless; handlers run on the HTTP server's event loop and never block (the broker answers
 * with futures).
 */
final class PublishHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(PublishHandlers.class);

    private final DaemonView view;

    PublishHandlers(DaemonView view) {
        this.view = view;
    }

    void pub(RoutingContext ctx) {
        int maxMsgSize = view.options().maxMsgSize();
        if (RequestBody.declaredLength(ctx.request()) > maxMsgSize) {
            V1.error(ctx, 413, "MSG_TOO_BIG");
            return;
        }
        RequestBody.read(ctx.request(), maxMsgSize).onComplete(read -> {
            if (read.failed()) {
                bodyFailed(ctx, read.cause(), "MSG_TOO_BIG");
                return;
            }
            try {
                Buffer body = read.result();
                if (body.length() == 0) {
                    throw HttpError.badRequest("MSG_EMPTY");
                }
                String topic = Params.validTopic(ctx);
                long deferMs = deferMs(ctx, topic);
                Headers headers = RequestHeaders.of(ctx.request().headers(), false);
                if (headers.isEmpty()) {
                    publish(ctx, topic, List.of(body.getBytes()), deferMs, false);
                    return;
                }
                if (headers.encodedLength() + body.length() > maxMsgSize) {
                    throw new HttpError(413, "MSG_TOO_BIG"); // --max-msg-size counts the block too
                }
                publish(ctx, topic, List.of(headers.frame(body.getBytes())), deferMs, true);
            } catch (HttpError e) {
                V1.error(ctx, e);
            }
        });
    }

    void mpub(RoutingContext ctx) {
        int maxMsgSize = view.options().maxMsgSize();
        int maxBodySize = view.options().maxBodySize();
        if (RequestBody.declaredLength(ctx.request()) > maxBodySize) {
            V1.error(ctx, 413, "BODY_TOO_BIG");
            return;
        }
        String topic;
        Headers headers;
        try {
            topic = Params.validTopic(ctx);
            headers = RequestHeaders.of(ctx.request().headers(), true);
        } catch (HttpError e) {
            V1.error(ctx, e);
            return;
        }
        boolean binary = binaryMode(ctx);
        RequestBody.read(ctx.request(), maxBodySize).onComplete(read -> {
            if (read.failed()) {
                if (read.cause() instanceof RequestBody.TooBig tooBig && !binary) {
                    failAfterCreate(ctx, topic, MpubBody.textOverflow(tooBig.prefix, maxMsgSize));
                } else {
                    bodyFailed(ctx, read.cause(), "BODY_TOO_BIG");
                }
                return;
            }
            List<byte[]> messages;
            // the same headers go on every message; --max-msg-size counts them too
            int maxPayload = headers.isEmpty() ? maxMsgSize : maxMsgSize - headers.encodedLength();
            try {
                if (maxPayload < 1) {
                    throw new HttpError(413, "MSG_TOO_BIG");
                }
                messages = binary
                        ? MpubBody.binary(read.result(), maxPayload, maxBodySize)
                        : MpubBody.text(read.result(), maxPayload);
            } catch (HttpError e) {
                // nsqd creates the topic before it reads the body
                failAfterCreate(ctx, topic, e);
                return;
            }
            if (messages.isEmpty()) {
                view.broker().createTopic(topic).onComplete(r -> published(ctx, r));
                return;
            }
            if (headers.isEmpty()) {
                publish(ctx, topic, messages, 0, false);
            } else {
                messages.replaceAll(headers::frame);
                publish(ctx, topic, messages, 0, true);
            }
        });
    }

    private long deferMs(RoutingContext ctx, String topic) {
        String value = Params.first(ctx, "defer");
        if (value == null) {
            return 0;
        }
        long ms;
        try {
            ms = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalidDefer(topic);
        }
        if (ms < 0 || ms > view.options().maxReqTimeout().toMillis()) {
            throw invalidDefer(topic);
        }
        return ms;
    }

    /** nsqd has already created the topic when it rejects the defer value. */
    private HttpError invalidDefer(String topic) {
        view.broker().createTopic(topic);
        return HttpError.badRequest("INVALID_DEFER");
    }

    /** text is the default; true/1 binary, false/0 text, anything else binary (deprecated). */
    private static boolean binaryMode(RoutingContext ctx) {
        String value = Params.first(ctx, "binary");
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> {
                LOG.warn("deprecated value '{}' used for /mpub binary param", value);
                yield true;
            }
        };
    }

    private void publish(RoutingContext ctx, String topic, List<byte[]> bodies, long deferMs, boolean withHeaders) {
        Future<Void> done;
        try {
            done = view.broker().publish(topic, bodies, deferMs, withHeaders);
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        done.onComplete(r -> published(ctx, r));
    }

    private static void published(RoutingContext ctx, io.vertx.core.AsyncResult<Void> r) {
        if (r.succeeded()) {
            V1.text(ctx, "OK");
        } else if (r.cause() instanceof PublishException p && p.storage()) {
            // the disk refused it (full, IO error): nothing was queued, say why
            V1.error(ctx, 500, "STORAGE_FAILED: " + p.getMessage());
        } else if (r.cause() instanceof PublishException) {
            V1.error(ctx, 503, "EXITING");
        } else {
            // not a storage refusal but a fault in the daemon: say so rather than blame the disk
            LOG.error("publish failed", r.cause());
            String reason = r.cause().getMessage();
            V1.error(ctx, 500, "INTERNAL_ERROR" + (reason == null || reason.isBlank() ? "" : ": " + reason));
        }
    }

    private void failAfterCreate(RoutingContext ctx, String topic, HttpError e) {
        view.broker().createTopic(topic).onComplete(r -> V1.error(ctx, e));
    }

    private static void bodyFailed(RoutingContext ctx, Throwable cause, String tooBig) {
        if (cause instanceof RequestBody.TooBig) {
            V1.error(ctx, 413, tooBig);
        } else {
            LOG.debug("reading request body failed: {}", cause.toString());
            V1.error(ctx, 500, "INTERNAL_ERROR");
        }
    }
}
