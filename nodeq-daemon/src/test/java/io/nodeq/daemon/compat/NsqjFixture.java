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
import java.util.concurrent.TimeUnit;

/**
 * Base of the tests that drive a real daemon with nsq-j: the daemon with one topic and its
 * channels created, a {@link FakeLookupd} for nsq-j's discovery, and nsq-j clients stopped after.
 */
abstract class NsqjFixture {
    @TempDir
    Path dir;
    Daemon daemon;
    FakeLookupd lookupd;
    private final List<Client> clients = new ArrayList<>();

    /** The topic every test of the class uses. */
    abstract String topic();

    /** Its channels, created before the test. */
    abstract List<String> channels();

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemons.start(dir);
        lookupd = new FakeLookupd(daemon.tcpPort(), daemon.httpPort());
        daemon.broker().createTopic(topic()).await(5, TimeUnit.SECONDS);
        for (String channel : channels()) {
            daemon.broker().createChannel(topic(), channel).await(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Client c : clients) {
            c.stop(5);
        }
        lookupd.close();
        TestDaemons.stop(daemon);
    }

    /** A client of its own: nsq-j's default Client is shared and Publisher.stop() shuts it down. */
    Client newClient() {
        Client c = new Client();
        clients.add(c);
        return c;
    }
}
