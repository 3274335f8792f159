package io.nodeq.lookup.registry;

import org.junit.jupiter.api.BeforeEach;

class InMemoryRegistryTest extends RegistryContract {
    private Registry db;

    @BeforeEach
    void create() {
        db = new InMemoryRegistry();
    }

    @Override
    Registry db() {
        return db;
    }
}
