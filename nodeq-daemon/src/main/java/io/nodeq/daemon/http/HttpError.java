package io.nodeq.daemon.http;

/**
 * An API error as nsqd reports it: a status code and the text that goes into
 * {@code {"message":"<TEXT>"}}. Thrown by request parsing; never logged with a stack trace, these
 * are client mistakes.
 */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }
}
