package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonView;
import io.nodeq.daemon.FlagSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET|PUT /config/:opt} (nsq-protocol.md §2.2): any option by its config-file name, as
 * JSON (durations in nanoseconds, log_level as nsqd's integer 1 debug … 5 fatal); PUT changes only
 * {@code nsqlookupd_tcp_addresses} (a JSON array) and {@code log_level} (a level name). Stateless;
 * the live values are the daemon's.
 */
final class ConfigHandler {
    static final String LOOKUPD = "nsqlookupd_tcp_addresses";
    static final String LOG_LEVEL = "log_level";
    private static final List<String> LEVELS = List.of("debug", "info", "warn", "error", "fatal");

    private final DaemonView view;

    ConfigHandler(DaemonView view) {
        this.view = view;
    }

    void get(RoutingContext ctx) {
        V1.json(ctx, Json.encode(value(ctx.pathParam("opt"))));
    }

    void put(RoutingContext ctx) {
        String opt = ctx.pathParam("opt");
        RequestBody.read(ctx.request(), view.options().maxMsgSize()).onComplete(read -> {
            if (read.failed() && !(read.cause() instanceof RequestBody.TooBig)) {
                V1.error(ctx, 500, "INTERNAL_ERROR");
                return;
            }
            try {
                if (read.failed() || read.result().length() == 0) {
                    throw new HttpError(413, "INVALID_VALUE");
                }
                apply(opt, read.result());
                V1.json(ctx, Json.encode(value(opt)));
            } catch (HttpError e) {
                V1.error(ctx, e);
            }
        });
    }

    private void apply(String opt, Buffer body) {
        switch (opt) {
            case LOOKUPD -> view.setLookupdTcpAddresses(addresses(body));
            case LOG_LEVEL -> {
                String level = body.toString().toLowerCase(Locale.ROOT);
                if (!LEVELS.contains(level)) {
                    throw HttpError.badRequest("INVALID_VALUE");
                }
                view.setLogLevel(level);
            }
            default -> throw HttpError.badRequest("INVALID_OPTION");
        }
    }

    /** A JSON array of strings; {@code null} means none, as Go's json.Unmarshal into a slice. */
    private static List<String> addresses(Buffer body) {
        Object parsed;
        try {
            parsed = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw HttpError.badRequest("INVALID_VALUE");
        }
        if (parsed == null) {
            return List.of();
        }
        if (!(parsed instanceof JsonArray array)) {
            throw HttpError.badRequest("INVALID_VALUE");
        }
        List<String> out = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof String s)) {
                throw HttpError.badRequest("INVALID_VALUE");
            }
            out.add(s);
        }
        return out;
    }

    private Object value(String opt) {
        if (LOOKUPD.equals(opt)) {
            return view.lookupdTcpAddresses();
        }
        if (LOG_LEVEL.equals(opt)) {
            int index = LEVELS.indexOf(view.logLevel().toLowerCase(Locale.ROOT));
            return index < 0 ? 2 : index + 1;
        }
        FlagSpec spec = FlagSpec.byConfigKey(opt);
        if (spec == null || !spec.supported()) {
            throw HttpError.badRequest("INVALID_OPTION");
        }
        return spec.configValue(view.options());
    }
}
