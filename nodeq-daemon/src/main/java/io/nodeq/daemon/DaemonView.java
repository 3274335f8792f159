package io.nodeq.daemon;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.metrics.DaemonMetrics;

import java.util.List;

/** What the HTTP API needs of the running daemon. Implemented by {@link Daemon}. */
public interface DaemonView {
    DaemonOptions options();

    Broker broker();

    /** The TCP port actually bound (the configured one, or the OS's choice for port 0). */
    int tcpPort();

    /** Unix seconds. */
    long startTime();

    /** The lookups this daemon registers with, as currently configured. */
    List<String> lookupdTcpAddresses();

    /** PUT /config/nsqlookupd_tcp_addresses: connect to new lookups, drop removed ones. */
    void setLookupdTcpAddresses(List<String> addresses);

    /** Current log level name (debug, info, warn, error, fatal). */
    String logLevel();

    /** PUT /config/log_level. */
    void setLogLevel(String level);

    /** JVM and Vert.x meters for /metrics; null when there are none (then /metrics has only nodeq_*). */
    default DaemonMetrics metrics() {
        return null;
    }
}
