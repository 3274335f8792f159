package io.nodeq.admin;

/**
 * How the admin UI talks TLS to daemons and lookups, as nsqadmin's {@code --http-client-tls-*}
 * flags: PEM files of the CAs to trust and of a client certificate, or no verification at all.
 * Used for {@code https://} addresses and for daemons that answer 403 TLS_REQUIRED.
 *
 * @param rootCaFile         PEM CA certificates, or null for the JVM's trust store
 * @param certFile           PEM client certificate, or null
 * @param keyFile            PEM key of {@code certFile}, or null
 * @param insecureSkipVerify accept any server certificate
 */
public record HttpClientTls(String rootCaFile, String certFile, String keyFile, boolean insecureSkipVerify) {
    public static final HttpClientTls NONE = new HttpClientTls(null, null, null, false);

    public HttpClientTls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--http-client-tls-cert and --http-client-tls-key go together");
        }
    }
}
