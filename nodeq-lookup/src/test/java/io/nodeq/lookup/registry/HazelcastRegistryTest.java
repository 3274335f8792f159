package io.nodeq.lookup.registry;

import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The same contract on one Hazelcast member (own cluster name and port range). */
class HazelcastRegistryTest extends RegistryContract {
    private static HazelcastInstance hz;
    private HazelcastRegistry db;

    @BeforeAll
    static void startMember() {
        hz = HazelcastRegistry.startMember(new ClusterOptions("registry-test-" + ProcessHandle.current().pid(),
                "127.0.0.1", 5950, 10, List.of()));
    }

    @AfterAll
    static void stopMember() {
        hz.shutdown();
    }

    @BeforeEach
    void create() {
        hz.getMap("nodeq-lookup-registrations").clear();
        hz.getMap("nodeq-lookup-peers").clear();
        db = new HazelcastRegistry(hz);
    }

    @Override
    Registry db() {
        return db;
    }
}
