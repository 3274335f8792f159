package io.nodeq.lookup.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registration database: (category, key, subkey) → producers, as nsqlookupd keeps it
 * (nsq-protocol.md §3.3). Calls are synchronous; an implementation says through
 * {@link #blocking()} whether they may block (then callers run them on a worker, never on an
 * event loop). A peer's {@code last_update} is kept once per peer id, so a PING refreshes it in
 * every registration at once.
 */
public interface Registry extends AutoCloseable {

    /** True when calls do network IO (Hazelcast) and must run off the event loop. */
    boolean blocking();

    /** Creates the registration with no producers if it does not exist. */
    void addRegistration(Registration k);

    /**
     * Adds the peer to the registration (creating it). A peer seen for the first time starts with
     * {@code lastUpdate}; a known peer keeps its own. Returns false if it was already there.
     */
    boolean addProducer(Registration k, PeerInfo peer, long lastUpdate);

    /** Removes the producer; the registration stays, even when empty. */
    Removal removeProducer(Registration k, String id);

    /** Deletes the registration and all its producers. */
    void removeRegistration(Registration k);

    /** Registrations matching; {@code *} as key or subkey matches any. */
    List<Registration> findRegistrations(String category, String key, String subkey);

    /** Producers of the matching registrations, each producer id once. */
    List<Producer> findProducers(String category, String key, String subkey);

    /** Every registration the producer id is in. */
    List<Registration> lookupRegistrations(String id);

    /** PING: refresh the peer's last_update. */
    void touch(String id, long nowNanos);

    /** Marks the producer tombstoned in this registration only; false if it is not there. */
    boolean tombstone(Registration k, String id, long nowNanos);

    /** Every registration with its producers, for /debug. */
    Map<Registration, List<Producer>> snapshot();

    @Override
    void close();

    /** Result of {@link #removeProducer}: whether it was there and how many producers are left. */
    record Removal(boolean removed, int left) implements java.io.Serializable {
    }

    static List<String> keys(List<Registration> registrations) {
        Set<String> out = new LinkedHashSet<>();
        for (Registration r : registrations) {
            out.add(r.key());
        }
        return new ArrayList<>(out);
    }

    static List<String> subkeys(List<Registration> registrations) {
        Set<String> out = new LinkedHashSet<>();
        for (Registration r : registrations) {
            out.add(r.subkey());
        }
        return new ArrayList<>(out);
    }
}
