package io.nodeq.daemon.stats;

/**
 * What a connection negotiated for TLS and AUTH, as /stats shows it per client (nsqd's
 * {@code tls_version}, {@code tls_cipher_suite}, {@code authed}, {@code auth_identity},
 * {@code auth_identity_url}). Fixed by the time a client subscribes, so it travels as a value.
 */
public record ClientSecurity(String tlsVersion, String tlsCipherSuite, String authIdentity, String authIdentityUrl,
                             boolean authed) {
    public static final ClientSecurity NONE = new ClientSecurity("", "", "", "", false);

    /** Java's protocol name as nsqd writes it ("TLSv1.3" → "TLS1.3"). */
    public static String goTlsVersion(String javaProtocol) {
        return switch (javaProtocol == null ? "" : javaProtocol) {
            case "TLSv1" -> "TLS1.0";
            case "TLSv1.1" -> "TLS1.1";
            case "TLSv1.2" -> "TLS1.2";
            case "TLSv1.3" -> "TLS1.3";
            default -> "";
        };
    }
}
