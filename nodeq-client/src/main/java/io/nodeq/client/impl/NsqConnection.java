package io.nodeq.client.impl;

import io.nodeq.client.ConnectionOptions;
import io.nodeq.client.NsqAddress;
import io.nodeq.client.NsqErrorException;
import io.nodeq.client.NsqException;
import io.nodeq.protocol.Commands;
import io.nodeq.protocol.FrameDecoder;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.NsqMessage;
import io.nodeq.protocol.compress.CompressionException;
import io.nodeq.protocol.compress.StreamCodec;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to a daemon speaking protocol V2: magic, IDENTIFY (and AUTH when the daemon
 * asks), then frames to a {@link Listener}. Answers {@code _heartbeat_} with NOP itself.
 *
 * <p>Owned by the Vert.x context that called {@link #connect}; every method must run there.
 */
public final class NsqConnection implements FrameDecoder.Sink {

    /** Frames after the handshake; called on the connection's context. */
    public interface Listener {
        /** A response frame other than {@code _heartbeat_} ({@code OK}, {@code CLOSE_WAIT}, ...). */
        void onResponse(NsqConnection conn, byte[] data);

        void onError(NsqConnection conn, NsqErrorException error);

        void onMessage(NsqConnection conn, NsqMessage message);

        /** The socket closed; {@code cause} is the last error seen, or null. Called once. */
        void onClosed(NsqConnection conn, Throwable cause);

        /** Every frame of one socket read has been handed over: the place to act on a burst at once. */
        default void onReadComplete(NsqConnection conn) {
        }
    }

    private static final byte[] HEARTBEAT = Frames.HEARTBEAT.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

    /** Handshake steps in nsqd's order (nsq-protocol.md §1.8.3), then READY. */
    private enum State { IDENTIFYING, TLS_HANDSHAKE, TLS_OK, COMPRESSION_OK, AUTHING, READY, CLOSED }

    private final NsqAddress address;
    private final ConnectionOptions options;
    private final Listener listener;
    private final Promise<NsqConnection> ready = Promise.promise();
    private final FrameDecoder decoder;
    private NetSocket socket;
    private State state = State.IDENTIFYING;
    private ServerSettings settings = ServerSettings.OLD_SERVER;
    private Throwable lastError;
    private long timeoutTimer = -1;
    private Vertx vertx;
    /** Snappy or deflate once negotiated: everything read is decoded, everything written encoded. */
    private StreamCodec codec;

    private final byte[] identifyJson;

    private NsqConnection(NsqAddress address, ConnectionOptions options, byte[] identifyJson, Listener listener) {
        this.address = address;
        this.options = options;
        this.identifyJson = identifyJson;
        this.listener = listener;
        this.decoder = new FrameDecoder(options.maxFrameSize(), this);
    }

    /** NetClient options matching {@code options}: connect timeout, and a read-idle timeout of 2 heartbeats. */
    public static NetClientOptions netClientOptions(ConnectionOptions options) {
        NetClientOptions o = new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .setTcpNoDelay(true);
        if (options.heartbeatInterval() != null) {
            // go-nsq drops a connection that has been silent for 2 heartbeats (nsq-protocol.md §1.9)
            o.setReadIdleTimeout((int) (options.heartbeatInterval().toMillis() * 2 + 1000))
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        return o;
    }

    /**
     * Connects, sends the magic and IDENTIFY, waits for the reply (and AUTH's). Must be called on the
     * context that will own the connection. {@code identifyJson} comes from {@link IdentifyBody#json},
     * built once by the caller on its own thread so JSON set-up never runs on the event loop.
     */
    public static Future<NsqConnection> connect(Vertx vertx, NetClient client, NsqAddress address,
                                                ConnectionOptions options, byte[] identifyJson, Listener listener) {
        NsqConnection c = new NsqConnection(address, options, identifyJson, listener);
        c.vertx = vertx;
        c.timeoutTimer = vertx.setTimer(Math.max(1, options.connectTimeout().toMillis()), t -> {
            c.timeoutTimer = -1;
            c.failHandshake(new NsqException("handshake with " + address + " timed out"));
        });
        client.connect(address.port(), address.host()).onComplete(ar -> {
            if (ar.failed()) {
                c.cancelTimer();
                c.state = State.CLOSED;
                c.ready.tryFail(ar.cause());
                return;
            }
            c.attach(ar.result());
        });
        return c.ready.future();
    }

    private void attach(NetSocket s) {
        socket = s;
        if (state == State.CLOSED) {
            s.close();
            return;
        }
        s.handler(chunk -> {
            read(chunk);
            if (state == State.READY) {
                listener.onReadComplete(this);
            }
        });
        s.exceptionHandler(e -> lastError = e);
        s.closeHandler(v -> closed());
        Buffer out = Commands.magic();
        Commands.identify(out, identifyJson);
        s.write(out);
    }

    private void read(Buffer chunk) {
        Buffer plain = chunk;
        if (codec != null) {
            try {
                plain = codec.decode(chunk);
            } catch (CompressionException e) {
                failure("bad compressed stream: " + e.getMessage());
                return;
            }
        }
        decoder.handle(plain);
        Buffer rest = decoder.takeDetached();
        if (rest != null && rest.length() > 0 && state != State.CLOSED) {
            read(rest); // bytes behind the reply that switched compression on
        }
    }

    public NsqAddress address() {
        return address;
    }

    public ServerSettings settings() {
        return settings;
    }

    public boolean isOpen() {
        return state == State.READY;
    }

    public void write(Buffer b) {
        if (socket != null && state != State.CLOSED) {
            socket.write(codec != null ? codec.encode(b) : b);
        }
    }

    public boolean writeQueueFull() {
        return socket != null && socket.writeQueueFull();
    }

    public void drainHandler(Handler<Void> h) {
        if (socket != null) {
            socket.drainHandler(h);
        }
    }

    public void close() {
        if (socket != null) {
            socket.close();
        } else {
            failHandshake(new NsqException("closed"));
        }
    }

    @Override
    public void response(byte[] data) {
        if (Arrays.equals(data, HEARTBEAT)) {
            write(Commands.nop(Buffer.buffer(4)));
            return;
        }
        switch (state) {
            case IDENTIFYING -> identified(data);
            case TLS_OK -> tlsConfirmed(data);
            case COMPRESSION_OK -> compressionConfirmed(data);
            case AUTHING -> authorized();
            case READY -> listener.onResponse(this, data);
            default -> { }
        }
    }

    @Override
    public void error(String text) {
        NsqErrorException e = new NsqErrorException(text);
        if (state == State.READY) {
            if (e.isFatal()) {
                lastError = e;
            }
            listener.onError(this, e);
        } else {
            failHandshake(e);
        }
    }

    @Override
    public void message(NsqMessage message) {
        if (state == State.READY) {
            listener.onMessage(this, message);
        }
    }

    @Override
    public void failure(String reason) {
        lastError = new NsqException("protocol error from " + address + ": " + reason);
        if (state != State.READY) {
            failHandshake(lastError);
        } else {
            socket.close();
        }
    }

    private void identified(byte[] data) {
        try {
            settings = ServerSettings.parse(data);
        } catch (IOException e) {
            failHandshake(new NsqException("bad IDENTIFY reply from " + address + ": " + e.getMessage()));
            return;
        }
        if ((settings.tls() && !options.tls()) || (settings.snappy() && !options.snappy())
                || (settings.deflate() && !options.deflate())) {
            failHandshake(new NsqException("daemon " + address + " granted an upgrade that was not requested"));
            return;
        }
        if (options.tls() && !settings.tls()) {
            // go-nsq would go on in plaintext; a client that asked for TLS must not
            failHandshake(new NsqException("daemon " + address + " did not grant TLS (no --tls-cert?)"));
            return;
        }
        if (settings.tls()) {
            startTls();
        } else if (settings.snappy() || settings.deflate()) {
            startCompression();
        } else {
            authenticate();
        }
    }

    /** The daemon starts its TLS handshake right after the IDENTIFY reply; nothing else comes before it. */
    private void startTls() {
        state = State.TLS_HANDSHAKE;
        decoder.detachAfterCurrentFrame();
        socket.upgradeToSsl(TlsClient.sslOptions(options), address.host()).onComplete(ar -> {
            if (ar.failed()) {
                failHandshake(new NsqException("TLS handshake with " + address + " failed: " + ar.cause().getMessage()));
            } else if (state == State.TLS_HANDSHAKE) {
                state = State.TLS_OK;
            }
        });
    }

    private void tlsConfirmed(byte[] data) {
        if (!Arrays.equals(data, OK)) {
            failHandshake(new NsqException("daemon " + address + " answered the TLS upgrade with "
                    + new String(data, StandardCharsets.UTF_8)));
            return;
        }
        if (settings.snappy() || settings.deflate()) {
            startCompression();
        } else {
            authenticate();
        }
    }

    /** From the next byte on both directions are compressed; the daemon confirms with a compressed OK. */
    private void startCompression() {
        state = State.COMPRESSION_OK;
        codec = settings.snappy() ? StreamCodec.snappy() : StreamCodec.deflate(settings.deflateLevel());
        decoder.detachAfterCurrentFrame();
    }

    private void compressionConfirmed(byte[] data) {
        if (!Arrays.equals(data, OK)) {
            failHandshake(new NsqException("daemon " + address + " answered the compression upgrade with "
                    + new String(data, StandardCharsets.UTF_8)));
            return;
        }
        authenticate();
    }

    private void authenticate() {
        if (settings.authRequired()) {
            if (options.authSecret() == null) {
                failHandshake(new NsqException("daemon " + address + " requires AUTH; set ConnectionOptions.authSecret"));
                return;
            }
            state = State.AUTHING;
            write(Commands.auth(Buffer.buffer(), options.authSecret().getBytes(StandardCharsets.UTF_8)));
            return;
        }
        becomeReady();
    }

    private void authorized() {
        becomeReady();
    }

    private void becomeReady() {
        cancelTimer();
        state = State.READY;
        ready.tryComplete(this);
    }

    private void failHandshake(Throwable cause) {
        cancelTimer();
        if (state == State.CLOSED) {
            return;
        }
        lastError = cause;
        boolean wasReady = state == State.READY;
        if (!wasReady) {
            state = State.CLOSED;
            ready.tryFail(cause);
        }
        if (socket != null) {
            socket.close();
        }
    }

    private void closed() {
        cancelTimer();
        if (codec != null) {
            codec.close();
        }
        State before = state;
        state = State.CLOSED;
        if (before == State.READY) {
            listener.onClosed(this, lastError);
        } else if (before != State.CLOSED) {
            ready.tryFail(lastError != null ? lastError : new NsqException("connection to " + address + " closed during handshake"));
        }
    }

    private void cancelTimer() {
        if (timeoutTimer >= 0) {
            vertx.cancelTimer(timeoutTimer);
            timeoutTimer = -1;
        }
    }
}
