package io.nodeq.daemon.broker;

/**
 * What a connection told us in IDENTIFY plus where it comes from; fixed once it subscribes
 * (IDENTIFY is refused after SUB), so it crosses from connection to shard as a value.
 * {@code headers}: it negotiated {@code nodeq_headers}, so its message frames carry the header block.
 */
public record ClientInfo(String clientId, String hostname, String userAgent, String remoteAddress, long connectTs,
                         int sampleRate, long msgTimeoutMs, boolean deflate, boolean snappy, boolean tls,
                         io.nodeq.daemon.stats.ClientSecurity security, boolean headers) {

    public ClientInfo(String clientId, String hostname, String userAgent, String remoteAddress, long connectTs,
                      int sampleRate, long msgTimeoutMs, boolean deflate, boolean snappy, boolean tls) {
        this(clientId, hostname, userAgent, remoteAddress, connectTs, sampleRate, msgTimeoutMs, deflate, snappy, tls,
                io.nodeq.daemon.stats.ClientSecurity.NONE, false);
    }
}
