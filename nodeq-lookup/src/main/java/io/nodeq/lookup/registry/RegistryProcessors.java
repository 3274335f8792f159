package io.nodeq.lookup.registry;

import com.hazelcast.map.EntryProcessor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry processors for {@link HazelcastRegistry}: each runs atomically on the member that owns the
 * key, so two lookups changing one registration at once never lose an update.
 */
final class RegistryProcessors {
    private RegistryProcessors() {
    }

    record AddProducer(String id) implements EntryProcessor<String, LinkedHashMap<String, Long>, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, LinkedHashMap<String, Long>> entry) {
            LinkedHashMap<String, Long> m = entry.getValue() == null ? new LinkedHashMap<>() : entry.getValue();
            boolean added = m.putIfAbsent(id, Producer.NEVER) == null;
            entry.setValue(m);
            return added;
        }
    }

    record RemoveProducer(String id) implements EntryProcessor<String, LinkedHashMap<String, Long>, Registry.Removal> {
        @Override
        public Registry.Removal process(Map.Entry<String, LinkedHashMap<String, Long>> entry) {
            LinkedHashMap<String, Long> m = entry.getValue();
            if (m == null) {
                return new Registry.Removal(false, 0);
            }
            boolean removed = m.remove(id) != null;
            if (removed) {
                entry.setValue(m);
            }
            return new Registry.Removal(removed, m.size());
        }
    }

    record Tombstone(String id, long at) implements EntryProcessor<String, LinkedHashMap<String, Long>, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, LinkedHashMap<String, Long>> entry) {
            LinkedHashMap<String, Long> m = entry.getValue();
            if (m == null || !m.containsKey(id)) {
                return false;
            }
            m.put(id, at);
            entry.setValue(m);
            return true;
        }
    }

    record Touch(long at) implements EntryProcessor<String, HazelcastRegistry.PeerRecord, Void> {
        @Override
        public Void process(Map.Entry<String, HazelcastRegistry.PeerRecord> entry) {
            HazelcastRegistry.PeerRecord r = entry.getValue();
            if (r != null) {
                entry.setValue(new HazelcastRegistry.PeerRecord(r.info(), at, r.owner()));
            }
            return null;
        }
    }
}
