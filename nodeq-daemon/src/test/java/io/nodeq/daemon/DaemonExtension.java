package io.nodeq.daemon;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One real daemon shared by the tests of a class ({@code @RegisterExtension static}), on
 * 127.0.0.1 port 0 with its own temporary data directory, removed afterwards. Tests that share it
 * use {@link #unique} topic names so they cannot see each other's messages.
 *
 * <p>Used from the JUnit thread only.
 */
public final class DaemonExtension implements BeforeAllCallback, AfterAllCallback {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final UnaryOperator<DaemonOptions.Builder> customize;
    private Path dir;
    private Daemon daemon;

    public DaemonExtension() {
        this(b -> b);
    }

    public DaemonExtension(UnaryOperator<DaemonOptions.Builder> customize) {
        this.customize = customize;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("nodeq-test-");
        daemon = TestDaemons.start(dir, customize);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        TestDaemons.stop(daemon);
        daemon = null;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public Daemon daemon() {
        return daemon;
    }

    public Path dataDir() {
        return dir;
    }

    public int tcpPort() {
        return daemon.tcpPort();
    }

    /** A new raw client that has sent the magic. */
    public RawClient client() throws IOException {
        return new RawClient(daemon.tcpPort());
    }

    /** Stops the daemon cleanly and starts a new one on the same data directory and options. */
    public Daemon restart() {
        TestDaemons.stop(daemon);
        daemon = null;
        daemon = TestDaemons.start(dir, customize);
        return daemon;
    }

    /** A topic or channel name no other test of this JVM uses. */
    public static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }
}
