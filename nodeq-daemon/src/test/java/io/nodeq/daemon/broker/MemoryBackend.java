package io.nodeq.daemon.broker;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link BackendQueue} for broker tests; subclasses add failures or delays around
 * {@link #put} and {@link #read}. Runs on the disk lane; synchronized so tests may look too.
 */
class MemoryBackend implements BackendQueue {
    private final ArrayDeque<Message> stored = new ArrayDeque<>();

    @Override
    public synchronized void put(List<Message> messages) throws IOException {
        stored.addAll(messages);
    }

    @Override
    public synchronized List<Message> read(int max) throws IOException {
        List<Message> out = new ArrayList<>();
        while (out.size() < max && !stored.isEmpty()) {
            out.add(stored.poll());
        }
        return out;
    }

    @Override
    public synchronized long depth() {
        return stored.size();
    }

    @Override
    public synchronized void empty() {
        stored.clear();
    }

    @Override
    public synchronized void delete() {
        stored.clear();
    }

    @Override
    public void syncIfDirty() {
    }

    @Override
    public void close() {
    }
}
