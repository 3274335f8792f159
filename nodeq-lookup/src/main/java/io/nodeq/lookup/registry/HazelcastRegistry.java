package io.nodeq.lookup.registry;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registry shared by every lookup of a Hazelcast cluster. Thread-safe (Hazelcast's maps); every
 * call blocks on the network, so callers run it on workers (see {@link RegistryLane}).
 *
 * <p>Two maps: {@code regs} (registration key → producer id → tombstone time), changed only through
 * entry processors so concurrent members never lose each other's updates, and {@code peers}
 * (producer id → peer info, last_update and the member that owns the connection). A producer whose
 * member left the cluster is an orphan: the daemon may be alive and will re-register when it
 * reconnects, so {@link #reapOrphans} keeps it until it is superseded by a live registration of the
 * same daemon or its last_update is older than the inactive timeout.
 */
public final class HazelcastRegistry implements Registry {
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastRegistry.class);

    private final HazelcastInstance hz;
    private final IMap<String, LinkedHashMap<String, Long>> regs;
    private final IMap<String, PeerRecord> peers;
    private final String self;
    private static final int FULL_SWEEP_EVERY = 30;
    /** Sweeps run one at a time (LookupServer's reaper skips a tick while one runs). */
    private int sweeps;

    public HazelcastRegistry(HazelcastInstance hz) {
        this.hz = hz;
        this.regs = hz.getMap("nodeq-lookup-registrations");
        this.peers = hz.getMap("nodeq-lookup-peers");
        this.self = hz.getCluster().getLocalMember().getUuid().toString();
    }

    /** Starts (blocking, ~2 s for the first member) a member with multicast off and TCP-IP join. */
    public static HazelcastInstance startMember(ClusterOptions o) {
        Config cfg = new Config();
        cfg.setClusterName(o.clusterName());
        cfg.setInstanceName(o.clusterName() + "-" + o.bindHost() + "-" + o.bindPort() + "-" + System.nanoTime());
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.health.monitoring.level", "OFF");
        cfg.setProperty("hazelcast.logging.type", "slf4j");
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false");   // LookupServer's hook closes us in order
        cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
        cfg.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        // the registry is tiny: few partitions make joins, leaves and migrations quick
        cfg.setProperty("hazelcast.partition.count", "31");
        // one synchronous and one asynchronous backup: a registration survives the loss of two lookups
        cfg.addMapConfig(new MapConfig("nodeq-lookup-*").setBackupCount(1).setAsyncBackupCount(1));
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(o.bindPort()).setPortAutoIncrement(o.portCount() > 1).setPortCount(o.portCount());
        net.getInterfaces().setEnabled(true).addInterface(o.bindHost());
        net.setPublicAddress(o.bindHost());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        for (String m : o.members()) {
            join.getTcpIpConfig().addMember(m);
        }
        if (o.members().isEmpty()) {
            join.getTcpIpConfig().addMember(o.bindHost() + ":" + o.bindPort());
        }
        return Hazelcast.newHazelcastInstance(cfg);
    }

    public HazelcastInstance hazelcast() {
        return hz;
    }

    @Override
    public boolean blocking() {
        return true;
    }

    /** A peer as stored in the cluster: info, last_update, owning member UUID. */
    record PeerRecord(PeerInfo info, long lastUpdate, String owner) implements Serializable {
    }

    @Override
    public void addRegistration(Registration k) {
        regs.putIfAbsent(k.asString(), new LinkedHashMap<>());
    }

    @Override
    public boolean addProducer(Registration k, PeerInfo peer, long lastUpdate) {
        peers.putIfAbsent(peer.id(), new PeerRecord(peer, lastUpdate, self));
        return regs.executeOnKey(k.asString(), new RegistryProcessors.AddProducer(peer.id()));
    }

    @Override
    public Removal removeProducer(Registration k, String id) {
        Removal r = regs.executeOnKey(k.asString(), new RegistryProcessors.RemoveProducer(id));
        if (Registration.CLIENT.equals(k.category())) {
            peers.delete(id);   // the client registration lives exactly as long as the connection
        }
        return r;
    }

    @Override
    public void removeRegistration(Registration k) {
        regs.delete(k.asString());
    }

    @Override
    public List<Registration> findRegistrations(String category, String key, String subkey) {
        List<Registration> out = new ArrayList<>();
        if (!Registration.ANY.equals(key) && !Registration.ANY.equals(subkey)) {
            Registration k = new Registration(category, key, subkey);
            if (regs.containsKey(k.asString())) {
                out.add(k);
            }
            return out;
        }
        for (String s : regs.keySet()) {
            Registration k = Registration.parse(s);
            if (k.isMatch(category, key, subkey)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public List<Producer> findProducers(String category, String key, String subkey) {
        Map<String, Long> tombs = new LinkedHashMap<>();
        if (!Registration.ANY.equals(key) && !Registration.ANY.equals(subkey)) {
            LinkedHashMap<String, Long> m = regs.get(new Registration(category, key, subkey).asString());
            if (m != null) {
                tombs.putAll(m);
            }
        } else {
            for (Map.Entry<String, LinkedHashMap<String, Long>> e : regs.entrySet()) {
                if (Registration.parse(e.getKey()).isMatch(category, key, subkey)) {
                    e.getValue().forEach(tombs::putIfAbsent);
                }
            }
        }
        return producers(tombs);
    }

    private List<Producer> producers(Map<String, Long> tombs) {
        if (tombs.isEmpty()) {
            return new ArrayList<>();
        }
        return producers(tombs, peers.getAll(tombs.keySet()));
    }

    private static List<Producer> producers(Map<String, Long> tombs, Map<String, PeerRecord> recs) {
        List<Producer> out = new ArrayList<>();
        for (Map.Entry<String, Long> t : tombs.entrySet()) {
            PeerRecord rec = recs.get(t.getKey());
            if (rec != null) {
                out.add(new Producer(rec.info(), rec.lastUpdate(), t.getValue() != Producer.NEVER, t.getValue()));
            }
        }
        return out;
    }

    @Override
    public List<Registration> lookupRegistrations(String id) {
        List<Registration> out = new ArrayList<>();
        for (Map.Entry<String, LinkedHashMap<String, Long>> e : regs.entrySet()) {
            if (e.getValue().containsKey(id)) {
                out.add(Registration.parse(e.getKey()));
            }
        }
        return out;
    }

    @Override
    public void touch(String id, long nowNanos) {
        peers.executeOnKey(id, new RegistryProcessors.Touch(nowNanos));
    }

    @Override
    public boolean tombstone(Registration k, String id, long nowNanos) {
        return regs.executeOnKey(k.asString(), new RegistryProcessors.Tombstone(id, nowNanos));
    }

    @Override
    public Map<Registration, List<Producer>> snapshot() {
        Map<String, LinkedHashMap<String, Long>> all = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, LinkedHashMap<String, Long>> e : regs.entrySet()) {
            all.put(e.getKey(), e.getValue());
            ids.addAll(e.getValue().keySet());
        }
        Map<String, PeerRecord> recs = ids.isEmpty() ? Map.of() : peers.getAll(ids);   // one bulk read
        Map<Registration, List<Producer>> out = new LinkedHashMap<>();
        for (Map.Entry<String, LinkedHashMap<String, Long>> e : all.entrySet()) {
            out.put(Registration.parse(e.getKey()), producers(e.getValue(), recs));
        }
        return out;
    }

    /**
     * Removes orphans (producers whose owning member left the cluster) that a live registration of
     * the same daemon supersedes or whose last_update is older than the inactive timeout; also drops
     * producer ids that no peer record backs any more. Idempotent, so every member may run it.
     */
    public int reapOrphans(long inactiveTimeoutNanos, long nowNanos) {
        Set<String> live = new HashSet<>();
        for (Member m : hz.getCluster().getMembers()) {
            live.add(m.getUuid().toString());
        }
        Map<String, PeerRecord> all = new HashMap<>();
        for (Map.Entry<String, PeerRecord> e : peers.entrySet()) {
            all.put(e.getKey(), e.getValue());
        }
        Set<String> liveNodes = new HashSet<>();
        for (PeerRecord r : all.values()) {
            if (live.contains(r.owner())) {
                liveNodes.add(r.info().nodeKey());
            }
        }
        Set<String> dead = new LinkedHashSet<>();
        for (Map.Entry<String, PeerRecord> e : all.entrySet()) {
            PeerRecord r = e.getValue();
            if (!live.contains(r.owner())
                    && (liveNodes.contains(r.info().nodeKey()) || nowNanos - r.lastUpdate() > inactiveTimeoutNanos)) {
                dead.add(e.getKey());
            }
        }
        // reading every registration costs: do it when something died, else once in a while for leftovers
        if (dead.isEmpty() && ++sweeps % FULL_SWEEP_EVERY != 0) {
            return 0;
        }
        for (Map.Entry<String, LinkedHashMap<String, Long>> e : regs.entrySet()) {
            for (String id : e.getValue().keySet()) {
                // an id missing from the (older) snapshot may be a producer added since: ask again
                if (dead.contains(id) || (!all.containsKey(id) && !peers.containsKey(id))) {
                    regs.executeOnKey(e.getKey(), new RegistryProcessors.RemoveProducer(id));
                }
            }
        }
        for (String id : dead) {
            LOG.info("DB: orphan producer {} ({}) removed", id, all.get(id).info().nodeKey());
            peers.delete(id);
        }
        return dead.size();
    }

    @Override
    public void close() {
        // the HazelcastInstance belongs to LookupServer, which shuts it down after the servers
    }
}
