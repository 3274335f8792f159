package io.nodeq.daemon.broker;

import io.nodeq.daemon.storage.DiskQueue;
import io.nodeq.daemon.storage.MessageRecord;
import io.nodeq.protocol.MessageIds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NSQ's memory-first level: a go-diskqueue compatible {@link DiskQueue} holding the overflow in
 * nsqd's own record layout. Lane-owned, like every backend.
 */
public final class DiskBackend implements BackendQueue {
    private final DiskQueue queue;

    public DiskBackend(DiskQueue queue) {
        this.queue = queue;
    }

    @Override
    public void put(List<Message> messages) throws IOException {
        List<byte[]> payloads = new ArrayList<>(messages.size());
        for (Message m : messages) {
            payloads.add(MessageRecord.encode(m.timestampNs, m.attempts, MessageIds.toHexBytes(m.id), m.body));
        }
        queue.putAll(payloads);
    }

    @Override
    public List<Message> read(int max) throws IOException {
        List<byte[]> payloads = queue.read(max);
        List<Message> out = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) {
            MessageRecord r = MessageRecord.decode(p);
            out.add(new Message(idOf(r.id()), r.timestampNs(), r.body(), r.attempts()));
        }
        return out;
    }

    /** Our IDs are hex; a foreign non-hex ID (never seen from nsqd) still gets a stable key. */
    private static long idOf(byte[] id) {
        String s = new String(id, StandardCharsets.ISO_8859_1);
        return MessageIds.isHexId(s) ? MessageIds.parseHex(s) : s.hashCode();
    }

    @Override
    public long depth() {
        return queue.depth();
    }

    @Override
    public void empty() throws IOException {
        queue.empty();
    }

    @Override
    public void delete() throws IOException {
        queue.delete();
    }

    @Override
    public void syncIfDirty() throws IOException {
        queue.syncIfDirty();
    }

    @Override
    public void close() throws IOException {
        queue.close();
    }
}
