package io.nodeq.lookup.registry;

import java.io.Serializable;

/**
 * What a daemon told us in IDENTIFY (nsq-protocol.md §3.1), plus the identity of its connection.
 * {@code id} is the producer key: NSQ uses the TCP peer address; in cluster mode it is scoped by
 * the lookup member that accepted the connection, since two members may see the same address.
 */
public record PeerInfo(String id, String remoteAddress, String hostname, String broadcastAddress,
                       int tcpPort, int httpPort, String version, String topologyRegion, String topologyZone)
        implements Serializable {

    /** {@code broadcast_address:http_port}, the {@code node} parameter of /topic/tombstone. */
    public String httpNode() {
        return broadcastAddress + ":" + httpPort;
    }

    /** The daemon itself, whichever connection or lookup it came through. */
    public String nodeKey() {
        return broadcastAddress + ":" + tcpPort + ":" + httpPort;
    }
}
