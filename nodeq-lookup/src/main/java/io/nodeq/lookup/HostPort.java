package io.nodeq.lookup;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A {@code host:port} flag value; {@code [v6]:port} and an empty host ("all interfaces") allowed. */
public record HostPort(String host, int port) {

    public static HostPort parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("missing address");
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address " + s + ": missing port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address " + s + ": invalid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address " + s + ": port out of range");
        }
        return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    /** Like Go's os.Hostname: the kernel's name first, no DNS lookup unless there is nothing else. */
    public static String hostname() {
        try {
            java.nio.file.Path p = java.nio.file.Path.of("/proc/sys/kernel/hostname");
            if (java.nio.file.Files.isReadable(p)) {
                String h = java.nio.file.Files.readString(p).strip();
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }
}
