package io.nodeq.client;

import io.nodeq.protocol.Names;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Options of a {@link Consumer}. Build with {@link #builder(String, String, MessageHandler)};
 * {@link Builder#build()} validates. Defaults follow go-nsq where it has one.
 *
 * @param topic               topic to subscribe to
 * @param channel             channel to subscribe to
 * @param handler             called for every message, on a worker thread
 * @param daemons             daemons to connect to directly (TCP addresses)
 * @param lookups             lookups to discover daemons from ({@code host:port} or an http URL)
 * @param connection          IDENTIFY and connect options
 * @param maxInFlight         messages in flight across all connections (default 1, as go-nsq)
 * @param concurrency         handler threads when the consumer makes its own executor (default 1)
 * @param executor            where handlers run; {@code null}: a pool of {@code concurrency} threads,
 *                            shut down by {@link Consumer#stop()}
 * @param autoFinish          FIN when the handler returns (default); false: the handler responds
 * @param maxAttempts         give up on a message delivered more often than this; 0 = never (default 5)
 * @param giveUpHandler       called for given-up messages; {@code null}: log one line
 * @param requeueDelay        REQ delay after a failure, multiplied by the attempts (default 90 s)
 * @param maxRequeueDelay     cap of that delay (default 15 min)
 * @param backoffMultiplier   first backoff wait; doubles per level (default 1 s; zero disables backoff)
 * @param maxBackoff          longest backoff wait (default 2 min; zero disables backoff)
 * @param lookupPollInterval  how often lookups are polled (default 60 s)
 * @param lookupPollJitter    0..1: each wait is the interval ± this fraction (default 0.3)
 * @param rdyCheckInterval    how often RDY rotation and idle connections are checked (default 250 ms)
 * @param lowRdyIdleTimeout   a connection holding rotating RDY with no message for this long gives it up (1 s)
 * @param lowRdyHoldTimeout   ... or after holding it this long even if busy, so no daemon starves (5 s)
 * @param autoTouch           TOUCH in-flight messages every half {@code msg_timeout} until answered
 * @param stopTimeout         how long {@link Consumer#stop()} waits for in-flight messages (30 s)
 * @param reconnectMinDelay   first delay before reconnecting to a daemon; doubles per failure
 * @param reconnectMaxDelay   cap of the reconnect delay
 * @param vertx               Vert.x instance to use, or {@code null} to create (and later close) one
 */
public record ConsumerOptions(String topic, String channel, MessageHandler handler, List<NsqAddress> daemons,
                              List<String> lookups, ConnectionOptions connection, int maxInFlight,
                              int concurrency, ExecutorService executor, boolean autoFinish, int maxAttempts,
                              GiveUpHandler giveUpHandler, Duration requeueDelay, Duration maxRequeueDelay,
                              Duration backoffMultiplier, Duration maxBackoff, Duration lookupPollInterval,
                              double lookupPollJitter, Duration rdyCheckInterval, Duration lowRdyIdleTimeout,
                              Duration lowRdyHoldTimeout, boolean autoTouch, Duration stopTimeout,
                              Duration reconnectMinDelay, Duration reconnectMaxDelay, Vertx vertx) {

    public ConsumerOptions {
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid topic name \"" + topic + "\"");
        }
        if (!Names.isValidChannelName(channel)) {
            throw new IllegalArgumentException("invalid channel name \"" + channel + "\"");
        }
        Objects.requireNonNull(handler, "handler");
        daemons = List.copyOf(daemons);
        lookups = List.copyOf(lookups);
        if (daemons.isEmpty() && lookups.isEmpty()) {
            throw new IllegalArgumentException("give at least one daemon or one lookup");
        }
        Objects.requireNonNull(connection, "connection");
        if (connection.heartbeatInterval() == null) {
            throw new IllegalArgumentException("a consumer needs heartbeats (the daemon refuses SUB without)");
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must be >= 0: " + maxInFlight);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1: " + concurrency);
        }
        if (maxAttempts < 0 || maxAttempts > 65535) {
            throw new IllegalArgumentException("maxAttempts must be 0..65535: " + maxAttempts);
        }
        for (Duration d : List.of(requeueDelay, maxRequeueDelay, backoffMultiplier, maxBackoff, lookupPollInterval,
                rdyCheckInterval, lowRdyIdleTimeout, lowRdyHoldTimeout, stopTimeout, reconnectMinDelay,
                reconnectMaxDelay)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative: " + d);
            }
        }
        if (lookupPollInterval.toMillis() < 10 || rdyCheckInterval.toMillis() < 1) {
            throw new IllegalArgumentException("lookupPollInterval must be >= 10ms and rdyCheckInterval >= 1ms");
        }
        if (lookupPollJitter < 0 || lookupPollJitter > 1) {
            throw new IllegalArgumentException("lookupPollJitter must be 0..1: " + lookupPollJitter);
        }
        if (reconnectMinDelay.toMillis() < 1 || reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
            throw new IllegalArgumentException("reconnect delays must satisfy 1ms <= min <= max");
        }
    }

    public static Builder builder(String topic, String channel, MessageHandler handler) {
        return new Builder(topic, channel, handler);
    }

    /** Builder with go-nsq's defaults (see the record's parameters). */
    public static final class Builder {
        private final String topic;
        private final String channel;
        private final MessageHandler handler;
        private final List<NsqAddress> daemons = new ArrayList<>();
        private final List<String> lookups = new ArrayList<>();
        private ConnectionOptions connection = ConnectionOptions.DEFAULTS;
        private int maxInFlight = 1;
        private int concurrency = 1;
        private ExecutorService executor;
        private boolean autoFinish = true;
        private int maxAttempts = 5;
        private GiveUpHandler giveUpHandler;
        private Duration requeueDelay = Duration.ofSeconds(90);
        private Duration maxRequeueDelay = Duration.ofMinutes(15);
        private Duration backoffMultiplier = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(2);
        private Duration lookupPollInterval = Duration.ofSeconds(60);
        private double lookupPollJitter = 0.3;
        private Duration rdyCheckInterval = Duration.ofMillis(250);
        private Duration lowRdyIdleTimeout = Duration.ofSeconds(1);
        private Duration lowRdyHoldTimeout = Duration.ofSeconds(5);
        private boolean autoTouch;
        private Duration stopTimeout = Duration.ofSeconds(30);
        private Duration reconnectMinDelay = Duration.ofMillis(100);
        private Duration reconnectMaxDelay = Duration.ofSeconds(10);
        private Vertx vertx;

        private Builder(String topic, String channel, MessageHandler handler) {
            this.topic = topic;
            this.channel = channel;
            this.handler = handler;
        }

        /** Adds a daemon TCP address ({@code host:port}, default port 4150). */
        public Builder daemon(String address) { daemons.add(NsqAddress.parse(address, 4150)); return this; }
        public Builder daemon(NsqAddress address) { daemons.add(Objects.requireNonNull(address)); return this; }
        /** Adds a lookup HTTP address ({@code host:port}, default port 4161, or an http URL). */
        public Builder lookup(String address) { lookups.add(Objects.requireNonNull(address)); return this; }
        public Builder connection(ConnectionOptions v) { connection = v; return this; }
        public Builder maxInFlight(int v) { maxInFlight = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder executor(ExecutorService v) { executor = v; return this; }
        public Builder autoFinish(boolean v) { autoFinish = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder giveUpHandler(GiveUpHandler v) { giveUpHandler = v; return this; }
        public Builder requeueDelay(Duration v) { requeueDelay = v; return this; }
        public Builder maxRequeueDelay(Duration v) { maxRequeueDelay = v; return this; }
        public Builder backoffMultiplier(Duration v) { backoffMultiplier = v; return this; }
        public Builder maxBackoff(Duration v) { maxBackoff = v; return this; }
        /** Turns backoff off: failures requeue but never pause delivery. */
        public Builder noBackoff() { maxBackoff = Duration.ZERO; return this; }
        public Builder lookupPollInterval(Duration v) { lookupPollInterval = v; return this; }
        public Builder lookupPollJitter(double v) { lookupPollJitter = v; return this; }
        public Builder rdyCheckInterval(Duration v) { rdyCheckInterval = v; return this; }
        public Builder lowRdyIdleTimeout(Duration v) { lowRdyIdleTimeout = v; return this; }
        public Builder lowRdyHoldTimeout(Duration v) { lowRdyHoldTimeout = v; return this; }
        public Builder autoTouch(boolean v) { autoTouch = v; return this; }
        public Builder stopTimeout(Duration v) { stopTimeout = v; return this; }
        public Builder reconnectMinDelay(Duration v) { reconnectMinDelay = v; return this; }
        public Builder reconnectMaxDelay(Duration v) { reconnectMaxDelay = v; return this; }
        public Builder vertx(Vertx v) { vertx = v; return this; }

        public ConsumerOptions build() {
            return new ConsumerOptions(topic, channel, handler, daemons, lookups, connection, maxInFlight,
                    concurrency, executor, autoFinish, maxAttempts, giveUpHandler, requeueDelay, maxRequeueDelay,
                    backoffMultiplier, maxBackoff, lookupPollInterval, lookupPollJitter, rdyCheckInterval,
                    lowRdyIdleTimeout, lowRdyHoldTimeout, autoTouch, stopTimeout, reconnectMinDelay,
                    reconnectMaxDelay, vertx);
        }
    }
}
