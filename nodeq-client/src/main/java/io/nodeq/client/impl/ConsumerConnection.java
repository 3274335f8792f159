package io.nodeq.client.impl;

import io.nodeq.client.NsqAddress;
import io.nodeq.client.NsqErrorException;
import io.nodeq.protocol.Commands;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.NsqMessage;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One consumer connection to one daemon: SUB, RDY, the in-flight count, and the FIN/REQ/TOUCH
 * commands gathered during an ack drain, written as one buffer by {@link #flush()}.
 *
 * <p>Owned by the consumer's context.
 */
final class ConsumerConnection implements NsqConnection.Listener, RdyController.Target {
    private static final byte[] OK = Frames.OK.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE_WAIT = Frames.CLOSE_WAIT.getBytes(StandardCharsets.US_ASCII);

    enum State { CONNECTING, SUBSCRIBING, ACTIVE, CLOSING, CLOSED }

    private final ConsumerEngine engine;
    private final NsqAddress address;
    private NsqConnection conn;
    State state = State.CONNECTING;
    private int rdy;
    private long rdySetAt;
    private long lastMessageAt;
    private int readMessages;
    int inFlight;
    boolean closeWaitReceived;
    long closeWaitAt;
    boolean closeTimerArmed;
    private boolean warnedAfterCloseWait;
    /** Unanswered messages, kept only for auto-TOUCH. */
    final Set<ClientMessage> tracked;
    private Buffer out;

    ConsumerConnection(ConsumerEngine engine, NsqAddress address, boolean track) {
        this.engine = engine;
        this.address = address;
        this.tracked = track ? new HashSet<>() : null;
    }

    NsqAddress address() {
        return address;
    }

    NsqConnection connection() {
        return conn;
    }

    /** The daemon granted nodeq_headers: message bodies start with a header block. */
    boolean headersGranted() {
        return conn != null && conn.settings().headers();
    }

    /** The handshake succeeded: subscribe; the consumer adds us to RDY control once SUB says OK. */
    void subscribe(NsqConnection c, String topic, String channel) {
        conn = c;
        state = State.SUBSCRIBING;
        c.write(Commands.sub(Buffer.buffer(64), topic, channel));
    }

    boolean isOpen() {
        return conn != null && conn.isOpen() && state != State.CLOSED;
    }

    /** Sends CLS; the connection closes once CLOSE_WAIT came and nothing is in flight. */
    void startClose() {
        if (state == State.ACTIVE) {
            state = State.CLOSING;
            rdy = 0;
            conn.write(Commands.cls(Buffer.buffer(4)));
        } else if (state == State.SUBSCRIBING || state == State.CONNECTING) {
            close();
        }
    }

    boolean drained() {
        return (closeWaitReceived || state != State.CLOSING) && inFlight == 0;
    }

    void close() {
        if (conn != null) {
            conn.close();
        }
    }

    // ---- responses gathered per drain

    void appendTouch(ClientMessage m) {
        if (isOpen()) {
            Commands.touch(out(1024), m.msg.id());
        }
    }

    /** FIN/REQ commands encoded by a {@link Responses.Builder}. */
    void appendCommands(byte[] commands, int length) {
        if (isOpen()) {
            out(length).appendBytes(commands, 0, length);
        }
    }

    private Buffer out(int sizeHint) {
        if (out == null) {
            out = Buffer.buffer(Math.max(1024, sizeHint));
            engine.markDirty(this);
        }
        return out;
    }

    void flush() {
        if (out != null) {
            if (isOpen()) {
                conn.write(out);
            }
            out = null;
        }
    }

    // ---- RdyController.Target

    @Override
    public int rdy() {
        return rdy;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public int maxRdy() {
        return conn == null ? 2500 : conn.settings().maxRdyCount();
    }

    @Override
    public long lastMessageAt() {
        return lastMessageAt;
    }

    @Override
    public long rdySetAt() {
        return rdySetAt;
    }

    @Override
    public void sendRdy(int n) {
        if (state != State.ACTIVE) {
            return;
        }
        if (rdy == 0 && n > 0) {
            rdySetAt = engine.nowMs();
        }
        rdy = n;
        flush();
        conn.write(Commands.rdy(Buffer.buffer(12), n));
    }

    // ---- NsqConnection.Listener

    @Override
    public void onResponse(NsqConnection c, byte[] data) {
        if (state == State.SUBSCRIBING && Arrays.equals(data, OK)) {
            state = State.ACTIVE;
            engine.subscribed(this);
        } else if (Arrays.equals(data, CLOSE_WAIT)) {
            closeWaitReceived = true;
            closeWaitAt = engine.nowMs();
            engine.closeProgress(this);
        }
    }

    @Override
    public void onError(NsqConnection c, NsqErrorException error) {
        engine.errorFrame(this, error);
    }

    @Override
    public void onMessage(NsqConnection c, NsqMessage message) {
        if (closeWaitReceived && !warnedAfterCloseWait) {
            // nsqd never sends after CLOSE_WAIT (it set RDY 0 first); handle it anyway, but say so once
            warnedAfterCloseWait = true;
            engine.messageAfterCloseWait(this);
        }
        inFlight++;
        readMessages++;
        engine.delivered(this, message);
    }

    @Override
    public void onReadComplete(NsqConnection c) {
        if (readMessages > 0) {
            readMessages = 0;
            lastMessageAt = engine.nowMs();   // once per read: a clock call per message costs more than the rest
            engine.dispatch(this, lastMessageAt);
        }
    }

    @Override
    public void onClosed(NsqConnection c, Throwable cause) {
        State before = state;
        state = State.CLOSED;
        out = null;
        engine.connectionClosed(this, before, cause);
    }
}
