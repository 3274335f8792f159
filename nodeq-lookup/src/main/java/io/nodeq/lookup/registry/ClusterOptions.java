package io.nodeq.lookup.registry;

import java.util.List;

/**
 * How a lookup joins a Hazelcast cluster: a cluster name, where this member binds (Hazelcast counts
 * up from {@code bindPort} when it is taken, at most {@code portCount} ports), and the members to
 * join by TCP-IP. Multicast is never used.
 */
public record ClusterOptions(String clusterName, String bindHost, int bindPort, int portCount, List<String> members) {
    public static final String DEFAULT_NAME = "nodeq-lookup";
    public static final int DEFAULT_PORT = 5701;
    public static final int DEFAULT_PORT_COUNT = 20;

    public ClusterOptions {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be empty");
        }
        if (bindPort < 1 || bindPort > 65535) {
            throw new IllegalArgumentException("cluster port out of range: " + bindPort);
        }
        if (portCount < 1) {
            throw new IllegalArgumentException("cluster port count must be positive");
        }
        members = List.copyOf(members);
    }
}
