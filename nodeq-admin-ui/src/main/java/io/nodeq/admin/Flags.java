package io.nodeq.admin;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;

import java.util.List;

/**
 * The admin server's command line (nsq-protocol.md §5.3), read with the shared {@link FlagTable}:
 * nsqadmin's flag names in Go's forms, list flags repeat, {@code --config FILE} (TOML).
 */
final class Flags {
    static final String PROGRAM = "nodeq-admin-ui";

    static final FlagTable TABLE = new FlagTable(PROGRAM, """
            A live web admin for a nodeq (or NSQ) mesh. Exactly one of --lookupd-http-address or
            --nsqd-http-address is required.""")
            .add("http-address", Kind.STRING, AdminOptions.DEFAULT_HTTP_ADDRESS, "<addr>:<port> to listen on for HTTP clients")
            .add("lookupd-http-address", Kind.STRINGS, List.of(),
                    "lookup HTTP address to discover daemons through (may be given multiple times)")
            .add("nsqd-http-address", Kind.STRINGS, List.of(), "daemon HTTP address to watch directly (may be given multiple times)")
            .add("http-client-connect-timeout", Kind.DURATION, AdminOptions.DEFAULT_CONNECT_TIMEOUT,
                    "timeout for connecting to a lookup or daemon")
            .add("http-client-request-timeout", Kind.DURATION, AdminOptions.DEFAULT_REQUEST_TIMEOUT,
                    "deadline of one request to a lookup or daemon; slower nodes show as errors")
            .add("admin-user", Kind.STRINGS, List.of(), "user allowed to run actions, read from --acl-http-header "
                    + "(may be given multiple times; none = everyone may act)")
            .add("acl-http-header", Kind.STRING, AdminOptions.DEFAULT_ACL_HTTP_HEADER,
                    "HTTP header carrying the user name set by an authenticating proxy")
            .add("admin-token", Kind.STRING, "", "bearer token (Authorization: Bearer <token>) allowing actions")
            .add("sample-interval", Kind.DURATION, AdminOptions.DEFAULT_SAMPLE_INTERVAL,
                    "how often the chart sampler reads depth and message counts")
            .add("history-window", Kind.DURATION, AdminOptions.DEFAULT_HISTORY_WINDOW,
                    "how much chart history to keep per topic and channel")
            .add("refresh-interval", Kind.DURATION, AdminOptions.DEFAULT_REFRESH_INTERVAL,
                    "how often the pages refresh their numbers")
            .add("lost-node-timeout", Kind.DURATION, AdminOptions.DEFAULT_LOST_NODE_TIMEOUT,
                    "how long a daemon that left every lookup stays listed as an error")
            .add("http-client-tls-root-ca-file", Kind.STRING, "", "CA file to verify daemons' and lookups' HTTPS certificates")
            .add("http-client-tls-cert", Kind.STRING, "", "client certificate (PEM) for HTTPS calls to daemons and lookups")
            .add("http-client-tls-key", Kind.STRING, "", "key (PEM) of --http-client-tls-cert")
            .add("http-client-tls-insecure-skip-verify", Kind.BOOL, false, "accept any HTTPS certificate")
            .withConfigFile()
            .withVersion(() -> PROGRAM + " v" + Main.VERSION + " (nsqadmin compatible)");

    private Flags() {
    }

    private static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static FlagTable.Outcome<AdminOptions> parse(String... args) {
        return TABLE.parse(args, v -> {
            NsqAddress listen = NsqAddress.listen(v.string("http-address"));
            String token = v.string("admin-token");
            return new AdminOptions(listen.host(), listen.port(), v.strings("lookupd-http-address"),
                    v.strings("nsqd-http-address"), v.duration("http-client-connect-timeout"),
                    v.duration("http-client-request-timeout"), v.strings("admin-user"), v.string("acl-http-header"),
                    token.isEmpty() ? null : token, v.duration("sample-interval"), v.duration("history-window"),
                    v.duration("refresh-interval"), v.duration("lost-node-timeout"),
                    new HttpClientTls(orNull(v.string("http-client-tls-root-ca-file")),
                            orNull(v.string("http-client-tls-cert")), orNull(v.string("http-client-tls-key")),
                            v.bool("http-client-tls-insecure-skip-verify")));
        });
    }
}
