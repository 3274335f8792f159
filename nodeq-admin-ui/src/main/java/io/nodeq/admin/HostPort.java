package io.nodeq.admin;

/**
 * An upstream address as given on the command line or by a lookup: {@code host:port},
 * {@code [v6]:port}, optionally prefixed with {@code http://} or {@code https://}.
 */
record HostPort(String scheme, String host, int port) {

    static HostPort parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String scheme = "http";
        String rest = address.trim();
        int sep = rest.indexOf("://");
        if (sep >= 0) {
            scheme = rest.substring(0, sep).toLowerCase();
            rest = rest.substring(sep + 3);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("unsupported scheme in address: " + address);
            }
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("address must be host:port: " + address);
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in address: " + address);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in address: " + address);
        }
        return new HostPort(scheme, host, port);
    }

    /** NSQ's node identity, {@code broadcast_address:http_port}, with brackets for IPv6. */
    static String join(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    String url(String pathAndQuery) {
        return scheme + "://" + join(host, port) + pathAndQuery;
    }
}
