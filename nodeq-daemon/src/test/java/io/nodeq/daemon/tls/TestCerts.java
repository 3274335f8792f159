package io.nodeq.daemon.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/**
 * Certificates made at test time, written as PEM files into a directory: a CA, a server
 * certificate for 127.0.0.1/localhost signed by it, a client certificate (CN=alice) signed by it,
 * and a self-signed client certificate (CN=mallory) that no CA vouches for. EC P-256 keys: quick to
 * make, and understood by the JDK, Vert.x's PEM reader and Go's crypto/tls alike.
 */
public final class TestCerts {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path rogueCert;
    public final Path rogueKey;

    private TestCerts(Path dir) {
        caCert = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server.key");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client.key");
        rogueCert = dir.resolve("rogue.pem");
        rogueKey = dir.resolve("rogue.key");
    }

    public static TestCerts create(Path dir) throws Exception {
        TestCerts c = new TestCerts(dir);
        KeyPair ca = keyPair();
        X509Certificate caCert = sign(new X500Name("CN=nodeq test CA"), ca, new X500Name("CN=nodeq test CA"),
                ca.getPrivate(), true, false);
        write(c.caCert, pem(caCert));

        KeyPair server = keyPair();
        write(c.serverCert, pem(sign(new X500Name("CN=127.0.0.1"), server, new X500Name("CN=nodeq test CA"),
                ca.getPrivate(), false, true)));
        write(c.serverKey, pem(server.getPrivate()));

        KeyPair client = keyPair();
        write(c.clientCert, pem(sign(new X500Name("CN=alice"), client, new X500Name("CN=nodeq test CA"),
                ca.getPrivate(), false, false)));
        write(c.clientKey, pem(client.getPrivate()));

        KeyPair rogue = keyPair();
        write(c.rogueCert, pem(sign(new X500Name("CN=mallory"), rogue, new X500Name("CN=mallory"),
                rogue.getPrivate(), false, false)));
        write(c.rogueKey, pem(rogue.getPrivate()));
        return c;
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                        boolean ca, boolean serverNames) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        }
        if (serverNames) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        X509CertificateHolder holder = b.build(signer);
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            if (o instanceof PrivateKey k) {
                // PKCS#8 "PRIVATE KEY": what both Vert.x and Go read
                pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
            } else {
                pw.writeObject(o);
            }
        }
        return w.toString();
    }

    private static void write(Path p, String s) throws IOException {
        Files.writeString(p, s);
    }
}
