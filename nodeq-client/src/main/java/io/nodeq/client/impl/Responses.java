package io.nodeq.client.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * FIN/REQ responses to messages of one connection, encoded where they were given (a worker) and
 * applied by the consumer's context in one go: one append of {@code commands}, counters by the
 * batch, the backoff signals in order.
 */
record Responses(ConsumerConnection conn, ClientMessage[] messages, byte[] signals, int count,
                 byte[] commands, int length, int finished, int requeued) {

    /** Gathers responses; owned by one thread at a time. */
    static final class Builder {
        private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] REQ = "REQ ".getBytes(StandardCharsets.US_ASCII);
        private static final int FIN_LENGTH = 4 + 16 + 1;

        private final ConsumerConnection conn;
        private final int capacity;
        private ClientMessage[] done;
        private byte[] signals;
        private int count;
        private byte[] commands;
        private int length;
        private int finished;
        private int requeued;

        /** {@code capacity}: the responses it will likely gather before {@link #take()}. */
        Builder(ConsumerConnection conn, int capacity) {
            this.conn = conn;
            this.capacity = Math.max(1, capacity);
        }

        /** Encodes a FIN ({@link Ack#FIN}) or a REQ with {@code delayMs} for {@code m}. */
        Builder add(ClientMessage m, byte op, long delayMs, byte signal) {
            if (done == null) {
                done = new ClientMessage[capacity];
                signals = new byte[capacity];
                commands = new byte[capacity * FIN_LENGTH];
            } else if (count == done.length) {
                done = Arrays.copyOf(done, count * 2);
                signals = Arrays.copyOf(signals, count * 2);
            }
            done[count] = m;
            signals[count] = signal;
            count++;
            byte[] id = m.msg.id();
            if (op == Ack.FIN) {
                ensure(FIN_LENGTH);
                put(FIN);
                put(id);
                commands[length++] = '\n';
                finished++;
            } else {
                byte[] delay = Long.toString(Math.max(0, delayMs)).getBytes(StandardCharsets.US_ASCII);
                ensure(FIN_LENGTH + 1 + delay.length);
                put(REQ);
                put(id);
                commands[length++] = ' ';
                put(delay);
                commands[length++] = '\n';
                requeued++;
            }
            return this;
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** What was gathered; the builder starts empty again. */
        Responses take() {
            Responses r = new Responses(conn, done, signals, count, commands, length, finished, requeued);
            done = null;
            signals = null;
            commands = null;
            count = 0;
            length = 0;
            finished = 0;
            requeued = 0;
            return r;
        }

        private void ensure(int n) {
            if (length + n > commands.length) {
                commands = Arrays.copyOf(commands, Math.max(commands.length * 2, length + n));
            }
        }

        private void put(byte[] b) {
            System.arraycopy(b, 0, commands, length, b.length);
            length += b.length;
        }
    }
}
