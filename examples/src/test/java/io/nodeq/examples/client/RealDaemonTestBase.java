package io.nodeq.examples.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Gives each test a {@link RealDaemons} in its own temporary directory, closed after the test. */
abstract class RealDaemonTestBase {
    @TempDir
    Path tmp;
    RealDaemons daemons;

    @BeforeEach
    void startDaemons() {
        daemons = new RealDaemons(tmp);
    }

    @AfterEach
    void stopDaemons() throws Exception {
        daemons.close();
    }
}
