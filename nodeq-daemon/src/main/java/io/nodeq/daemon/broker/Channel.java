package io.nodeq.daemon.broker;

import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.protocol.Frames;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel: its own queue of every message of the topic, shared by its consumers under RDY flow
 * control (nsq-protocol.md §1.10, §1.14, §1.15).
 *
 * <pre>
 * put ──► memory (≤ --mem-queue-size) ──full──► backend (disk lane)
 *            │  ▲                                  │ read back in batches when memory runs low
 *            ▼  └──────────── REQ 0 / timeout ◄────┼──────────────┐
 *   pump: while a consumer has in_flight &lt; RDY ──► in flight ──FIN──► gone
 *                                                   └─REQ n──► deferred ──due──► put
 * </pre>
 *
 * <p>Owned by its shard's context; reach it only through shard tasks.
 */
public final class Channel {
    final Topic topic;
    final String name;
    final boolean ephemeral;
    private final Shard shard;
    final MessageQueue queue;

    private final LongMap<Message> inFlight = new LongMap<>(256);
    private final MessageHeap inFlightHeap = new MessageHeap(false);
    private final LongMap<Message> deferred = new LongMap<>(16);
    private final MessageHeap deferredHeap = new MessageHeap(true);

    final List<Consumer> consumers = new ArrayList<>();
    private int nextConsumer;
    boolean paused;
    boolean deleted;
    boolean dirty;

    long messageCount;
    private long requeueCount;
    private long timeoutCount;
    final E2eLatency e2e;

    Channel(Topic topic, String name, boolean ephemeral, BackendQueue backend, Shard shard) {
        this.topic = topic;
        this.name = name;
        this.ephemeral = ephemeral;
        this.shard = shard;
        this.queue = new MessageQueue(topic.name + ":" + name, shard, ephemeral, backend);
        this.e2e = new E2eLatency(shard.options.e2eProcessingLatencyPercentiles(),
                shard.options.e2eProcessingLatencyWindowTime().toNanos());
    }

    public String name() {
        return name;
    }

    long depth() {
        return queue.depth();
    }

    int inFlightCount() {
        return inFlight.size();
    }

    int deferredCount() {
        return deferred.size();
    }

    // ---- entering the channel ----

    /** A message from the topic's fan-out. */
    void accept(Message m, long deferMs) {
        messageCount++;
        if (deferMs > 0) {
            defer(m, deferMs);
        } else {
            put(m);
        }
    }

    /** Into the queue: memory if there is room, else the backend (dropped when ephemeral). */
    void put(Message m) {
        if (queue.put(m)) {
            markDirty();
        }
    }

    private void defer(Message m, long delayMs) {
        long due = shard.nowMono() + delayMs * 1_000_000L;
        m.due = due;
        Message old = deferred.put(m.id, m);
        if (old != null && old != m) {
            deferredHeap.remove(old); // IDs are unique per topic; keep the newest if not
        }
        deferredHeap.add(m);
    }

    private void markDirty() {
        if (!dirty) {
            dirty = true;
            shard.markDirty(this);
        }
    }

    // ---- consumers ----

    void addConsumer(Consumer c) {
        c.channel = this;
        consumers.add(c);
        markDirty();
    }

    void removeConsumer(Consumer c) {
        c.gone = true;
        consumers.remove(c);
        // In-flight messages of a vanished consumer wait for their timeout (nsqd does not requeue
        // on disconnect, pitfall 10).
    }

    void setRdy(Consumer c, int rdy) {
        c.rdy = rdy;
        markDirty();
    }

    void close(Consumer c) {
        c.closing = true;
        c.rdy = 0;
    }

    /** Why {@code c} may not FIN/REQ/TOUCH {@code m}, or null when it may. */
    private static String notOwned(Consumer c, Message m) {
        if (m == null) {
            return "ID not in flight";
        }
        return m.owner == c ? null : "client does not own message";
    }

    /** FIN: null on success, else the reason for E_FIN_FAILED. */
    String fin(Consumer c, long id) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        inFlight.remove(id);
        inFlightHeap.remove(m);
        c.inFlight--;
        c.finishCount++;
        m.owner = null;
        e2e.record(shard.nowEpochNs() - m.timestampNs, shard.nowMono());
        markDirty();
        return null;
    }

    String req(Consumer c, long id, long delayMs) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        inFlight.remove(id);
        inFlightHeap.remove(m);
        c.inFlight--;
        c.requeueCount++;
        requeueCount++;
        m.owner = null;
        if (delayMs > 0) {
            defer(m, delayMs);
        } else {
            put(m);
        }
        markDirty();
        return null;
    }

    String touch(Consumer c, long id) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        long now = shard.nowMono();
        long limit = m.deliveredAt + shard.options.maxMsgTimeout().toNanos();
        long deadline = Math.min(now + c.msgTimeoutNs, limit);
        if (deadline != m.deadline) {
            m.deadline = deadline;
            inFlightHeap.update(m);
        }
        return null;
    }

    // ---- delivery ----

    /** Sends queued messages to ready consumers; one write per consumer per call. */
    void pump() {
        dirty = false;
        if (deleted) {
            return;
        }
        if (!paused && !consumers.isEmpty()) {
            deliver();
        }
        maybeReadFromDisk();
    }

    private void deliver() {
        int n = consumers.size();
        long now = shard.nowMono();
        int idle = 0;
        while (!queue.memoryEmpty() && idle < n) {
            if (nextConsumer >= n) {
                nextConsumer = 0;
            }
            Consumer c = consumers.get(nextConsumer++);
            if (!c.ready()) {
                idle++;
                continue;
            }
            idle = 0;
            // Give this consumer a run of messages up to its free RDY, but at most a fair share,
            // so a burst is one buffer per consumer rather than one per message.
            int budget = Math.min(c.rdy - c.inFlight, Math.max(1, queue.memorySize() / n));
            while (budget-- > 0 && !queue.memoryEmpty()) {
                Message m = queue.poll();
                int sampleRate = c.info.sampleRate();
                if (sampleRate > 0 && shard.random.nextInt(100) > sampleRate) {
                    continue; // sampled out: gone for this channel (§1.12)
                }
                m.attempts = (m.attempts + 1) & 0xFFFF;
                m.deliveredAt = now;
                m.deadline = now + c.msgTimeoutNs;
                m.owner = c;
                inFlight.put(m.id, m);
                inFlightHeap.add(m);
                c.inFlight++;
                c.messageCount++;
                if (c.pending == null) {
                    c.pending = Buffer.buffer(Math.min(64 * 1024, 64 + Frames.messageFrameSize(m.body.length) * 8));
                }
                Frames.appendMessage(c.pending, m.timestampNs, m.attempts, m.id, m.body);
            }
        }
        for (int i = 0; i < n; i++) {
            Consumer c = consumers.get(i);
            if (c.pending != null) {
                Buffer b = c.pending;
                c.pending = null;
                c.link.deliver(b);
            }
        }
    }

    private void maybeReadFromDisk() {
        if (deleted) {
            return;
        }
        // read ahead only when memory runs low, so a backlog stays on disk
        queue.readAhead(Math.min(shard.options.memQueueSize() / 2, 4096), () -> {
            if (!deleted) {
                markDirty();
            }
        });
    }

    // ---- timers ----

    /** Requeues timed-out in-flight messages and releases due deferred ones. */
    void scan(long now) {
        while (!inFlightHeap.isEmpty() && inFlightHeap.peek().deadline <= now) {
            Message m = inFlightHeap.poll();
            inFlight.remove(m.id);
            if (m.owner != null) {
                m.owner.inFlight--;
                m.owner = null;
            }
            timeoutCount++;
            put(m);
        }
        while (!deferredHeap.isEmpty() && deferredHeap.peek().due <= now) {
            Message m = deferredHeap.poll();
            deferred.remove(m.id);
            put(m);
        }
    }

    // ---- administration ----

    /** Drops queued, in-flight and deferred messages (nsqd's channel empty). */
    void empty() {
        queue.empty();
        inFlight.clear();
        inFlightHeap.clear();
        deferred.clear();
        deferredHeap.clear();
        for (Consumer c : consumers) {
            c.inFlight = 0;
        }
        markDirty();
    }

    /** Everything this channel holds, for saving at shutdown: queued, in flight and deferred. */
    List<Message> drainForShutdown() {
        List<Message> all = queue.drainForShutdown();
        inFlightHeap.clear();
        deferredHeap.clear();
        inFlight.forEachValue(all::add);
        inFlight.clear();
        deferred.forEachValue(all::add);
        deferred.clear();
        return all;
    }

    StatsSnapshot.ChannelStats stats(boolean includeClients, long nowMono) {
        List<StatsSnapshot.ClientStats> clients = null;
        if (includeClients) {
            clients = new ArrayList<>(consumers.size());
            for (Consumer c : consumers) {
                clients.add(consumerStats(c));
            }
        }
        return new StatsSnapshot.ChannelStats(name, depth(), queue.diskDepth(), inFlight.size(), deferred.size(),
                messageCount, requeueCount, timeoutCount, consumers.size(), clients, paused, e2e.snapshot(nowMono));
    }

    private static StatsSnapshot.ClientStats consumerStats(Consumer c) {
        ClientInfo i = c.info;
        return new StatsSnapshot.ClientStats(i.clientId(), i.hostname(), "V2", i.remoteAddress(), c.closing ? 4 : 3,
                c.rdy, c.inFlight, c.messageCount, c.finishCount, c.requeueCount, i.connectTs(), i.sampleRate(),
                i.deflate(), i.snappy(), i.userAgent(), i.tls(), null);
    }

}
