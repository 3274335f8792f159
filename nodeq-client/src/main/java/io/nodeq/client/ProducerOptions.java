package io.nodeq.client;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link Producer}. Build with {@link #builder(NsqAddress)}; {@link Builder#build()}
 * validates.
 *
 * <p>Batching (off by default) gathers single {@code publish} calls for one topic into an MPUB, the
 * way Kafka's {@code batch.size} / {@code linger.ms} do: a batch is sent when it holds
 * {@code batchMaxMessages} messages or {@code batchMaxBytes} bytes, or {@code linger} after its first
 * message. With {@code linger} zero, a partial batch is sent at once while at most one command is
 * unanswered, and otherwise gathers until the next reply: no added wait when the producer is idle,
 * full batches when it is busy.
 *
 * <p>The pending buffer ({@code maxPendingBytes}: queued, batched and unanswered bodies together)
 * bounds memory. When it is full, {@link OverflowPolicy#FAIL} fails the publish at once with a
 * {@link BufferFullException}; {@link OverflowPolicy#BLOCK} makes the publishing thread wait up to
 * {@code maxBlock} (never an event-loop thread: there it fails as with FAIL).
 *
 * @param address          the daemon's TCP address
 * @param connection       IDENTIFY and connect options
 * @param batching         whether single publishes are gathered into MPUBs
 * @param batchMaxMessages messages per MPUB, at least 1
 * @param batchMaxBytes    body bytes per MPUB, ≤ 5 MiB minus framing
 * @param linger           how long a partial batch waits for more messages (zero: send at once)
 * @param maxPendingBytes  bound of bytes held by the producer (each message counts its body + 64)
 * @param overflowPolicy   what publishing does when the buffer is full
 * @param maxBlock         longest wait under {@link OverflowPolicy#BLOCK}
 * @param maxMessageSize   largest body accepted (the daemon's {@code --max-msg-size}, 1 MiB by default)
 * @param reconnectMinDelay first delay before reconnecting; doubled per failure
 * @param reconnectMaxDelay cap of the reconnect delay
 * @param closeTimeout     how long {@link Producer#close()} waits for pending publishes
 * @param maxInFlightCommands commands written and not yet answered (Kafka's
 *                         {@code max.in.flight.requests.per.connection}); beyond it publishes wait in the
 *                         buffer and, with batching, gather into full MPUBs. Default 16 with batching (a
 *                         deep pipeline of small MPUBs is slower than a short one of full ones), else 1000
 * @param vertx            Vert.x instance to use, or {@code null} to create (and later close) one
 */
public record ProducerOptions(NsqAddress address, ConnectionOptions connection, boolean batching,
                              int batchMaxMessages, int batchMaxBytes, Duration linger, long maxPendingBytes,
                              OverflowPolicy overflowPolicy, Duration maxBlock, int maxMessageSize,
                              Duration reconnectMinDelay, Duration reconnectMaxDelay, Duration closeTimeout,
                              int maxInFlightCommands, Vertx vertx) {

    /** What a publish does when the pending buffer is full. */
    public enum OverflowPolicy { FAIL, BLOCK }

    /** MPUB body limit of nsqd ({@code --max-body-size}, 5 MiB) minus room for the framing words. */
    public static final int MAX_BATCH_BYTES = 5 * 1024 * 1024 - 64 * 1024;

    public ProducerOptions {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        Objects.requireNonNull(maxBlock, "maxBlock");
        Objects.requireNonNull(reconnectMinDelay, "reconnectMinDelay");
        Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (batchMaxMessages < 1) {
            throw new IllegalArgumentException("batchMaxMessages must be >= 1: " + batchMaxMessages);
        }
        if (batchMaxBytes < 1 || batchMaxBytes > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("batchMaxBytes must be 1.." + MAX_BATCH_BYTES + ": " + batchMaxBytes);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
        }
        if (maxPendingBytes < maxMessageSize + 64L || maxPendingBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxPendingBytes must be maxMessageSize+64.." + Integer.MAX_VALUE
                    + ": " + maxPendingBytes);
        }
        if (maxBlock.isNegative()) {
            throw new IllegalArgumentException("maxBlock must not be negative: " + maxBlock);
        }
        if (reconnectMinDelay.toMillis() < 1 || reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
            throw new IllegalArgumentException("reconnect delays must satisfy 1ms <= min <= max");
        }
        if (maxInFlightCommands < 1) {
            throw new IllegalArgumentException("maxInFlightCommands must be >= 1: " + maxInFlightCommands);
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative: " + closeTimeout);
        }
    }

    public static Builder builder(NsqAddress address) {
        return new Builder(address);
    }

    /** Same as {@code builder(NsqAddress.parse(address, 4150))}. */
    public static Builder builder(String address) {
        return new Builder(NsqAddress.parse(address, 4150));
    }

    /**
     * Builder with defaults: no batching (when enabled: 200 messages, 512 KiB, linger 0 — send what
     * gathered while the previous write went out, as Kafka's {@code linger.ms=0}), 32 MiB buffer
     * (Kafka's {@code buffer.memory}), 16 unanswered commands with batching (1000 without), FAIL.
     */
    public static final class Builder {
        private NsqAddress address;
        private ConnectionOptions connection = ConnectionOptions.DEFAULTS;
        private boolean batching;
        private int batchMaxMessages = 200;
        private int batchMaxBytes = 512 * 1024;
        private Duration linger = Duration.ZERO;
        private long maxPendingBytes = 32L * 1024 * 1024;
        private OverflowPolicy overflowPolicy = OverflowPolicy.FAIL;
        private Duration maxBlock = Duration.ofSeconds(10);
        private int maxMessageSize = 1024 * 1024;
        private Duration reconnectMinDelay = Duration.ofMillis(100);
        private Duration reconnectMaxDelay = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Integer maxInFlightCommands;
        private Vertx vertx;

        private Builder(NsqAddress address) {
            this.address = address;
        }

        public Builder address(NsqAddress v) { address = v; return this; }
        public Builder connection(ConnectionOptions v) { connection = v; return this; }
        public Builder batching(boolean v) { batching = v; return this; }
        public Builder batchMaxMessages(int v) { batchMaxMessages = v; return this; }
        public Builder batchMaxBytes(int v) { batchMaxBytes = v; return this; }
        public Builder linger(Duration v) { linger = v; return this; }
        public Builder maxPendingBytes(long v) { maxPendingBytes = v; return this; }
        public Builder overflowPolicy(OverflowPolicy v) { overflowPolicy = v; return this; }
        public Builder maxBlock(Duration v) { maxBlock = v; return this; }
        public Builder maxMessageSize(int v) { maxMessageSize = v; return this; }
        public Builder reconnectMinDelay(Duration v) { reconnectMinDelay = v; return this; }
        public Builder reconnectMaxDelay(Duration v) { reconnectMaxDelay = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
        public Builder maxInFlightCommands(int v) { maxInFlightCommands = v; return this; }
        public Builder vertx(Vertx v) { vertx = v; return this; }

        public ProducerOptions build() {
            return new ProducerOptions(address, connection, batching, batchMaxMessages, batchMaxBytes, linger,
                    maxPendingBytes, overflowPolicy, maxBlock, maxMessageSize, reconnectMinDelay,
                    reconnectMaxDelay, closeTimeout,
                    maxInFlightCommands != null ? maxInFlightCommands : (batching ? 16 : 1000), vertx);
        }
    }
}
