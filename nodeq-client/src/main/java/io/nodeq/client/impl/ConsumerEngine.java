package io.nodeq.client.impl;

import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.ConsumerStats;
import io.nodeq.client.NsqAddress;
import io.nodeq.client.NsqErrorException;
import io.nodeq.protocol.NsqMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A consumer's connections, discovery, RDY control and acks. Deliveries go to the handler executor
 * as {@link ClientMessage} tasks; responses come back through a lock-free queue and are written
 * once per drain per connection.
 *
 * <p>Owned by one Vert.x context (all connections of a consumer share its event loop), except
 * {@link #ack}, {@link #runHandler} and the counters, which any thread may use.
 */
public final class ConsumerEngine implements RdyController.Clock {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerEngine.class);

    /** A daemon the consumer wants: given directly ({@code fixed}) and/or listed by the lookups. */
    private static final class Node {
        final NsqAddress address;
        boolean fixed;
        boolean listed;
        ConsumerConnection conn;
        int attempt;
        long timer = -1;

        Node(NsqAddress address) {
            this.address = address;
        }

        boolean wanted() {
            return fixed || listed;
        }
    }

    private final ConsumerOptions o;
    private final Vertx vertx;
    private final Context context;
    private final NetClient client;
    private final byte[] identifyJson;
    private final ExecutorService executor;
    private static final long CLOSE_QUIET_MS = 100;

    /** {@link Responses}, and messages to TOUCH, on their way to the context. */
    private final ConcurrentLinkedQueue<Object> acks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ackScheduled = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong requeued = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile int connections;

    // owned by context
    private final Map<NsqAddress, Node> nodes = new LinkedHashMap<>();
    private final List<ConsumerConnection> dirty = new ArrayList<>();
    private final List<ClientMessage> toDispatch = new ArrayList<>();
    private final RdyController rdy;
    private LookupPoller poller;
    private long tickTimer = -1;
    private long touchTimer = -1;
    private long stopTimer = -1;
    private boolean stopping;
    private boolean cleanStop = true;
    private final Promise<Boolean> stopped = Promise.promise();

    public ConsumerEngine(ConsumerOptions o, Vertx vertx, ExecutorService executor) {
        this.o = o;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.executor = executor;
        this.client = vertx.createNetClient(NsqConnection.netClientOptions(o.connection()));
        this.identifyJson = IdentifyBody.json(o.connection());
        ServerSettings.warmUp();
        this.rdy = new RdyController(new RdyController.Settings(o.maxInFlight(), o.lowRdyIdleTimeout().toMillis(),
                o.lowRdyHoldTimeout().toMillis(), o.backoffMultiplier().toMillis(), o.maxBackoff().toMillis()), this);
    }

    public void start() {
        context.runOnContext(v -> {
            for (NsqAddress a : o.daemons()) {
                want(a, true);
            }
            if (!o.lookups().isEmpty()) {
                poller = new LookupPoller(vertx, o.lookups(), o.topic(), o.lookupPollInterval(), o.lookupPollJitter(),
                        this::lookedUp);
                poller.start();
            }
            tickTimer = vertx.setPeriodic(o.rdyCheckInterval().toMillis(), t -> {
                if (rdy.needsTicks()) {
                    rdy.rebalance();
                }
            });
            if (o.autoTouch()) {
                long timeout = o.connection().msgTimeout() == null ? 60_000 : o.connection().msgTimeout().toMillis();
                touchTimer = vertx.setPeriodic(Math.max(50, Math.min(1000, timeout / 10)), t -> autoTouch());
            }
        });
    }

    public ConsumerStats stats() {
        return new ConsumerStats(received.get(), finished.get(), requeued.get(), gaveUp.get(), handlerErrors.get(),
                inFlight.get(), connections);
    }

    public void changeMaxInFlight(int n) {
        context.runOnContext(v -> rdy.setMaxInFlight(n));
    }

    /** CLS everywhere, wait for in-flight messages up to stopTimeout, close. True if it drained cleanly. */
    public Future<Boolean> stop() {
        context.runOnContext(v -> beginStop());
        return stopped.future();
    }

    // ---- discovery and connections

    private void lookedUp(LookupPoller.Result r) {
        if (stopping) {
            return;
        }
        for (NsqAddress a : r.daemons()) {
            want(a, false);
        }
        if (!r.complete()) {
            return;
        }
        for (Node n : new ArrayList<>(nodes.values())) {
            if (n.listed && !r.daemons().contains(n.address)) {
                n.listed = false;
                if (!n.wanted()) {
                    LOG.info("{} is no longer listed for topic {}; closing", n.address, o.topic());
                    drop(n);
                }
            }
        }
    }

    private void want(NsqAddress a, boolean fixed) {
        Node n = nodes.computeIfAbsent(a, Node::new);
        if (fixed) {
            n.fixed = true;
        } else {
            n.listed = true;
        }
        if (n.conn == null && n.timer < 0) {
            connect(n);
        }
    }

    private void drop(Node n) {
        cancelTimer(n);
        if (n.conn == null) {
            nodes.remove(n.address);
            return;
        }
        rdy.remove(n.conn);
        n.conn.startClose();
        ConsumerConnection cc = n.conn;
        vertx.setTimer(Math.max(1, o.stopTimeout().toMillis()), t -> cc.close());
    }

    private void connect(Node n) {
        ConsumerConnection cc = new ConsumerConnection(this, n.address, o.autoTouch());
        n.conn = cc;
        NsqConnection.connect(vertx, client, n.address, o.connection(), identifyJson, cc).onComplete(ar -> {
            if (ar.failed()) {
                if (n.conn == cc) {
                    n.conn = null;
                    retry(n, ar.cause(), true);
                }
                checkStopDone();
                return;
            }
            if (stopping || n.conn != cc || !n.wanted()) {
                ar.result().close();
                return;
            }
            cc.subscribe(ar.result(), o.topic(), o.channel());
        });
    }

    private void retry(Node n, Throwable cause, boolean log) {
        if (stopping || !n.wanted()) {
            nodes.remove(n.address);
            return;
        }
        long delay = ReconnectDelay.millis(n.attempt, o.reconnectMinDelay(), o.reconnectMaxDelay());
        if (n.attempt++ == 0 && log) {
            LOG.warn("consumer of {}/{} cannot reach {} ({}); retrying with backoff", o.topic(), o.channel(), n.address,
                    cause == null ? "closed" : cause.getMessage());
        }
        n.timer = vertx.setTimer(delay, t -> {
            n.timer = -1;
            if (!stopping && n.wanted() && n.conn == null) {
                connect(n);
            }
        });
    }

    private void cancelTimer(Node n) {
        if (n.timer >= 0) {
            vertx.cancelTimer(n.timer);
            n.timer = -1;
        }
    }

    void subscribed(ConsumerConnection cc) {
        Node n = nodes.get(cc.address());
        if (n != null) {
            n.attempt = 0;
        }
        connections++;
        LOG.info("consumer subscribed to {}/{} on {}", o.topic(), o.channel(), cc.address());
        if (stopping) {
            cc.startClose();
            return;
        }
        rdy.add(cc);
    }

    void connectionClosed(ConsumerConnection cc, ConsumerConnection.State before, Throwable cause) {
        if (before == ConsumerConnection.State.ACTIVE || before == ConsumerConnection.State.CLOSING) {
            connections--;
            rdy.remove(cc);
            if (!stopping && before == ConsumerConnection.State.ACTIVE) {
                LOG.warn("consumer lost {} ({})", cc.address(), cause == null ? "closed by peer" : cause.getMessage());
            }
        }
        Node n = nodes.get(cc.address());
        if (n != null && n.conn == cc) {
            n.conn = null;
            if (!stopping && n.wanted()) {
                retry(n, cause, before != ConsumerConnection.State.ACTIVE);
                if (poller != null) {
                    poller.pollSoon();
                }
            } else if (!n.wanted() || stopping) {
                nodes.remove(n.address);
            }
        }
        checkStopDone();
    }

    void messageAfterCloseWait(ConsumerConnection cc) {
        LOG.warn("daemon {} delivered a message after CLOSE_WAIT", cc.address());
    }

    void errorFrame(ConsumerConnection cc, NsqErrorException e) {
        if (e.isFatal()) {
            LOG.warn("daemon {} sent {}", cc.address(), e.getMessage());
        } else {
            LOG.debug("daemon {} sent {}", cc.address(), e.getMessage());
        }
    }

    // ---- deliveries and responses

    void delivered(ConsumerConnection cc, NsqMessage msg) {
        ClientMessage m = new ClientMessage(this, cc, msg, cc.headersGranted());
        if (cc.tracked != null) {
            cc.tracked.add(m);
        }
        toDispatch.add(m);
    }

    /**
     * Hands the messages of one socket read of {@code cc} to the workers: the burst is split into one
     * task per worker (every worker gets a share, so slow handlers still run {@code concurrency} at a
     * time), which costs a few queue hops instead of one per message (like a raw reader that FINs per
     * read). {@code nowMs} is the read's time, the messages' delivery time for auto-TOUCH.
     */
    void dispatch(ConsumerConnection cc, long nowMs) {
        int n = toDispatch.size();
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            toDispatch.get(i).lastTouchMs = nowMs;
        }
        received.addAndGet(n);
        inFlight.addAndGet(n);
        int parts = Math.min(o.concurrency(), n);
        int from = 0;
        for (int p = 0; p < parts; p++) {
            int to = from + (n - from) / (parts - p);
            ClientMessage[] slice = toDispatch.subList(from, to).toArray(new ClientMessage[0]);
            from = to;
            try {
                executor.execute(new HandlerBatch(this, cc, slice));
            } catch (RejectedExecutionException e) {
                for (ClientMessage m : slice) {
                    m.requeueWithoutBackoff(Duration.ZERO);
                }
            }
        }
        toDispatch.clear();
    }

    /** On a worker thread: the handler, or the give-up handler past max attempts. */
    void runHandler(ClientMessage m) {
        if (o.maxAttempts() > 0 && m.attempts() > o.maxAttempts()) {
            gaveUp.incrementAndGet();
            if (o.giveUpHandler() != null) {
                try {
                    o.giveUpHandler().giveUp(m);
                } catch (Throwable t) {
                    LOG.warn("give-up handler failed for {}: {}", m, t.toString());
                }
            } else {
                LOG.warn("giving up on {} after {} attempts", m, m.attempts());
            }
            m.finishGivenUp();
            return;
        }
        try {
            o.handler().handle(m);
            if (o.autoFinish()) {
                m.finish();
            }
        } catch (Throwable t) {
            handlerErrors.incrementAndGet();
            LOG.warn("handler failed for {}: {}", m, t.toString());
            LOG.debug("handler failure", t);
            m.requeue();
        }
    }

    Duration defaultRequeueDelay(int attempts) {
        Duration d = o.requeueDelay().multipliedBy(Math.max(1, attempts));
        return d.compareTo(o.maxRequeueDelay()) > 0 ? o.maxRequeueDelay() : d;
    }

    /**
     * Any thread: the one FIN or REQ of a claimed message. On the worker running the message's batch
     * it is gathered there and leaves with the batch's next flush; otherwise it goes on its own.
     */
    void respond(ClientMessage m, byte op, long delayMs, byte signal) {
        HandlerBatch b = m.batch;
        if (b != null && b.collects()) {
            b.add(m, op, delayMs, signal);
        } else {
            responded(new Responses.Builder(m.conn, 1).add(m, op, delayMs, signal).take());
        }
    }

    /** Any thread: responses for the context to send. */
    void responded(Responses r) {
        acks.offer(r);
        wakeDrain();
    }

    /** Any thread: TOUCH an unanswered message. */
    void touch(ClientMessage m) {
        acks.offer(m);
        wakeDrain();
    }

    private void wakeDrain() {
        if (!ackScheduled.get() && ackScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drainAcks());
        }
    }

    void markDirty(ConsumerConnection cc) {
        dirty.add(cc);
    }

    private void drainAcks() {
        ackScheduled.set(false);
        boolean closingSeen = false;
        Object next;
        while ((next = acks.poll()) != null) {
            if (next instanceof Responses r) {
                closingSeen |= apply(r);
            } else {
                ClientMessage m = (ClientMessage) next;
                m.lastTouchMs = nowMs();
                m.conn.appendTouch(m);
            }
        }
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
        if (rdy.needsTicks()) {
            rdy.rebalance();
        }
        if (closingSeen) {
            closeDrained();
        }
    }

    /** Responses: their commands go out as they are; returns whether their connection is closing. */
    private boolean apply(Responses r) {
        ConsumerConnection cc = r.conn();
        inFlight.addAndGet(-r.count());
        boolean closing = false;
        if (cc.state != ConsumerConnection.State.CLOSED) {
            cc.inFlight -= r.count();
            if (cc.tracked != null) {
                for (int i = 0; i < r.count(); i++) {
                    cc.tracked.remove(r.messages()[i]);
                }
            }
            cc.appendCommands(r.commands(), r.length());
            finished.addAndGet(r.finished());
            requeued.addAndGet(r.requeued());
            closing = cc.state == ConsumerConnection.State.CLOSING;
        }
        for (int i = 0; i < r.count(); i++) {
            signal(r.signals()[i]);
        }
        return closing;
    }

    private void signal(byte signal) {
        if (signal == Ack.SUCCESS) {
            rdy.onResult(true);
        } else if (signal == Ack.FAILURE) {
            rdy.onResult(false);
        }
    }

    private void autoTouch() {
        long now = nowMs();
        for (Node n : nodes.values()) {
            ConsumerConnection cc = n.conn;
            if (cc == null || cc.tracked == null || !cc.isOpen()) {
                continue;
            }
            long interval = cc.connection().settings().msgTimeoutMs() / 2;
            for (ClientMessage m : cc.tracked) {
                if (!m.isResponded() && now - m.lastTouchMs >= interval) {
                    m.lastTouchMs = now;
                    cc.appendTouch(m);
                }
            }
        }
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    // ---- stop

    /**
     * Closes a CLOSING connection once CLOSE_WAIT came, nothing is in flight, and no message arrived
     * for {@link #CLOSE_QUIET_MS}. nsqd sends nothing after CLOSE_WAIT, but a daemon whose delivery
     * races its CLOSE_WAIT would otherwise leave messages in flight until they time out.
     */
    void closeProgress(ConsumerConnection cc) {
        if (cc.state != ConsumerConnection.State.CLOSING || !cc.drained()) {
            return;
        }
        long quietFor = nowMs() - Math.max(cc.closeWaitAt, cc.lastMessageAt());
        if (quietFor >= CLOSE_QUIET_MS) {
            cc.close();
        } else if (!cc.closeTimerArmed) {
            cc.closeTimerArmed = true;
            vertx.setTimer(CLOSE_QUIET_MS - quietFor, t -> {
                cc.closeTimerArmed = false;
                closeProgress(cc);
            });
        }
    }

    private void closeDrained() {
        for (Node n : nodes.values()) {
            if (n.conn != null) {
                closeProgress(n.conn);
            }
        }
    }

    private void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        rdy.stop();
        if (poller != null) {
            poller.stop();
        }
        if (tickTimer >= 0) {
            vertx.cancelTimer(tickTimer);
        }
        for (Node n : new ArrayList<>(nodes.values())) {
            cancelTimer(n);
            if (n.conn != null) {
                n.conn.startClose();
            } else {
                nodes.remove(n.address);
            }
        }
        stopTimer = vertx.setTimer(Math.max(1, o.stopTimeout().toMillis()), t -> {
            stopTimer = -1;
            cleanStop = false;
            LOG.warn("consumer of {}/{} stop timed out with {} messages in flight; closing", o.topic(), o.channel(),
                    inFlight.get());
            for (Node n : nodes.values()) {
                if (n.conn != null) {
                    n.conn.close();
                }
            }
        });
        closeDrained();
        checkStopDone();
    }

    private void checkStopDone() {
        if (!stopping || stopped.future().isComplete()) {
            return;
        }
        for (Node n : nodes.values()) {
            if (n.conn != null) {
                return;
            }
        }
        if (stopTimer >= 0) {
            vertx.cancelTimer(stopTimer);
        }
        if (touchTimer >= 0) {
            vertx.cancelTimer(touchTimer);
        }
        boolean clean = cleanStop;
        client.close().onComplete(ar -> stopped.tryComplete(clean));
    }

    // ---- RdyController.Clock

    @Override
    public long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public long setTimer(long delayMs, Runnable task) {
        return vertx.setTimer(Math.max(1, delayMs), id -> task.run());
    }

    @Override
    public void cancelTimer(long id) {
        vertx.cancelTimer(id);
    }
}
