package io.nodeq.admin;

import io.nodeq.protocol.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.LinkedHashMap;

/**
 * NSQ-style command line for the admin server (nsq-protocol.md §5.3): {@code --flag value},
 * {@code --flag=value}, Go's single-dash form too; list flags repeat.
 */
final class Flags {

    /** A command line mistake: one line for stderr, exit status 2. */
    static final class FlagException extends Exception {
        FlagException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parse outcome: options, or a request for help. */
    record Parsed(AdminOptions options, boolean help) {
    }

    private record Flag(String name, String defaultText, String usage, BiConsumer<Builder, String> apply) {
    }

    private static final class Builder {
        String httpAddress = AdminOptions.DEFAULT_HTTP_ADDRESS;
        final List<String> lookupds = new ArrayList<>();
        final List<String> nsqds = new ArrayList<>();
        Duration connectTimeout = AdminOptions.DEFAULT_CONNECT_TIMEOUT;
        Duration requestTimeout = AdminOptions.DEFAULT_REQUEST_TIMEOUT;
        final List<String> adminUsers = new ArrayList<>();
        String aclHeader = AdminOptions.DEFAULT_ACL_HTTP_HEADER;
        String adminToken;
        Duration sampleInterval = AdminOptions.DEFAULT_SAMPLE_INTERVAL;
        Duration historyWindow = AdminOptions.DEFAULT_HISTORY_WINDOW;
        Duration refreshInterval = AdminOptions.DEFAULT_REFRESH_INTERVAL;
        Duration lostNodeTimeout = AdminOptions.DEFAULT_LOST_NODE_TIMEOUT;
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

    static {
        add("http-address", AdminOptions.DEFAULT_HTTP_ADDRESS, "<addr>:<port> to listen on for HTTP clients",
                (b, v) -> b.httpAddress = v);
        add("lookupd-http-address", "", "lookup HTTP address to discover daemons through (may be given multiple times)",
                (b, v) -> b.lookupds.add(v));
        add("nsqd-http-address", "", "daemon HTTP address to watch directly (may be given multiple times)",
                (b, v) -> b.nsqds.add(v));
        add("http-client-connect-timeout", GoDuration.format(AdminOptions.DEFAULT_CONNECT_TIMEOUT),
                "timeout for connecting to a lookup or daemon", (b, v) -> b.connectTimeout = duration(v));
        add("http-client-request-timeout", GoDuration.format(AdminOptions.DEFAULT_REQUEST_TIMEOUT),
                "deadline of one request to a lookup or daemon; slower nodes show as errors",
                (b, v) -> b.requestTimeout = duration(v));
        add("admin-user", "", "user allowed to run actions, read from --acl-http-header (may be given multiple "
                + "times; none = everyone may act)", (b, v) -> b.adminUsers.add(v));
        add("acl-http-header", AdminOptions.DEFAULT_ACL_HTTP_HEADER,
                "HTTP header carrying the user name set by an authenticating proxy", (b, v) -> b.aclHeader = v);
        add("admin-token", "", "bearer token (Authorization: Bearer <token>) allowing actions",
                (b, v) -> b.adminToken = v);
        add("sample-interval", GoDuration.format(AdminOptions.DEFAULT_SAMPLE_INTERVAL),
                "how often the chart sampler reads depth and message counts", (b, v) -> b.sampleInterval = duration(v));
        add("history-window", GoDuration.format(AdminOptions.DEFAULT_HISTORY_WINDOW),
                "how much chart history to keep per topic and channel", (b, v) -> b.historyWindow = duration(v));
        add("refresh-interval", GoDuration.format(AdminOptions.DEFAULT_REFRESH_INTERVAL),
                "how often the pages refresh their numbers", (b, v) -> b.refreshInterval = duration(v));
        add("lost-node-timeout", GoDuration.format(AdminOptions.DEFAULT_LOST_NODE_TIMEOUT),
                "how long a daemon that left every lookup stays listed as an error",
                (b, v) -> b.lostNodeTimeout = duration(v));
    }

    private Flags() {
    }

    private static void add(String name, String def, String usage, BiConsumer<Builder, String> apply) {
        FLAGS.put(name, new Flag(name, def, usage, apply));
    }

    static Parsed parse(String[] args) throws FlagException {
        Builder b = new Builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new FlagException("unexpected argument: " + arg);
            }
            String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                value = body.substring(eq + 1);
                body = body.substring(0, eq);
            }
            if (body.equals("help") || body.equals("h")) {
                return new Parsed(null, true);
            }
            Flag flag = FLAGS.get(body);
            if (flag == null) {
                throw new FlagException("flag provided but not defined: -" + body);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new FlagException("flag needs an argument: -" + body);
                }
                value = args[++i];
            }
            try {
                flag.apply().accept(b, value);
            } catch (IllegalArgumentException e) {
                throw new FlagException("invalid value \"" + value + "\" for flag -" + body + ": " + e.getMessage());
            }
        }
        try {
            HostPort listen = HostPort.parse(b.httpAddress);
            return new Parsed(new AdminOptions(listen.host(), listen.port(), b.lookupds, b.nsqds, b.connectTimeout,
                    b.requestTimeout, b.adminUsers, b.aclHeader, b.adminToken, b.sampleInterval, b.historyWindow,
                    b.refreshInterval, b.lostNodeTimeout), false);
        } catch (IllegalArgumentException e) {
            throw new FlagException(e.getMessage());
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("Usage: nodeq-admin-ui [flags]\n\n"
                + "A live web admin for a nodeq (or NSQ) mesh. Exactly one of --lookupd-http-address or\n"
                + "--nsqd-http-address is required.\n\nFlags:\n");
        for (Flag f : FLAGS.values()) {
            sb.append("  --").append(f.name()).append(' ').append(f.name().equals("http-address") ? "string"
                    : f.defaultText().isEmpty() || !Character.isDigit(f.defaultText().charAt(0)) ? "value" : "duration")
                    .append("\n        ").append(f.usage());
            if (!f.defaultText().isEmpty()) {
                sb.append(" (default \"").append(f.defaultText()).append("\")");
            }
            sb.append('\n');
        }
        sb.append("  --help\n        print this help and exit\n");
        return sb.toString();
    }

    private static Duration duration(String v) {
        return GoDuration.parse(v);
    }
}
