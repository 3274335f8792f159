package io.nodeq.daemon.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's messages that reached max attempts (README, "Max attempts and dead-lettering"). A
 * message whose attempts reached {@code max_attempts} when it is requeued or times out is taken out
 * of the channel; at the end of the shard task the channel's taken messages go to the dead-letter
 * topic as one publish (one hop, one group write there), and each is finished in the channel only
 * once that publish succeeded: fsynced, for a durable dead-letter topic. So a message is never lost
 * between the two topics and never dead-lettered twice (it is in no in-flight or requeue structure
 * a second REQ or timeout could reach). Without a dead-letter topic the messages are finished at
 * once (dropped) and counted the same way.
 *
 * <pre>
 *   REQ / timeout, attempts &gt;= max ──► taken ──flush──► publishing ──OK──► finished, counted
 *                                                              └─fails──► deferred (backoff) ──due──► taken
 * </pre>
 *
 * A failed publish (storage error, the topic being deleted) keeps the messages: each is deferred
 * with a doubling backoff (journaled like a REQ with a delay) and, when due, taken again rather than
 * delivered. A message waiting here counts in the channel's snapshot as pending, so a shutdown in
 * the middle of a publish brings it back instead of losing it. The two topics' files are not
 * written as one: a stop or crash after the dead-letter topic stored it and before this channel's
 * journal took the finish delivers it again here, and its next REQ dead-letters it a second time
 * (never zero times).
 *
 * <p>Owned by its channel's shard; reach it only through shard tasks.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final long FIRST_BACKOFF_MS = 1_000;
    private static final long MAX_BACKOFF_MS = 60_000;

    private final Channel channel;
    private final Shard shard;
    private final DeadLetterLog log;
    /** Taken during the current task, published when the channel is pumped. */
    private List<Message> taken = new ArrayList<>();
    /** Batches handed to the dead-letter topic, waiting for its answer. */
    private final List<List<Message>> publishing = new ArrayList<>();
    /** Bumped by {@link #clear}: an answer to a publish from before is for messages gone from the channel. */
    private int generation;

    DeadLetters(Channel channel, Shard shard) {
        this.channel = channel;
        this.shard = shard;
        this.log = new DeadLetterLog(channel.topic.name, channel.name);
    }

    /** Whether {@code m}, requeued or timed out now, goes no further in this channel. */
    boolean exhausted(Message m) {
        int max = channel.settings.maxAttempts();
        return max > 0 && m.attempts >= max;
    }

    void take(Message m) {
        taken.add(m);
    }

    /** Every message waiting here (taken or publishing). */
    void forEach(java.util.function.Consumer<Message> action) {
        taken.forEach(action);
        for (List<Message> batch : publishing) {
            batch.forEach(action);
        }
    }

    /** The channel was emptied or deleted: its messages are gone (released), answers to publishes are ignored. */
    void clear() {
        forEach(Message::release);
        taken.clear();
        publishing.clear();
        generation++;
    }

    /** Publishes what was taken (or drops it, without a dead-letter topic). */
    void flush() {
        if (taken.isEmpty()) {
            return;
        }
        List<Message> batch = taken;
        taken = new ArrayList<>();
        ChannelSettings settings = channel.settings;
        if (!settings.hasDeadLetterTopic()) {
            for (Message m : batch) {
                channel.deadLettered(m);
                log.dropped(m, shard.nowMono());
            }
            return;
        }
        String dead = settings.deadLetterTopic();
        List<byte[]> bodies = new ArrayList<>(batch.size());
        for (Message m : batch) {
            // owned copies: the bodies cross to the dead-letter topic's shard
            bodies.add(DeadLetterBodies.of(channel.topic.name, channel.name, m));
        }
        publishing.add(batch);
        int gen = generation;
        shard.broker().publishDeadLetters(dead, bodies)
                .onComplete(ar -> shard.run(() -> published(batch, dead, gen, ar.cause())));
    }

    private void published(List<Message> batch, String dead, int gen, Throwable failure) {
        if (gen != generation || channel.deleted) {
            return; // emptied or deleted meanwhile: nothing of it is left to finish or keep
        }
        publishing.remove(batch);
        if (failure == null) {
            for (Message m : batch) {
                channel.deadLettered(m);
                log.deadLettered(m, dead, shard.nowMono());
            }
            return;
        }
        long delayMs = 0;
        for (Message m : batch) {
            m.deadLetterTries++;
            delayMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(16, m.deadLetterTries - 1));
            channel.deferAfterFailedDeadLetter(m, delayMs);
        }
        LOG.warn("CHANNEL({}:{}): dead-letter publish of {} messages to {} failed: {}; kept, next try in {} ms",
                channel.topic.name, channel.name, batch.size(), dead, failure.getMessage(), delayMs);
    }

    /** The periodic scan: says how many dead letters the log lines left out. */
    void tick(long nowMono) {
        log.tick(nowMono);
    }
}
