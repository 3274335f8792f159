package io.nodeq.daemon.tls;

import io.nodeq.daemon.DaemonOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.File;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's TLS server settings from nsqd's flags (nsq-protocol.md §1.8.4, §5.1): certificate
 * and key (PEM), the client-certificate policy ({@code require}: any certificate,
 * {@code require-verify}: one signed by {@code --tls-root-ca-file}), and the lowest protocol
 * version. The same settings serve the IDENTIFY upgrade and the HTTPS listener.
 *
 * <p>Immutable; Vert.x copies the options it is given.
 */
public final class TlsSettings {
    /** nsqd gives the TLS handshake of the IDENTIFY upgrade 5 s. */
    private static final long HANDSHAKE_TIMEOUT_MS = 5000;
    private static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private final ServerSSLOptions sslOptions;
    private final SslContext nettyContext;

    private TlsSettings(ServerSSLOptions sslOptions, SslContext nettyContext) {
        this.sslOptions = sslOptions;
        this.nettyContext = nettyContext;
    }

    /** The settings, or null when no certificate is configured (TLS not offered). */
    public static TlsSettings of(DaemonOptions o) {
        if (!o.tlsEnabled()) {
            return null;
        }
        ServerSSLOptions ssl = new ServerSSLOptions()
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(o.tlsCert()).setKeyPath(o.tlsKey()))
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setEnabledSecureTransportProtocols(protocolsFrom(o.tlsMinVersion()));
        switch (o.tlsClientAuthPolicy()) {
            case "require" -> ssl.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(TrustOptions.wrap(new AnyClientCert()));
            case "require-verify" -> ssl.setClientAuth(ClientAuth.REQUIRED)
                    .setTrustOptions(new PemTrustOptions().addCertPath(o.tlsRootCaFile()));
            default -> {
                if (!o.tlsRootCaFile().isEmpty()) {
                    ssl.setTrustOptions(new PemTrustOptions().addCertPath(o.tlsRootCaFile()));
                }
            }
        }
        return new TlsSettings(ssl, nettyContext(o));
    }

    /**
     * The context of the IDENTIFY upgrade, built once at start (a bad file fails the start, not the
     * first client). The upgrade adds Netty's SslHandler itself: Vert.x's upgradeToSsl with an
     * upgrade message left some connections without their IDENTIFY reply (seen with two event loops).
     */
    private static SslContext nettyContext(DaemonOptions o) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(new File(o.tlsCert()), new File(o.tlsKey()))
                    .sslProvider(SslProvider.JDK)
                    .protocols(protocolsFrom(o.tlsMinVersion()).toArray(new String[0]));
            switch (o.tlsClientAuthPolicy()) {
                case "require" -> b.clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE)
                        .trustManager(InsecureTrustManagerFactory.INSTANCE);
                case "require-verify" -> b.clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE)
                        .trustManager(new File(o.tlsRootCaFile()));
                default -> {
                    if (!o.tlsRootCaFile().isEmpty()) {
                        b.trustManager(new File(o.tlsRootCaFile()));
                    }
                }
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS: cannot use --tls-cert " + o.tlsCert() + " / --tls-key "
                    + o.tlsKey() + ": " + e.getMessage(), e);
        }
    }

    /** A server-side handler for one connection's upgrade, with nsqd's 5 s handshake deadline. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler h = nettyContext.newHandler(alloc);
        h.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS);
        return h;
    }

    /** The options for {@code NetSocket.upgradeToSsl} and the HTTPS server. */
    public ServerSSLOptions sslOptions() {
        return sslOptions;
    }

    /** The HTTPS listener's options: the same certificate, client policy and versions. */
    public HttpServerOptions httpsServerOptions() {
        HttpServerOptions h = new HttpServerOptions().setSsl(true)
                .setKeyCertOptions(sslOptions.getKeyCertOptions())
                .setClientAuth(sslOptions.getClientAuth())
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setEnabledSecureTransportProtocols(sslOptions.getEnabledSecureTransportProtocols());
        if (sslOptions.getTrustOptions() != null) {
            h.setTrustOptions(sslOptions.getTrustOptions());
        }
        return h;
    }

    /** {@code tls1.2} → {TLSv1.2, TLSv1.3}. The JDK may still refuse the oldest (jdk.tls.disabledAlgorithms). */
    static Set<String> protocolsFrom(String minVersion) {
        int from = switch (minVersion) {
            case "tls1.1" -> 1;
            case "tls1.2" -> 2;
            case "tls1.3" -> 3;
            default -> 0; // ssl3.0, tls1.0, empty
        };
        return new LinkedHashSet<>(VERSIONS.subList(from, VERSIONS.size()));
    }

    /** The client certificate's subject CN, as nsqd sends to the auth server; "" without one. */
    public static String commonName(SSLSession session) {
        if (session == null) {
            return "";
        }
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length == 0 || !(peer[0] instanceof X509Certificate x509)) {
                return "";
            }
            for (Rdn rdn : new LdapName(x509.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return "";
        }
        return "";
    }

    /** {@code require}: Go's RequireAnyClientCert asks for a certificate and does not verify it. */
    private static final class AnyClientCert implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
