package io.nodeq.lookup.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Owned by the lookup server's single context: plain collections, no locks (design.md, Lookup).
 * Registrations keep insertion order so answers are stable between calls.
 */
public final class InMemoryRegistry implements Registry {
    /** registration → producer id → tombstone time ({@link Producer#NEVER} when not tombstoned). */
    private final Map<Registration, Map<String, Long>> registrations = new LinkedHashMap<>();
    /** producer id → its peer info and last_update, shared by all its registrations. */
    private final Map<String, Peer> peers = new HashMap<>();

    private static final class Peer {
        final PeerInfo info;
        long lastUpdate;

        Peer(PeerInfo info, long lastUpdate) {
            this.info = info;
            this.lastUpdate = lastUpdate;
        }
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public void addRegistration(Registration k) {
        registrations.computeIfAbsent(k, x -> new LinkedHashMap<>());
    }

    @Override
    public boolean addProducer(Registration k, PeerInfo peer, long lastUpdate) {
        peers.computeIfAbsent(peer.id(), id -> new Peer(peer, lastUpdate));
        Map<String, Long> producers = registrations.computeIfAbsent(k, x -> new LinkedHashMap<>());
        return producers.putIfAbsent(peer.id(), Producer.NEVER) == null;
    }

    @Override
    public Removal removeProducer(Registration k, String id) {
        Map<String, Long> producers = registrations.get(k);
        if (producers == null) {
            return new Removal(false, 0);
        }
        boolean removed = producers.remove(id) != null;
        if (removed && !isReferenced(id)) {
            peers.remove(id);
        }
        return new Removal(removed, producers.size());
    }

    private boolean isReferenced(String id) {
        for (Map<String, Long> producers : registrations.values()) {
            if (producers.containsKey(id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void removeRegistration(Registration k) {
        Map<String, Long> producers = registrations.remove(k);
        if (producers != null) {
            for (String id : producers.keySet()) {
                if (!isReferenced(id)) {
                    peers.remove(id);
                }
            }
        }
    }

    @Override
    public List<Registration> findRegistrations(String category, String key, String subkey) {
        List<Registration> out = new ArrayList<>();
        if (!Registration.ANY.equals(key) && !Registration.ANY.equals(subkey)) {
            Registration k = new Registration(category, key, subkey);
            if (registrations.containsKey(k)) {
                out.add(k);
            }
            return out;
        }
        for (Registration k : registrations.keySet()) {
            if (k.isMatch(category, key, subkey)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public List<Producer> findProducers(String category, String key, String subkey) {
        Set<String> seen = new LinkedHashSet<>();
        List<Producer> out = new ArrayList<>();
        for (Map.Entry<Registration, Map<String, Long>> e : registrations.entrySet()) {
            if (!e.getKey().isMatch(category, key, subkey)) {
                continue;
            }
            for (Map.Entry<String, Long> p : e.getValue().entrySet()) {
                Peer peer = peers.get(p.getKey());
                if (peer != null && seen.add(p.getKey())) {
                    out.add(producer(peer, p.getValue()));
                }
            }
        }
        return out;
    }

    private static Producer producer(Peer peer, long tombstonedAt) {
        return new Producer(peer.info, peer.lastUpdate, tombstonedAt != Producer.NEVER, tombstonedAt);
    }

    @Override
    public List<Registration> lookupRegistrations(String id) {
        List<Registration> out = new ArrayList<>();
        for (Map.Entry<Registration, Map<String, Long>> e : registrations.entrySet()) {
            if (e.getValue().containsKey(id)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    @Override
    public void touch(String id, long nowNanos) {
        Peer peer = peers.get(id);
        if (peer != null) {
            peer.lastUpdate = nowNanos;
        }
    }

    @Override
    public boolean tombstone(Registration k, String id, long nowNanos) {
        Map<String, Long> producers = registrations.get(k);
        if (producers == null || !producers.containsKey(id)) {
            return false;
        }
        producers.put(id, nowNanos);
        return true;
    }

    @Override
    public Map<Registration, List<Producer>> snapshot() {
        Map<Registration, List<Producer>> out = new LinkedHashMap<>();
        for (Map.Entry<Registration, Map<String, Long>> e : registrations.entrySet()) {
            List<Producer> list = new ArrayList<>();
            for (Map.Entry<String, Long> p : e.getValue().entrySet()) {
                Peer peer = peers.get(p.getKey());
                if (peer != null) {
                    list.add(producer(peer, p.getValue()));
                }
            }
            out.put(e.getKey(), list);
        }
        return out;
    }

    @Override
    public void close() {
        registrations.clear();
        peers.clear();
    }
}
