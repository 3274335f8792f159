package io.nodeq.daemon.http;

import io.nodeq.protocol.Headers;
import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message headers of an HTTP publish (PROTOCOL-EXTENSIONS.md): each request header
 * {@code Nodeq-Header-<Name>: value} becomes header {@code <Name>}, and {@code Nodeq-Msg-Id: key}
 * becomes {@link Headers#MSG_ID}, the dedup key. Values are read as UTF-8. Mistakes are 400s with
 * nsqd-style reasons. Stateless.
 */
final class RequestHeaders {
    static final String PREFIX = "Nodeq-Header-";

    private RequestHeaders() {
    }

    /** The headers the request carries ({@link Headers#NONE} when none); {@code mpub} refuses a Nodeq-Msg-Id. */
    static Headers of(MultiMap request, boolean mpub) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : request.names()) {
            String header;
            if (name.equalsIgnoreCase(Headers.MSG_ID)) {
                if (mpub) {
                    // the same key on every message would make them duplicates of one another
                    throw HttpError.badRequest("MSG_ID_NOT_ALLOWED_ON_MPUB");
                }
                header = Headers.MSG_ID;
            } else if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                header = name.substring(PREFIX.length());
                if (Headers.nameProblem(header) != null) {
                    throw HttpError.badRequest("INVALID_HEADER_NAME");
                }
            } else {
                continue;
            }
            var values = request.getAll(name);
            if (values.size() != 1 || out.keySet().stream().anyMatch(header::equalsIgnoreCase)) {
                throw HttpError.badRequest("DUPLICATE_HEADER");
            }
            String value = utf8(values.get(0));
            if (header.equalsIgnoreCase(Headers.MSG_ID) && value.isEmpty()) {
                throw HttpError.badRequest("INVALID_MSG_ID");
            }
            out.put(header, value);
        }
        try {
            return Headers.of(out);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("HEADERS_TOO_BIG");
        }
    }

    /** HTTP/1 header values arrive one char per byte; a client sends UTF-8. */
    private static String utf8(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) > 0x7F) {
                return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return raw;
    }
}
