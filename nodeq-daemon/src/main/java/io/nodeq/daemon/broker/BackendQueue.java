package io.nodeq.daemon.broker;

import java.io.IOException;
import java.util.List;

/**
 * Where a topic's or channel's messages go when its memory queue is full (NSQ's BackendQueue).
 * Every call is blocking and runs on the owning shard's disk lane, never on an event loop; an
 * implementation may therefore be single-threaded. The crash-safe storage level grows behind this
 * same interface.
 */
public interface BackendQueue {

    /** Appends the messages; they belong to the queue from now on. */
    void put(List<Message> messages) throws IOException;

    /** Takes up to {@code max} messages off the head; empty when there are none. */
    List<Message> read(int max) throws IOException;

    long depth();

    /** Drops every message. */
    void empty() throws IOException;

    /** Drops every message and removes the files. */
    void delete() throws IOException;

    /** Syncs to disk if anything changed since the last sync (the --sync-timeout tick). */
    void syncIfDirty() throws IOException;

    /** Syncs and closes; the messages stay for the next start. */
    void close() throws IOException;

    /** The backend of an ephemeral topic or channel: overflow is dropped (NSQ behaviour). */
    BackendQueue DISCARD = new BackendQueue() {
        @Override
        public void put(List<Message> messages) {
        }

        @Override
        public List<Message> read(int max) {
            return List.of();
        }

        @Override
        public long depth() {
            return 0;
        }

        @Override
        public void empty() {
        }

        @Override
        public void delete() {
        }

        @Override
        public void syncIfDirty() {
        }

        @Override
        public void close() {
        }
    };

    /** Opens the backend of a queue by name: the topic name, or {@code topic:channel}. */
    interface Factory {
        BackendQueue open(String name) throws IOException;
    }
}
