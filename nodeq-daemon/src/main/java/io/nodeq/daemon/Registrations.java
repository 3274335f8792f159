package io.nodeq.daemon;

import io.nodeq.daemon.lookup.Registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The topics and channels this daemon has, as lookups are told about them: kept up to date from
 * broker events (shard threads) and read whole whenever a lookup connection (re)registers.
 */
final class Registrations {
    private final Map<String, Set<String>> topics = new ConcurrentSkipListMap<>();

    void topicCreated(String topic) {
        topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet());
    }

    void topicDeleted(String topic) {
        topics.remove(topic);
    }

    void channelCreated(String topic, String channel) {
        topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(channel);
    }

    void channelDeleted(String topic, String channel) {
        Set<String> channels = topics.get(topic);
        if (channels != null) {
            channels.remove(channel);
        }
    }

    /** nsqd's re-registration: the topic alone when it has no channel, else each channel. */
    List<Registration> snapshot() {
        List<Registration> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : topics.entrySet()) {
            if (e.getValue().isEmpty()) {
                out.add(new Registration(e.getKey(), null));
            }
            for (String channel : e.getValue()) {
                out.add(new Registration(e.getKey(), channel));
            }
        }
        return out;
    }
}
