package io.nodeq.client.impl;

import io.nodeq.client.ConnectionLostException;
import io.nodeq.client.HeadersNotSupportedException;
import io.nodeq.client.NsqErrorException;
import io.nodeq.client.NsqException;
import io.nodeq.client.ProducerOptions;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.NsqMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer's connection and queues. Publishers hand {@link PublishRequest}s in through a
 * lock-free inbox; everything else (batches, the reply FIFO, the connection) is owned by one Vert.x
 * context. One drain writes everything queued as one buffer (vertx5-notes.md §3).
 */
public final class ProducerEngine implements NsqConnection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerEngine.class);
    private static final byte[] OK = Frames.OK.getBytes(StandardCharsets.US_ASCII);
    /** Write to the socket once this much is encoded, so one drain never builds a huge buffer. */
    private static final int WRITE_CHUNK = 1024 * 1024;
    /**
     * With linger zero a partial batch goes out at once only while at most this many commands are
     * unanswered; behind a busier pipeline it keeps gathering until the next reply. An idle producer
     * sends every message at once; a loaded one sends full MPUBs (a deep pipeline of small MPUBs
     * costs the daemon a command each and was measured at a third of the full-batch rate).
     */
    private static final int PARTIAL_BATCH_MAX_UNANSWERED = 1;

    private final ProducerOptions options;
    private final Vertx vertx;
    private final Context context;
    private final NetClient client;
    private final byte[] identifyJson;
    private final PendingBudget budget;
    private final ConcurrentLinkedQueue<PublishRequest> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean connected;
    private volatile boolean terminated;

    // owned by context
    private final ArrayDeque<Pending> sent = new ArrayDeque<>();
    private final Map<String, Batch> batches = new LinkedHashMap<>();
    private NsqConnection conn;
    private int reconnectAttempt;
    private long lingerTimer = -1;
    private boolean waitingForDrain;
    private boolean closing;
    private final Promise<Void> flushed = Promise.promise();

    public ProducerEngine(ProducerOptions options, Vertx vertx, PendingBudget budget) {
        this.options = options;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.budget = budget;
        this.client = vertx.createNetClient(NsqConnection.netClientOptions(options.connection()));
        this.identifyJson = IdentifyBody.json(options.connection());
        ServerSettings.warmUp();
    }

    public void start() {
        context.runOnContext(v -> connect());
    }

    public boolean isConnected() {
        return connected;
    }

    public long published() {
        return published.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Any thread. The request's budget is already taken. */
    public void enqueue(PublishRequest r) {
        inbox.offer(r);
        if (terminated) {
            failInbox(new NsqException("producer is closed"));
            return;
        }
        // read first: a CAS on every publish would bounce the cache line with the event loop
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    /** Any thread: sends what is batched and completes once nothing is pending (or never, if the daemon stays away). */
    public Future<Void> flushAndWait() {
        context.runOnContext(v -> {
            closing = true;
            drain();
            flushBatches();
            checkFlushed();
        });
        return flushed.future();
    }

    /** Any thread: fails whatever is left, closes the connection. */
    public Future<Void> terminate() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            terminated = true;
            cancelLinger();
            NsqException closed = new NsqException("producer closed before the daemon answered");
            for (Batch b : batches.values()) {
                complete(b, closed);
            }
            batches.clear();
            failSent(closed);
            failInbox(closed);
            if (conn != null) {
                conn.close();
            }
            client.close().onComplete(ar -> done.complete());
        });
        return done.future();
    }

    private void connect() {
        if (terminated) {
            return;
        }
        NsqConnection.connect(vertx, client, options.address(), options.connection(), identifyJson, this).onComplete(ar -> {
            if (ar.failed()) {
                scheduleReconnect(ar.cause());
                return;
            }
            if (terminated) {
                ar.result().close();
                return;
            }
            conn = ar.result();
            connected = true;
            if (reconnectAttempt > 0) {
                LOG.info("producer reconnected to {}", options.address());
            }
            reconnectAttempt = 0;
            drain();
            if (options.linger().isZero() || closing) {
                flushBatches();
            } else if (!batches.isEmpty()) {
                armLinger();
            }
        });
    }

    private void scheduleReconnect(Throwable cause) {
        if (terminated) {
            return;
        }
        long delay = ReconnectDelay.millis(reconnectAttempt, options.reconnectMinDelay(), options.reconnectMaxDelay());
        if (reconnectAttempt++ == 0) {
            LOG.warn("producer lost {} ({}); reconnecting with backoff", options.address(),
                    cause == null ? "closed" : cause.getMessage());
        } else {
            LOG.debug("producer cannot reach {} ({}); retrying in {} ms", options.address(),
                    cause == null ? "closed" : cause.getMessage(), delay);
        }
        vertx.setTimer(delay, t -> connect());
    }

    /**
     * Writes what the inbox holds. When it cannot (no connection, socket full, pipeline at
     * {@code maxInFlightCommands}) it leaves {@code drainScheduled} set, so publishers stop waking the
     * event loop for nothing; whatever unblocks it (connect, socket drain, a reply) calls it again.
     */
    private void drain() {
        int limit = options.maxInFlightCommands();
        if (conn == null || !conn.isOpen() || waitingForDrain || sent.size() >= limit) {
            drainScheduled.set(true);
            return;
        }
        drainScheduled.set(false);
        Buffer out = null;
        PublishRequest r;
        while (sent.size() < limit && (r = inbox.poll()) != null) {
            if (out == null) {
                out = Buffer.buffer(64 * 1024);
            }
            if (r.hasHeaders() && !headersGranted()) {
                complete(r, headersRefused());
            } else if (options.batching() && r.kind == PublishRequest.Kind.PUB) {
                addToBatch(r, out);
            } else {
                r.encode(out, headersGranted());
                sent.add(r);
            }
            if (out.length() >= WRITE_CHUNK) {
                conn.write(out);
                out = null;
                if (conn.writeQueueFull()) {
                    awaitSocketDrain();
                    return;
                }
            }
        }
        if (out != null && out.length() > 0) {
            conn.write(out);
        }
        if (options.batching() && !batches.isEmpty() && sent.size() < limit) {
            if (closing || (options.linger().isZero() && sent.size() <= PARTIAL_BATCH_MAX_UNANSWERED)) {
                flushBatches();
            } else if (!options.linger().isZero()) {
                armLinger();
            }
        }
        if (sent.size() >= limit) {
            drainScheduled.set(true);
        }
        if (closing) {
            checkFlushed();
        }
    }

    private void addToBatch(PublishRequest r, Buffer out) {
        Batch b = batches.get(r.topic);
        if (b != null && b.size() > 0 && b.bytes() + r.body.length > options.batchMaxBytes()) {
            writeBatch(b, out);
            batches.remove(r.topic);
            b = null;
        }
        if (b == null) {
            b = new Batch(r.topic, options.batchMaxMessages());
            batches.put(r.topic, b);
        }
        b.add(r);
        if (b.size() >= options.batchMaxMessages() || b.bytes() >= options.batchMaxBytes()) {
            writeBatch(b, out);
            batches.remove(r.topic);
        }
    }

    private void writeBatch(Batch b, Buffer out) {
        if (b.hasHeaders() && !headersGranted()) {
            // gathered for a connection that granted headers, written after a reconnect to one that did not
            complete(b, headersRefused());
            return;
        }
        b.encode(out, headersGranted());
        sent.add(b);
    }

    /** Whether the current connection negotiated nodeq_headers: then every body carries a header block. */
    private boolean headersGranted() {
        return conn != null && conn.settings().headers();
    }

    private HeadersNotSupportedException headersRefused() {
        return new HeadersNotSupportedException("daemon " + options.address()
                + " did not grant nodeq_headers (a real nsqd, or nodeq without the feature): message headers cannot be sent");
    }

    private void flushBatches() {
        cancelLinger();
        if (batches.isEmpty() || conn == null || !conn.isOpen()) {
            return;
        }
        int size = 0;
        for (Batch b : batches.values()) {
            size += b.encodedSize();
        }
        Buffer out = Buffer.buffer(size);
        for (Iterator<Batch> it = batches.values().iterator(); it.hasNext(); ) {
            writeBatch(it.next(), out);
            it.remove();
        }
        conn.write(out);
    }

    private void armLinger() {
        if (lingerTimer < 0) {
            lingerTimer = vertx.setTimer(Math.max(1, options.linger().toMillis()), t -> {
                lingerTimer = -1;
                flushBatches();
            });
        }
    }

    private void cancelLinger() {
        if (lingerTimer >= 0) {
            vertx.cancelTimer(lingerTimer);
            lingerTimer = -1;
        }
    }

    private void awaitSocketDrain() {
        waitingForDrain = true;
        drainScheduled.set(true);
        conn.drainHandler(v -> {
            waitingForDrain = false;
            drain();
        });
    }

    @Override
    public void onResponse(NsqConnection c, byte[] data) {
        if (c != conn) {
            return;
        }
        if (!Arrays.equals(data, OK)) {
            LOG.debug("unexpected response from {}: {}", c.address(), new String(data, StandardCharsets.UTF_8));
            return;
        }
        Pending p = sent.poll();
        if (p == null) {
            LOG.warn("OK from {} with no publish outstanding", c.address());
            return;
        }
        complete(p, null);
        // a slot in the pipeline is free: what waited goes out, gathered into full batches meanwhile
        // (always called: publishers may have skipped waking us while the pipeline was full)
        drain();
    }

    @Override
    public void onError(NsqConnection c, NsqErrorException error) {
        if (c != conn) {
            return;
        }
        Pending p = sent.poll();
        if (p != null) {
            complete(p, error);
        }
        LOG.warn("daemon {} refused a publish: {}", c.address(), error.getMessage());
        drain();
    }

    @Override
    public void onMessage(NsqConnection c, NsqMessage message) {
        LOG.warn("producer connection to {} received a message; ignored", c.address());
    }

    @Override
    public void onClosed(NsqConnection c, Throwable cause) {
        if (c != conn) {
            return;
        }
        conn = null;
        connected = false;
        waitingForDrain = false;
        failSent(new ConnectionLostException("connection to " + c.address()
                + " lost before the daemon answered; the publish may or may not have happened", cause));
        if (!terminated) {
            scheduleReconnect(cause);
        }
    }

    private void complete(Pending p, Throwable error) {
        budget.release(p.cost());
        if (error == null) {
            published.addAndGet(p.messageCount());
            p.succeed();
        } else {
            failed.addAndGet(p.messageCount());
            p.fail(error);
        }
    }

    private void failSent(Throwable cause) {
        Pending p;
        while ((p = sent.poll()) != null) {
            complete(p, cause);
        }
    }

    private void failInbox(Throwable cause) {
        PublishRequest r;
        while ((r = inbox.poll()) != null) {
            complete(r, cause);
        }
    }

    private void checkFlushed() {
        if (inbox.isEmpty() && batches.isEmpty() && sent.isEmpty()) {
            flushed.tryComplete();
        }
    }
}
