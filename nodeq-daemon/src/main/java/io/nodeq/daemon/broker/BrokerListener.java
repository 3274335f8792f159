package io.nodeq.daemon.broker;

/**
 * Told about topics and channels coming and going (for lookup registration and nsqd.dat). Called
 * on shard threads: implementations must be thread-safe and must not block.
 */
public interface BrokerListener {
    void topicCreated(String topic);

    void topicDeleted(String topic);

    void channelCreated(String topic, String channel);

    void channelDeleted(String topic, String channel);

    /** Something nsqd.dat records changed (create, delete, pause). */
    void metadataChanged();

    BrokerListener NONE = new BrokerListener() {
        public void topicCreated(String topic) {
        }

        public void topicDeleted(String topic) {
        }

        public void channelCreated(String topic, String channel) {
        }

        public void channelDeleted(String topic, String channel) {
        }

        public void metadataChanged() {
        }
    };
}
