package io.nodeq.client;

import java.util.Objects;

/**
 * A {@code host:port} pair: a daemon's TCP address (default port 4150) or a lookup's HTTP address
 * (default port 4161).
 */
public record NsqAddress(String host, int port) {

    public NsqAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
    }

    /**
     * Parses {@code host:port} (IPv6 as {@code [::1]:4150}); a missing port takes {@code defaultPort}.
     */
    public static NsqAddress parse(String s, int defaultPort) {
        Objects.requireNonNull(s, "address");
        String in = s.trim();
        if (in.startsWith("[")) {
            int close = in.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid address \"" + s + "\"");
            }
            String host = in.substring(1, close);
            String rest = in.substring(close + 1);
            return new NsqAddress(host, rest.startsWith(":") ? parsePort(rest.substring(1), s) : defaultPort);
        }
        int colon = in.lastIndexOf(':');
        if (colon < 0) {
            return new NsqAddress(in, defaultPort);
        }
        return new NsqAddress(in.substring(0, colon), parsePort(in.substring(colon + 1), s));
    }

    private static int parsePort(String p, String whole) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in address \"" + whole + "\"");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
