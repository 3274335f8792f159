package io.nodeq.daemon;

/** A {@code host:port} listen address as nsqd's flags take it ({@code [::1]:4150} for IPv6). */
public record HostPort(String host, int port) {

    public static HostPort parse(String address, String flag) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + " must be host:port, got \"" + address + "\"");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " has a bad port in \"" + address + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " has a bad port in \"" + address + "\"");
        }
        return new HostPort(host, port);
    }
}
