package io.nodeq.daemon.broker;

import java.io.IOException;
import java.util.List;

/**
 * A backend opened on the disk lane the first time the lane gets to it, so that creating a topic
 * on a shard never blocks on file IO. Lane-owned like every backend.
 */
final class LazyBackend implements BackendQueue {
    private final String name;
    private final Factory factory;
    private BackendQueue real;

    LazyBackend(String name, Factory factory) {
        this.name = name;
        this.factory = factory;
    }

    /** Opens if needed and returns the depth found on disk. */
    long open() throws IOException {
        return backend().depth();
    }

    private BackendQueue backend() throws IOException {
        if (real == null) {
            real = factory.open(name);
        }
        return real;
    }

    @Override
    public void put(List<Message> messages) throws IOException {
        backend().put(messages);
    }

    @Override
    public List<Message> read(int max) throws IOException {
        return backend().read(max);
    }

    @Override
    public long depth() {
        return real == null ? 0 : real.depth();
    }

    @Override
    public void empty() throws IOException {
        backend().empty();
    }

    @Override
    public void delete() throws IOException {
        backend().delete();
    }

    @Override
    public void syncIfDirty() throws IOException {
        if (real != null) {
            real.syncIfDirty();
        }
    }

    @Override
    public void close() throws IOException {
        if (real != null) {
            real.close();
        }
    }
}
