package io.nodeq.lookup.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nsqlookupd/registration_db_test.go TestRegistrationDB, run against each {@link Registry}
 * implementation.
 */
abstract class RegistryContract {
    static final long SEC = 1_000_000_000L;

    abstract Registry db();

    static PeerInfo peer(String id) {
        return new PeerInfo(id, id, "host", "b-" + id, 4150, 4151, "1.3.0", "", "");
    }

    private static List<String> ids(List<Producer> ps) {
        return ps.stream().map(Producer::id).toList();
    }

    private static List<Producer> active(List<Producer> ps, long timeout, long lifetime, long now) {
        return ps.stream().filter(p -> p.isActive(timeout, now) && !p.isTombstoned(lifetime, now)).toList();
    }

    @Test
    void registrationDb() {
        Registry db = db();
        long now = 100 * SEC;
        PeerInfo p1 = peer("1");
        PeerInfo p2 = peer("2");
        PeerInfo p3 = peer("3");
        PeerInfo p4 = peer("4");
        Registration ab = new Registration("c", "a", "b");
        Registration ac = new Registration("c", "a", "c");

        assertThat(db.addProducer(ab, p1, now - 10 * SEC)).isTrue();
        assertThat(db.addProducer(ab, p1, now)).isFalse();           // idempotent
        assertThat(db.addProducer(ab, p2, now - 30 * SEC)).isTrue();
        assertThat(db.addProducer(ac, p3, now - 10 * SEC)).isTrue();
        assertThat(db.addProducer(ac, p4, now - 30 * SEC)).isTrue();
        // an exact key
        assertThat(ids(db.findProducers("c", "a", "b"))).containsExactlyInAnyOrder("1", "2");
        // wildcards: each producer once
        assertThat(ids(db.findProducers("c", "*", "*"))).containsExactlyInAnyOrder("1", "2", "3", "4");
        assertThat(ids(db.findProducers("c", "a", "*"))).containsExactlyInAnyOrder("1", "2", "3", "4");
        assertThat(ids(db.findProducers("c", "*", "b"))).containsExactlyInAnyOrder("1", "2");
        assertThat(db.findProducers("d", "*", "*")).isEmpty();
        // the first registration kept p1's original last_update
        assertThat(db.findProducers("c", "a", "b").stream().filter(p -> p.id().equals("1")).findFirst()
                .orElseThrow().lastUpdate()).isEqualTo(now - 10 * SEC);

        // filter by activity: last_update within 20 s
        assertThat(ids(active(db.findProducers("c", "a", "b"), 20 * SEC, 0, now))).containsExactly("1");
        // a tombstone on one registration hides the producer there only
        assertThat(db.tombstone(ab, "1", now)).isTrue();
        assertThat(active(db.findProducers("c", "a", "b"), 20 * SEC, 45 * SEC, now)).isEmpty();
        db.addProducer(ac, p1, now);
        assertThat(ids(active(db.findProducers("c", "a", "c"), 20 * SEC, 45 * SEC, now))).contains("1");
        // and it expires with its lifetime
        assertThat(ids(active(db.findProducers("c", "a", "b"), 20 * SEC, 45 * SEC, now + 46 * SEC - 25 * SEC)))
                .isEmpty();
        assertThat(db.findProducers("c", "a", "b").stream().filter(p -> p.id().equals("1")).findFirst()
                .orElseThrow().isTombstoned(45 * SEC, now + 46 * SEC)).isFalse();
        assertThat(db.tombstone(ab, "nobody", now)).isFalse();

        // keys and subkeys
        assertThat(db.findRegistrations("c", "*", "*")).containsExactlyInAnyOrder(ab, ac);
        assertThat(db.findRegistrations("c", "a", "b")).containsExactly(ab);
        assertThat(db.findRegistrations("c", "x", "b")).isEmpty();
        assertThat(Registry.keys(db.findRegistrations("c", "*", "*"))).containsExactly("a");
        assertThat(Registry.subkeys(db.findRegistrations("c", "a", "*"))).containsExactlyInAnyOrder("b", "c");
        assertThat(db.lookupRegistrations("1")).containsExactlyInAnyOrder(ab, ac);
        assertThat(db.lookupRegistrations("2")).containsExactly(ab);

        // a PING refreshes the peer in all its registrations
        db.touch("2", now);
        assertThat(ids(active(db.findProducers("c", "a", "*"), 20 * SEC, 0, now))).contains("2");

        // removing producers leaves empty registrations
        assertThat(db.removeProducer(ab, "1")).isEqualTo(new Registry.Removal(true, 1));
        assertThat(db.removeProducer(ab, "1")).isEqualTo(new Registry.Removal(false, 1));
        assertThat(db.removeProducer(ab, "2")).isEqualTo(new Registry.Removal(true, 0));
        assertThat(db.findRegistrations("c", "a", "b")).containsExactly(ab);
        assertThat(db.findProducers("c", "a", "b")).isEmpty();
        assertThat(db.removeProducer(new Registration("c", "zz", ""), "1")).isEqualTo(new Registry.Removal(false, 0));

        // removing a registration deletes it
        db.removeRegistration(ab);
        assertThat(db.findRegistrations("c", "*", "*")).containsExactly(ac);
        db.addRegistration(ab);
        db.addRegistration(ab);
        assertThat(db.findRegistrations("c", "a", "b")).containsExactly(ab);
        assertThat(db.snapshot()).containsKeys(ab, ac);
        assertThat(db.snapshot().get(ab)).isEmpty();
        assertThat(ids(db.snapshot().get(ac))).containsExactlyInAnyOrder("1", "3", "4");
    }

    @Test
    void clientRegistrationRemovalForgetsThePeer() {
        Registry db = db();
        PeerInfo p = peer("x1");
        db.addProducer(Registration.CLIENT_REGISTRATION, p, 5);
        db.addProducer(Registration.topic("t"), p, 5);
        db.removeProducer(Registration.topic("t"), "x1");
        db.removeProducer(Registration.CLIENT_REGISTRATION, "x1");
        db.addProducer(Registration.topic("t"), p, 9);   // a new life starts with a new last_update
        assertThat(db.findProducers("topic", "t", "").get(0).lastUpdate()).isEqualTo(9);
    }
}
