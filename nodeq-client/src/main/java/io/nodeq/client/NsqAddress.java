package io.nodeq.client;

import java.util.Objects;

/**
 * A {@code host:port} pair, the one address type of every nodeq program: a daemon's TCP address
 * (default port 4150), a lookup's HTTP address (default port 4161), or a server's listen address
 * ({@link #listen}: an empty host is every interface, port 0 any free port). IPv6 hosts are
 * written {@code [::1]:4150} and kept without brackets.
 */
public record NsqAddress(String host, int port) {

    public NsqAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }

    /**
     * Parses {@code host:port} (IPv6 as {@code [::1]:4150}); a missing port takes {@code defaultPort}
     * (-1: the port is required).
     */
    public static NsqAddress parse(String s, int defaultPort) {
        NsqAddress a = parseAny(s, defaultPort);
        if (a.port == 0) {
            throw new IllegalArgumentException("port out of range 1-65535 in address \"" + s + "\"");
        }
        return a;
    }

    private static NsqAddress parseAny(String s, int defaultPort) {
        Objects.requireNonNull(s, "address");
        String in = s.trim();
        if (in.startsWith("[")) {
            int close = in.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid address \"" + s + "\"");
            }
            String host = in.substring(1, close);
            String rest = in.substring(close + 1);
            return new NsqAddress(host, rest.startsWith(":") ? parsePort(rest.substring(1), s) : port(defaultPort, s));
        }
        int colon = in.lastIndexOf(':');
        if (colon < 0) {
            return new NsqAddress(in, port(defaultPort, s));
        }
        return new NsqAddress(in.substring(0, colon), parsePort(in.substring(colon + 1), s));
    }

    /**
     * A listen address as nsqd's {@code --tcp-address} takes it: the port is required (0 = any
     * free port) and an empty host ({@code :4150}) means every interface, {@code 0.0.0.0}.
     */
    public static NsqAddress listen(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("missing address (want host:port)");
        }
        String in = s.trim();
        int colon = in.lastIndexOf(':');
        if (colon < 0 || (in.startsWith("[") && in.lastIndexOf(']') > colon)) {
            throw new IllegalArgumentException("invalid address \"" + s + "\" (want host:port)");
        }
        if (colon == 0) {
            return new NsqAddress("0.0.0.0", parsePort(in.substring(1), s));
        }
        return parseAny(in, -1);
    }

    /** The default port, where there is one (a negative default means the port is required). */
    private static int port(int defaultPort, String whole) {
        if (defaultPort < 0) {
            throw new IllegalArgumentException("invalid address \"" + whole + "\" (want host:port)");
        }
        return defaultPort;
    }

    private static int parsePort(String p, String whole) {
        try {
            int port = Integer.parseInt(p);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in address \"" + whole + "\"");
        }
    }

    /** NSQ's node identity and dial string, {@code host:port}, with brackets for an IPv6 host. */
    public static String join(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return join(host, port);
    }
}
