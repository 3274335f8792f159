package io.nodeq.daemon.compat;

import com.sproutsocial.nsq.Client;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.TestDaemons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real daemon, a fake lookupd pointing at it, and nsq-j clients that are stopped after each test. */
abstract class NsqjFixture {
    @TempDir
    Path dir;
    Daemon daemon;
    FakeLookupd lookupd;
    private final List<Client> clients = new ArrayList<>();

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemons.start(dir);
        lookupd = new FakeLookupd(daemon.tcpPort(), daemon.httpPort());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Client c : clients) {
            c.stop(5);
        }
        lookupd.close();
        TestDaemons.stop(daemon);
    }

    Client newClient() {
        // nsq-j's default Client is shared and Publisher.stop() shuts it down: one each
        Client c = new Client();
        clients.add(c);
        return c;
    }
}
