package io.nodeq.examples.bench;

import java.net.InetSocketAddress;

/** {@code --nsqd-tcp-address host:port} ({@code [v6]:port} too). */
record NsqdAddress(String host, int port) {
    NsqdAddress {
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad address " + host + ":" + port);
        }
    }

    static NsqdAddress parse(String flag, String value) throws UsageException {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new NsqdAddress(host, Integer.parseInt(value.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new UsageException("invalid value \"" + value + "\" for flag -" + flag + ": want host:port");
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
