package io.nodeq.client.impl;

import io.nodeq.client.ConnectionOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The client side of the IDENTIFY TLS upgrade: which daemon certificates to trust (a PEM CA file,
 * the JVM's trust store, or anything with {@code tlsInsecureSkipVerify}), host-name verification
 * as go-nsq does it, and the client certificate for mutual TLS.
 */
final class TlsClient {
    private TlsClient() {
    }

    static ClientSSLOptions sslOptions(ConnectionOptions o) {
        ClientSSLOptions ssl = new ClientSSLOptions();
        if (o.tlsInsecureSkipVerify()) {
            ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
        } else {
            ssl.setHostnameVerificationAlgorithm("HTTPS");
            if (o.tlsRootCaFile() != null) {
                ssl.setTrustOptions(new PemTrustOptions().addCertPath(o.tlsRootCaFile()));
            }
        }
        if (o.tlsCertFile() != null) {
            ssl.setKeyCertOptions(new PemKeyCertOptions().setCertPath(o.tlsCertFile()).setKeyPath(o.tlsKeyFile()));
        }
        return ssl;
    }
}
