package io.nodeq.client;

import io.nodeq.config.Hostname;

import java.time.Duration;
import java.util.Objects;

/**
 * How a producer or consumer connects to a daemon and what it sends in IDENTIFY
 * (nsq-protocol.md §1.8). Defaults follow go-nsq: heartbeats every 30 s, server-default
 * {@code msg_timeout}, output buffering and sample rate, {@code feature_negotiation} always on.
 *
 * <p>TLS, snappy and deflate are requested in IDENTIFY and followed in nsqd's order (TLS, then
 * snappy or deflate). {@code authSecret} is sent with AUTH when the daemon says {@code auth_required}.
 *
 * @param clientId            IDENTIFY {@code client_id}; default the short host name
 * @param hostname            IDENTIFY {@code hostname}; default the local host name
 * @param userAgent           IDENTIFY {@code user_agent}; default {@code nodeq-client/<version>}
 * @param heartbeatInterval   1 s..60 s, or {@code null} to disable heartbeats (publish-only connections)
 * @param msgTimeout          per-connection in-flight timeout, or {@code null} for the daemon's default
 * @param outputBufferSize    bytes, 0 for the daemon's default (16 KiB), -1 to disable buffering
 * @param outputBufferTimeout flush interval of the daemon's output buffer, {@code null} for its default
 * @param sampleRate          0 (off) or 1..99 percent
 * @param tls                 request a TLS upgrade ({@code tls_v1}); the handshake verifies the daemon's
 *                            certificate and host name unless {@code tlsInsecureSkipVerify}
 * @param snappy              request snappy compression (the framed stream format)
 * @param deflate             request deflate compression (raw RFC 1951)
 * @param deflateLevel        1..9, used with deflate
 * @param authSecret          secret sent with AUTH when the daemon requires it, or {@code null}
 * @param connectTimeout      TCP connect plus IDENTIFY/AUTH handshake timeout
 * @param maxFrameSize        largest frame accepted from the daemon (sanity bound)
 * @param tlsRootCaFile       PEM file of the CAs that sign daemon certificates, or {@code null} for the JVM's
 * @param tlsCertFile         PEM client certificate for mutual TLS, or {@code null}
 * @param tlsKeyFile          PEM private key of {@code tlsCertFile}, or {@code null}
 * @param tlsInsecureSkipVerify accept any daemon certificate (go-nsq's {@code tls_insecure_skip_verify}; tests only)
 */
public record ConnectionOptions(String clientId, String hostname, String userAgent, Duration heartbeatInterval,
                                Duration msgTimeout, int outputBufferSize, Duration outputBufferTimeout,
                                int sampleRate, boolean tls, boolean snappy, boolean deflate, int deflateLevel,
                                String authSecret, Duration connectTimeout, int maxFrameSize, String tlsRootCaFile,
                                String tlsCertFile, String tlsKeyFile, boolean tlsInsecureSkipVerify) {

    public static final ConnectionOptions DEFAULTS = builder().build();

    public ConnectionOptions {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (heartbeatInterval != null
                && (heartbeatInterval.toMillis() < 1000 || heartbeatInterval.toMillis() > 60_000)) {
            throw new IllegalArgumentException("heartbeatInterval must be 1s..60s (or null to disable): "
                    + heartbeatInterval);
        }
        if (msgTimeout != null && (msgTimeout.toMillis() < 1000 || msgTimeout.toMillis() > 900_000)) {
            throw new IllegalArgumentException("msgTimeout must be 1s..15m: " + msgTimeout);
        }
        if (outputBufferSize != 0 && outputBufferSize != -1 && (outputBufferSize < 64 || outputBufferSize > 65536)) {
            throw new IllegalArgumentException("outputBufferSize must be -1, 0 or 64..65536: " + outputBufferSize);
        }
        if (outputBufferTimeout != null && !outputBufferTimeout.isNegative()
                && (outputBufferTimeout.toMillis() < 25 || outputBufferTimeout.toMillis() > 30_000)) {
            throw new IllegalArgumentException("outputBufferTimeout must be 25ms..30s (negative disables): "
                    + outputBufferTimeout);
        }
        if (sampleRate < 0 || sampleRate > 99) {
            throw new IllegalArgumentException("sampleRate must be 0..99: " + sampleRate);
        }
        if (deflateLevel < 1 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflateLevel must be 1..9: " + deflateLevel);
        }
        if (snappy && deflate) {
            throw new IllegalArgumentException("snappy and deflate cannot both be enabled");
        }
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new IllegalArgumentException("tlsCertFile and tlsKeyFile must be set together");
        }
        if (!tls && (tlsCertFile != null || tlsRootCaFile != null || tlsInsecureSkipVerify)) {
            throw new IllegalArgumentException("TLS settings given without tls(true)");
        }
        if (connectTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        if (maxFrameSize < 1024) {
            throw new IllegalArgumentException("maxFrameSize must be at least 1024: " + maxFrameSize);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.clientId = clientId;
        b.hostname = hostname;
        b.userAgent = userAgent;
        b.heartbeatInterval = heartbeatInterval;
        b.msgTimeout = msgTimeout;
        b.outputBufferSize = outputBufferSize;
        b.outputBufferTimeout = outputBufferTimeout;
        b.sampleRate = sampleRate;
        b.tls = tls;
        b.snappy = snappy;
        b.deflate = deflate;
        b.deflateLevel = deflateLevel;
        b.authSecret = authSecret;
        b.connectTimeout = connectTimeout;
        b.maxFrameSize = maxFrameSize;
        b.tlsRootCaFile = tlsRootCaFile;
        b.tlsCertFile = tlsCertFile;
        b.tlsKeyFile = tlsKeyFile;
        b.tlsInsecureSkipVerify = tlsInsecureSkipVerify;
        return b;
    }

    /** Builder with go-nsq's defaults; {@link #build()} validates. */
    public static final class Builder {
        private String clientId;
        private String hostname;
        private String userAgent = ClientVersion.USER_AGENT;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration msgTimeout;
        private int outputBufferSize;
        private Duration outputBufferTimeout;
        private int sampleRate;
        private boolean tls;
        private boolean snappy;
        private boolean deflate;
        private int deflateLevel = 6;
        private String authSecret;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxFrameSize = 64 * 1024 * 1024;
        private String tlsRootCaFile;
        private String tlsCertFile;
        private String tlsKeyFile;
        private boolean tlsInsecureSkipVerify;

        private Builder() {
        }

        public Builder clientId(String v) { clientId = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        /** {@code null} disables heartbeats; the daemon then refuses SUB, so only producers may do it. */
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder msgTimeout(Duration v) { msgTimeout = v; return this; }
        public Builder outputBufferSize(int v) { outputBufferSize = v; return this; }
        public Builder outputBufferTimeout(Duration v) { outputBufferTimeout = v; return this; }
        public Builder sampleRate(int v) { sampleRate = v; return this; }
        public Builder tls(boolean v) { tls = v; return this; }
        public Builder snappy(boolean v) { snappy = v; return this; }
        public Builder deflate(boolean v) { deflate = v; return this; }
        public Builder deflateLevel(int v) { deflateLevel = v; return this; }
        public Builder authSecret(String v) { authSecret = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
        /** PEM CA certificates to verify the daemon with (default: the JVM's trust store). */
        public Builder tlsRootCaFile(String v) { tlsRootCaFile = v; return this; }
        /** PEM client certificate and key, for daemons with --tls-client-auth-policy. */
        public Builder tlsClientCert(String certFile, String keyFile) { tlsCertFile = certFile; tlsKeyFile = keyFile; return this; }
        public Builder tlsInsecureSkipVerify(boolean v) { tlsInsecureSkipVerify = v; return this; }

        public ConnectionOptions build() {
            String host = hostname != null ? hostname : Hostname.get();
            String id = clientId != null ? clientId : shortName(host);
            return new ConnectionOptions(id, host, userAgent, heartbeatInterval, msgTimeout, outputBufferSize,
                    outputBufferTimeout, sampleRate, tls, snappy, deflate, deflateLevel, authSecret,
                    connectTimeout, maxFrameSize, tlsRootCaFile, tlsCertFile, tlsKeyFile, tlsInsecureSkipVerify);
        }

        private static String shortName(String host) {
            int dot = host.indexOf('.');
            return dot > 0 ? host.substring(0, dot) : host;
        }
    }
}
