package io.nodeq.daemon.broker;

import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.protocol.IdGenerator;
import io.nodeq.protocol.Names;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic: stamps published messages with ID and timestamp and copies each to every channel that
 * exists at that moment. While it has no channel, is paused, or waits for the lookups' channel
 * list, it holds messages in its own queue (memory, then backend) and fans them out later
 * (nsq-protocol.md §1.14, pitfall 11).
 *
 * <p>Owned by its shard's context; reach it only through shard tasks.
 */
public final class Topic {
    final String name;
    final boolean ephemeral;
    private final Shard shard;
    private final IdGenerator ids;
    final Map<String, Channel> channels = new LinkedHashMap<>();
    final MessageQueue queue;

    boolean paused;
    /** Holding messages until the lookups said which channels this topic has elsewhere. */
    boolean awaitingChannels;
    boolean deleted;
    private long messageCount;
    private long messageBytes;

    Topic(String name, BackendQueue backend, Shard shard) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.shard = shard;
        this.queue = new MessageQueue(name, shard, ephemeral, backend);
        this.ids = new IdGenerator(shard.options.nodeId());
    }

    public String name() {
        return name;
    }

    long depth() {
        return queue.depth();
    }

    private boolean flowing() {
        return !paused && !awaitingChannels && !channels.isEmpty() && !deleted;
    }

    void publish(List<byte[]> bodies, long deferMs) {
        long ts = shard.nowEpochNs();
        boolean direct = flowing() && queue.depth() == 0;
        for (byte[] body : bodies) {
            Message m = new Message(ids.next(), ts, body, 0);
            messageCount++;
            messageBytes += body.length;
            if (direct) {
                fanOut(m, deferMs);
            } else {
                m.deferMs = deferMs;
                hold(m);
            }
        }
    }

    private void hold(Message m) {
        if (queue.memorySize() >= shard.options.memQueueSize()) {
            // a deferred message that spills loses its deferral, as in nsqd (pitfall 13)
            m.deferMs = 0;
        }
        queue.put(m);
    }

    /** The first channel gets the message itself, the others copies sharing its body. */
    private void fanOut(Message m, long deferMs) {
        boolean first = true;
        for (Channel c : channels.values()) {
            c.accept(first ? m : m.copy(), deferMs);
            first = false;
        }
    }

    /** Moves held messages into the channels once the topic flows again. */
    void drain() {
        if (!flowing()) {
            return;
        }
        while (!queue.memoryEmpty()) {
            Message m = queue.poll();
            fanOut(m, m.deferMs);
        }
        queue.readAhead(0, this::drain);
    }

    Channel channel(String channelName) {
        return channels.get(channelName);
    }

    void empty() {
        queue.empty();
    }

    StatsSnapshot.TopicStats stats(String channelFilter, boolean includeClients, long nowMono) {
        List<StatsSnapshot.ChannelStats> channelStats = new ArrayList<>();
        List<String> names = new ArrayList<>(channels.keySet());
        names.sort(null);
        // every channel has the daemon's percentiles: the topic's figure is their merge
        E2eLatency shape = new E2eLatency(shard.options.e2eProcessingLatencyPercentiles(), 1);
        Histogram merged = shape.enabled() ? shape.newHistogram() : null;
        for (String n : names) {
            Channel c = channels.get(n);
            if (merged != null) {
                c.e2e.addTo(merged, nowMono);
            }
            if (channelFilter == null || channelFilter.equals(n)) {
                channelStats.add(c.stats(includeClients, nowMono));
            }
        }
        StatsSnapshot.E2eLatency e2e = merged == null ? StatsSnapshot.E2eLatency.NONE : E2eLatency.of(merged, shape.quantiles());
        return new StatsSnapshot.TopicStats(name, channelStats, depth(), queue.diskDepth(), messageCount, messageBytes, paused, e2e);
    }
}
