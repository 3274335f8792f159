package io.nodeq.admin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the admin server is configured with (flag names as nsqadmin's, nsq-protocol.md §5.3).
 * Exactly one of {@code lookupdHttpAddresses} / {@code nsqdHttpAddresses} is non-empty.
 *
 * @param httpHost             interface to listen on ({@code --http-address} host part)
 * @param httpPort             port to listen on, 0 for a random one (tests)
 * @param lookupdHttpAddresses lookups to discover daemons through ({@code host:port})
 * @param nsqdHttpAddresses    daemons to watch directly ({@code host:port})
 * @param connectTimeout       per upstream call connect timeout
 * @param requestTimeout       per upstream call deadline; a node slower than this is an error row
 * @param adminUsers           users allowed to run actions (read from {@code aclHttpHeader}); empty = no check
 * @param aclHttpHeader        header carrying the authenticated user name (set by a trusted proxy)
 * @param adminToken           bearer token allowing actions; null = no token
 * @param sampleInterval       how often the chart sampler reads the whole mesh
 * @param historyWindow        how much chart history is kept per topic and channel
 * @param refreshInterval      how often the pages poll the JSON API
 * @param lostNodeTimeout      how long a daemon that vanished from every lookup stays listed as an error
 * @param httpClientTls        TLS towards daemons and lookups ({@code --http-client-tls-*})
 */
public record AdminOptions(
        String httpHost,
        int httpPort,
        List<String> lookupdHttpAddresses,
        List<String> nsqdHttpAddresses,
        Duration connectTimeout,
        Duration requestTimeout,
        List<String> adminUsers,
        String aclHttpHeader,
        String adminToken,
        Duration sampleInterval,
        Duration historyWindow,
        Duration refreshInterval,
        Duration lostNodeTimeout,
        HttpClientTls httpClientTls) {

    public static final String DEFAULT_HTTP_ADDRESS = "0.0.0.0:4171";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_ACL_HTTP_HEADER = "X-Forwarded-User";
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_LOST_NODE_TIMEOUT = Duration.ofMinutes(5);

    /** Without TLS settings for the upstream calls. */
    public AdminOptions(String httpHost, int httpPort, List<String> lookupdHttpAddresses,
                        List<String> nsqdHttpAddresses, Duration connectTimeout, Duration requestTimeout,
                        List<String> adminUsers, String aclHttpHeader, String adminToken, Duration sampleInterval,
                        Duration historyWindow, Duration refreshInterval, Duration lostNodeTimeout) {
        this(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connectTimeout, requestTimeout, adminUsers,
                aclHttpHeader, adminToken, sampleInterval, historyWindow, refreshInterval, lostNodeTimeout,
                HttpClientTls.NONE);
    }

    public AdminOptions {
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(httpClientTls, "httpClientTls");
        lookupdHttpAddresses = List.copyOf(lookupdHttpAddresses);
        nsqdHttpAddresses = List.copyOf(nsqdHttpAddresses);
        adminUsers = List.copyOf(adminUsers);
        if (lookupdHttpAddresses.isEmpty() == nsqdHttpAddresses.isEmpty()) {
            throw new IllegalArgumentException(
                    "use --lookupd-http-address or --nsqd-http-address (exactly one kind is required)");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-address port out of range: " + httpPort);
        }
        for (String a : lookupdHttpAddresses) {
            UpstreamAddress.parse(a);
        }
        for (String a : nsqdHttpAddresses) {
            UpstreamAddress.parse(a);
        }
        positive(connectTimeout, "--http-client-connect-timeout");
        positive(requestTimeout, "--http-client-request-timeout");
        positive(sampleInterval, "--sample-interval");
        positive(historyWindow, "--history-window");
        positive(refreshInterval, "--refresh-interval");
        positive(lostNodeTimeout, "--lost-node-timeout");
        if (historyWindow.compareTo(sampleInterval) < 0) {
            throw new IllegalArgumentException("--history-window must be at least --sample-interval");
        }
        if (aclHttpHeader == null || aclHttpHeader.isBlank()) {
            throw new IllegalArgumentException("--acl-http-header must not be empty");
        }
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
    }

    /** Defaults for everything but the upstream addresses, listening on a random loopback port. */
    public static AdminOptions forLookupds(List<String> lookupds) {
        return defaults("127.0.0.1", 0, lookupds, List.of());
    }

    /** Defaults for everything but the upstream addresses, listening on a random loopback port. */
    public static AdminOptions forNsqds(List<String> nsqds) {
        return defaults("127.0.0.1", 0, List.of(), nsqds);
    }

    static AdminOptions defaults(String host, int port, List<String> lookupds, List<String> nsqds) {
        return new AdminOptions(host, port, lookupds, nsqds, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
                List.of(), DEFAULT_ACL_HTTP_HEADER, null, DEFAULT_SAMPLE_INTERVAL, DEFAULT_HISTORY_WINDOW,
                DEFAULT_REFRESH_INTERVAL, DEFAULT_LOST_NODE_TIMEOUT);
    }

    public boolean lookupdMode() {
        return !lookupdHttpAddresses.isEmpty();
    }

    /** Actions are open to everyone unless an admin user or a token is configured (nsqadmin's rule). */
    public boolean actionsProtected() {
        return !adminUsers.isEmpty() || adminToken != null;
    }

    public AdminOptions withTimeouts(Duration connect, Duration request) {
        return new AdminOptions(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connect, request,
                adminUsers, aclHttpHeader, adminToken, sampleInterval, historyWindow, refreshInterval,
                lostNodeTimeout, httpClientTls);
    }

    public AdminOptions withHttpClientTls(HttpClientTls tls) {
        return new AdminOptions(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connectTimeout,
                requestTimeout, adminUsers, aclHttpHeader, adminToken, sampleInterval, historyWindow,
                refreshInterval, lostNodeTimeout, tls);
    }

    public AdminOptions withSampling(Duration sample, Duration window, Duration refresh) {
        return new AdminOptions(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connectTimeout,
                requestTimeout, adminUsers, aclHttpHeader, adminToken, sample, window, refresh, lostNodeTimeout,
                httpClientTls);
    }

    public AdminOptions withAdmin(List<String> users, String header, String token) {
        return new AdminOptions(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connectTimeout,
                requestTimeout, users, header, token, sampleInterval, historyWindow, refreshInterval,
                lostNodeTimeout, httpClientTls);
    }

    public AdminOptions withLostNodeTimeout(Duration lost) {
        return new AdminOptions(httpHost, httpPort, lookupdHttpAddresses, nsqdHttpAddresses, connectTimeout,
                requestTimeout, adminUsers, aclHttpHeader, adminToken, sampleInterval, historyWindow,
                refreshInterval, lost, httpClientTls);
    }

    private static void positive(Duration d, String flag) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(flag + " must be a positive duration");
        }
    }
}
