package io.nodeq.lookup.registry;

import io.nodeq.protocol.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nsqlookupd's semantics on top of a {@link Registry}: what REGISTER, UNREGISTER, a disconnect and
 * each HTTP endpoint do (nsq-protocol.md §3.1, §3.4, §3.5). Stateless; every method runs wherever
 * the registry may be called (the server context, or a worker for a blocking registry), and is
 * one unit of work, so one hop per command.
 *
 * <p>With {@code mergeNodes} (cluster mode) a daemon registered through several lookup members is
 * reported once: /lookup dedupes producers by {@code broadcast_address:tcp_port:http_port} and /nodes
 * merges their topics.
 */
public final class LookupOps {
    private static final Logger LOG = LoggerFactory.getLogger("io.nodeq.lookup.DB");

    private final Registry db;
    private final long inactiveTimeoutNanos;
    private final long tombstoneLifetimeNanos;
    private final boolean mergeNodes;
    private final LongSupplier clock;

    public LookupOps(Registry db, long inactiveTimeoutNanos, long tombstoneLifetimeNanos, boolean mergeNodes,
                     LongSupplier clockNanos) {
        this.db = db;
        this.inactiveTimeoutNanos = inactiveTimeoutNanos;
        this.tombstoneLifetimeNanos = tombstoneLifetimeNanos;
        this.mergeNodes = mergeNodes;
        this.clock = clockNanos;
    }

    public Registry registry() {
        return db;
    }

    public long now() {
        return clock.getAsLong();
    }

    // ---- TCP side ----

    public void identify(PeerInfo peer) {
        db.touch(peer.id(), now());
        if (db.addProducer(Registration.CLIENT_REGISTRATION, peer, now())) {
            LOG.info("DB: client({}) REGISTER category:client key: subkey:", peer.remoteAddress());
        }
    }

    public void ping(String id) {
        db.touch(id, now());
    }

    public void register(PeerInfo peer, String topic, String channel) {
        if (channel != null) {
            if (db.addProducer(Registration.channel(topic, channel), peer, now())) {
                LOG.info("DB: client({}) REGISTER category:channel key:{} subkey:{}", peer.remoteAddress(), topic, channel);
            }
        }
        if (db.addProducer(Registration.topic(topic), peer, now())) {
            LOG.info("DB: client({}) REGISTER category:topic key:{} subkey:", peer.remoteAddress(), topic);
        }
    }

    public void unregister(PeerInfo peer, String topic, String channel) {
        if (channel != null) {
            Registration k = Registration.channel(topic, channel);
            Registry.Removal r = db.removeProducer(k, peer.id());
            if (r.removed()) {
                LOG.info("DB: client({}) UNREGISTER category:channel key:{} subkey:{}", peer.remoteAddress(), topic, channel);
            }
            // an ephemeral channel lives only as long as some daemon has it
            if (r.left() == 0 && Names.isEphemeral(channel)) {
                db.removeRegistration(k);
            }
            return;
        }
        // a topic-only UNREGISTER normally follows the channel ones; anything left is a surprise
        for (Registration k : db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY)) {
            if (db.removeProducer(k, peer.id()).removed()) {
                LOG.warn("client({}) unexpected UNREGISTER category:channel key:{} subkey:{}",
                        peer.remoteAddress(), topic, k.subkey());
            }
        }
        Registration k = Registration.topic(topic);
        Registry.Removal r = db.removeProducer(k, peer.id());
        if (r.removed()) {
            LOG.info("DB: client({}) UNREGISTER category:topic key:{} subkey:", peer.remoteAddress(), topic);
        }
        if (r.left() == 0 && Names.isEphemeral(topic)) {
            db.removeRegistration(k);
        }
    }

    /** The connection closed: the producer leaves every registration; the keys stay. */
    public void disconnect(String id, String remoteAddress) {
        for (Registration k : db.lookupRegistrations(id)) {
            if (db.removeProducer(k, id).removed()) {
                LOG.info("DB: client({}) UNREGISTER category:{} key:{} subkey:{}", remoteAddress,
                        k.category(), k.key(), k.subkey());
            }
        }
    }

    // ---- HTTP side ----

    /** {@code /lookup}: null when the topic has no registration (404 TOPIC_NOT_FOUND). */
    public TopicLookup lookup(String topic) {
        if (db.findRegistrations(Registration.TOPIC, topic, "").isEmpty()) {
            return null;
        }
        List<String> channels = Registry.subkeys(db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY));
        long now = now();
        List<PeerInfo> producers = new ArrayList<>();
        List<String> seenNodes = new ArrayList<>();
        for (Producer p : db.findProducers(Registration.TOPIC, topic, "")) {
            if (!p.isActive(inactiveTimeoutNanos, now) || p.isTombstoned(tombstoneLifetimeNanos, now)) {
                continue;
            }
            if (mergeNodes) {
                if (seenNodes.contains(p.peer().nodeKey())) {
                    continue;
                }
                seenNodes.add(p.peer().nodeKey());
            }
            producers.add(p.peer());
        }
        return new TopicLookup(channels, producers);
    }

    public record TopicLookup(List<String> channels, List<PeerInfo> producers) {
    }

    public List<String> topics() {
        return Registry.keys(db.findRegistrations(Registration.TOPIC, Registration.ANY, ""));
    }

    public List<String> channels(String topic) {
        return Registry.subkeys(db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY));
    }

    /**
     * {@code /nodes}: active peers (tombstoned included) with tombstones parallel to topics. Built
     * from one snapshot, so a clustered registry answers with a few bulk reads, not one per topic.
     */
    public List<Node> nodes() {
        long now = now();
        Map<Registration, List<Producer>> all = db.snapshot();
        Map<String, Node> byKey = new LinkedHashMap<>();
        for (Producer p : all.getOrDefault(Registration.CLIENT_REGISTRATION, List.of())) {
            if (!p.isActive(inactiveTimeoutNanos, now)) {
                continue;
            }
            List<String> topics = new ArrayList<>();
            List<Boolean> tombstones = new ArrayList<>();
            for (Map.Entry<Registration, List<Producer>> e : all.entrySet()) {
                if (!e.getKey().category().equals(Registration.TOPIC)) {
                    continue;
                }
                for (Producer tp : e.getValue()) {
                    if (tp.id().equals(p.id())) {
                        topics.add(e.getKey().key());
                        tombstones.add(tp.isTombstoned(tombstoneLifetimeNanos, now));
                    }
                }
            }
            String key = mergeNodes ? p.peer().nodeKey() : p.id();
            Node prev = byKey.get(key);
            byKey.put(key, prev == null ? new Node(p.peer(), topics, tombstones) : prev.merge(topics, tombstones));
        }
        return new ArrayList<>(byKey.values());
    }

    /** One /nodes entry; {@code tombstones.get(i)} belongs to {@code topics.get(i)}. */
    public record Node(PeerInfo peer, List<String> topics, List<Boolean> tombstones) {
        Node merge(List<String> moreTopics, List<Boolean> moreTombstones) {
            List<String> t = new ArrayList<>(topics);
            List<Boolean> b = new ArrayList<>(tombstones);
            for (int i = 0; i < moreTopics.size(); i++) {
                int at = t.indexOf(moreTopics.get(i));
                if (at < 0) {
                    t.add(moreTopics.get(i));
                    b.add(moreTombstones.get(i));
                } else if (moreTombstones.get(i)) {
                    b.set(at, true);
                }
            }
            return new Node(peer, t, b);
        }
    }

    public void createTopic(String topic) {
        LOG.info("DB: adding topic({})", topic);
        db.addRegistration(Registration.topic(topic));
    }

    public void deleteTopic(String topic) {
        for (Registration k : db.findRegistrations(Registration.CHANNEL, topic, Registration.ANY)) {
            LOG.info("DB: removing channel({}) from topic({})", k.subkey(), topic);
            db.removeRegistration(k);
        }
        for (Registration k : db.findRegistrations(Registration.TOPIC, topic, "")) {
            LOG.info("DB: removing topic({})", topic);
            db.removeRegistration(k);
        }
    }

    public void createChannel(String topic, String channel) {
        LOG.info("DB: adding channel({}) in topic({})", channel, topic);
        db.addRegistration(Registration.channel(topic, channel));
        LOG.info("DB: adding topic({})", topic);
        db.addRegistration(Registration.topic(topic));
    }

    /** False when there is no such channel registration (404 CHANNEL_NOT_FOUND). */
    public boolean deleteChannel(String topic, String channel) {
        List<Registration> regs = db.findRegistrations(Registration.CHANNEL, topic, channel);
        if (regs.isEmpty()) {
            return false;
        }
        LOG.info("DB: removing channel({}) from topic({})", channel, topic);
        for (Registration k : regs) {
            db.removeRegistration(k);
        }
        return true;
    }

    /** {@code node} is {@code broadcast_address:http_port}; returns how many producers were marked. */
    public int tombstone(String topic, String node) {
        LOG.info("DB: setting tombstone for producer@{} of topic({})", node, topic);
        int n = 0;
        Registration k = Registration.topic(topic);
        for (Producer p : db.findProducers(Registration.TOPIC, topic, "")) {
            if (p.peer().httpNode().equals(node) && db.tombstone(k, p.id(), now())) {
                n++;
            }
        }
        return n;
    }

    public Map<Registration, List<Producer>> debug() {
        return db.snapshot();
    }

    /**
     * {@code /metrics}: one snapshot, counted. Active producers are counted as /nodes lists them
     * (one per daemon in cluster mode); tombstones are topic producers still inside their lifetime.
     */
    public RegistryCounts counts() {
        long now = now();
        long topics = 0;
        long channels = 0;
        long clientProducers = 0;
        long topicProducers = 0;
        long channelProducers = 0;
        long tombstones = 0;
        Set<String> active = new HashSet<>();
        for (Map.Entry<Registration, List<Producer>> e : db.snapshot().entrySet()) {
            List<Producer> producers = e.getValue();
            switch (e.getKey().category()) {
                case Registration.CLIENT -> {
                    clientProducers += producers.size();
                    for (Producer p : producers) {
                        if (p.isActive(inactiveTimeoutNanos, now)) {
                            active.add(mergeNodes ? p.peer().nodeKey() : p.id());
                        }
                    }
                }
                case Registration.TOPIC -> {
                    topics++;
                    topicProducers += producers.size();
                    for (Producer p : producers) {
                        if (p.isTombstoned(tombstoneLifetimeNanos, now)) {
                            tombstones++;
                        }
                    }
                }
                case Registration.CHANNEL -> {
                    channels++;
                    channelProducers += producers.size();
                }
                default -> {
                }
            }
        }
        return new RegistryCounts(topics, channels, clientProducers, topicProducers, channelProducers,
                active.size(), tombstones);
    }
}
