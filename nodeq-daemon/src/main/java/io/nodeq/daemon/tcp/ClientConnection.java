package io.nodeq.daemon.tcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.auth.AuthClient;
import io.nodeq.daemon.auth.AuthState;
import io.nodeq.daemon.broker.ClientInfo;
import io.nodeq.daemon.broker.Consumer;
import io.nodeq.daemon.broker.ConsumerLink;
import io.nodeq.daemon.broker.FrameBuffers;
import io.nodeq.daemon.broker.Shard;
import io.nodeq.daemon.broker.ShardBatch;
import io.nodeq.daemon.broker.ShardedBroker;
import io.nodeq.daemon.stats.ClientSecurity;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.tls.TlsSettings;
import io.nodeq.protocol.BodyBlocks;
import io.nodeq.protocol.Bodies;
import io.nodeq.protocol.Command;
import io.nodeq.protocol.CommandDecoder;
import io.nodeq.protocol.ErrorCodes;
import io.nodeq.protocol.Frames;
import io.nodeq.protocol.GoQuote;
import io.nodeq.protocol.MessageIds;
import io.nodeq.protocol.Names;
import io.nodeq.protocol.ProtocolError;
import io.nodeq.protocol.compress.CompressionException;
import io.nodeq.protocol.compress.StreamCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection speaking protocol V2 (nsq-protocol.md §1): decodes commands, checks them
 * against the connection state, answers local ones and carries the rest to the owning shards in
 * one {@link ShardBatch} per shard per read. Replies go out strictly in command order (producers
 * pipeline and match replies FIFO), whatever order the shards answer in.
 *
 * <p>Owned by the event loop that accepted it; shards reach it only through {@link ConsumerLink}.
 */
public final class ClientConnection implements CommandDecoder.Sink, ConsumerLink {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** Stop reading a client that has this many batches unanswered (a publisher outrunning us). */
    private static final int MAX_OUTSTANDING_BATCHES = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Compressed bytes decoded at a time (at most ~4 MiB of plaintext each with deflate). */
    private static final int DECODE_SLICE = 4096;
    /**
     * Where the connections of an event loop decode published bodies: 256 KiB blocks, reused once
     * the shard has copied every body in them (bodies over 32 KiB get arrays of their own), up to
     * 16 idle blocks (4 MiB) kept per loop. Used and released on the loop only.
     */
    private static final ThreadLocal<BodyBlocks> BODY_BLOCKS = ThreadLocal.withInitial(
            () -> new BodyBlocks(256 * 1024, 16));

    enum State {
        INIT(0), SUBSCRIBED(3), CLOSING(4);
        final int code;

        State(int code) {
            this.code = code;
        }
    }

    /** Shared: only ever read, by {@link #drainReplies}, which copies it into the buffer it writes. */
    private static final Buffer OK = Frames.ok();

    /** A reply waiting for its turn; {@code frame} null means "nothing to send" (FIN success). */
    private static final class Reply {
        Buffer frame;
        boolean ready;
        boolean fatal;
        /** IDENTIFY granted tls_v1: {@code frame} goes out in plaintext, then the TLS handshake. */
        boolean upgradeTls;
        Runnable afterWrite;
    }

    private final NetSocket socket;
    private final Context ctx;
    private final Vertx vertx;
    private final ShardedBroker broker;
    private final DaemonOptions options;
    private final TcpServer server;
    private final CommandDecoder decoder;
    private final String remoteAddress;
    private final long connectTs = Instant.now().getEpochSecond();

    private volatile State state = State.INIT;
    private volatile Identify identify;
    private long heartbeatMs;
    private long heartbeatTimer = -1;
    private long lastCommandNs = System.nanoTime();
    private int ticks;
    private Consumer consumer;
    private Shard subShard;
    private final ShardBatch[] batches;
    private final ArrayDeque<Reply> replies = new ArrayDeque<>();
    private int outstandingBatches;
    private boolean readPaused;
    private StreamCodec codec;
    private boolean compressWrites;
    private Buffer compressedLeftover;
    private boolean closed;
    private boolean failed;
    // TLS (nsq-protocol.md §1.8.3-4)
    private final TlsSettings tls;
    private volatile boolean tlsActive;
    private boolean upgrading;
    private String commonName = "";
    private volatile String tlsVersion = "";
    private volatile String tlsCipherSuite = "";
    private Runnable pendingAfterTls;
    // AUTH (§1.13): commands behind an unanswered auth query wait, in order, with reading paused
    private final AuthClient authClient;
    private volatile AuthState authState;
    private String authSecret;
    private boolean authPending;
    private final ArrayDeque<Command> held = new ArrayDeque<>();
    // backpressure: a peer that does not read stops being read from and delivered to
    private boolean socketPaused;
    private boolean writeBlocked;
    private long writeBlockedSinceNs;
    private boolean deliveryPaused;
    private long clientRdy;
    private final Map<String, LongAdder> pubCounts = new ConcurrentHashMap<>();
    /** The connection's event loop as Netty's executor, whose queued tasks the output buffer asks about. */
    private final SingleThreadEventExecutor loop;
    /** Deliveries held on a busy event loop, up to IDENTIFY's output_buffer_size (see OutputBuffer). */
    private final OutputBuffer output = new OutputBuffer(new OutputBuffer.Sink() {
        @Override
        public void write(ByteBuf bytes) {
            writeNow(bytes);
        }

        @Override
        public void schedule(Runnable task) {
            ctx.runOnContext(v -> task.run());
        }

        @Override
        public boolean othersQueued() {
            return loop != null && loop.pendingTasks() > 0;
        }
    });

    ClientConnection(NetSocket socket, Context ctx, Vertx vertx, ShardedBroker broker, DaemonOptions options,
                     TcpServer server) {
        this.socket = socket;
        this.ctx = ctx;
        this.loop = ((ContextInternal) ctx).nettyEventLoop() instanceof SingleThreadEventExecutor e ? e : null;
        this.vertx = vertx;
        this.broker = broker;
        this.options = options;
        this.server = server;
        this.remoteAddress = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().toString();
        this.decoder = new CommandDecoder(new CommandDecoder.Limits(options.maxMsgSize(), options.maxBodySize(),
                options.maxReqTimeout().toMillis()), true, this, BODY_BLOCKS.get());
        this.batches = new ShardBatch[broker.shardCount()];
        this.tls = server.tls();
        this.authClient = server.auth();
    }

    void start() {
        // Netty's own read buffers, not Vert.x's copy of each one (a fifth of the allocation under
        // MPUB load): wrapped without copying, released once decoded; the decoder copies whatever
        // part of a read it must keep for the next one
        ((NetSocketInternal) socket).messageHandler(this::readMessage);
        socket.closeHandler(v -> onClose());
        socket.exceptionHandler(e -> LOG.debug("CLIENT({}): {}", remoteAddress, e.toString()));
        setHeartbeat(options.defaultHeartbeatInterval().toMillis());
        LOG.info("CLIENT({}): connected", remoteAddress);
    }

    String remoteAddress() {
        return remoteAddress;
    }

    // ---- reading ----

    private void readMessage(Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            read(BufferInternal.buffer(bytes));
        } finally {
            bytes.release();
        }
    }

    private void read(Buffer data) {
        if (closed || failed) {
            return;
        }
        if (codec == null) {
            decoder.handle(data);
        } else {
            // in slices: deflate inflates up to ~1000x, so one 256 KiB read could become 256 MiB at
            // once; sliced, the command decoder refuses an over-long line or body after a few MiB
            for (int off = 0; off < data.length() && !failed && !closed; off += DECODE_SLICE) {
                Buffer plain;
                try {
                    plain = codec.decode(data.getBuffer(off, Math.min(data.length(), off + DECODE_SLICE)));
                } catch (CompressionException e) {
                    LOG.info("CLIENT({}): bad compressed stream: {}", remoteAddress, e.getMessage());
                    closed = true;
                    socket.close();
                    return;
                }
                decoder.handle(plain);
            }
        }
        if (compressedLeftover != null && !failed) {
            // bytes that arrived behind an IDENTIFY which switched compression on
            Buffer rest = compressedLeftover;
            compressedLeftover = null;
            if (rest.length() > 0) {
                read(rest);
                return;
            }
        }
        dispatch();
    }

    @Override
    public void command(Command c) {
        if (failed) {
            release(c);
            return;
        }
        // only a whole command resets the read deadline (nsqd sets it per command), so a peer that
        // trickles a frame byte by byte still times out
        lastCommandNs = System.nanoTime();
        if (authPending) {
            held.add(c);
            return;
        }
        execute(c);
    }

    private void execute(Command c) {
        if (options.tlsRequiredTcp() && !tlsActive && !c.name().equals(Command.IDENTIFY)) {
            fatal(ErrorCodes.E_INVALID, "cannot " + c.name() + " in current state (TLS required)");
            return;
        }
        switch (c.name()) {
            case Command.NOP -> {
            }
            case Command.PUB, Command.DPUB, Command.MPUB -> publish(c, c.bodies());
            case Command.FIN, Command.REQ, Command.TOUCH -> ack(c);
            case Command.RDY -> rdy(c);
            case Command.IDENTIFY -> identify(c);
            case Command.SUB -> sub(c);
            case Command.CLS -> cls();
            case Command.AUTH -> auth(c);
            default -> fatal(ErrorCodes.E_INVALID, "invalid command " + c.name());
        }
    }

    @Override
    public void error(ProtocolError error) {
        fatal(error);
    }

    private void publish(Command c, Bodies bodies) {
        String topic = c.params()[0];
        if (!authorized(c, topic, "")) {
            return;
        }
        boolean withHeaders = headersMode();
        if (withHeaders) {
            String bad = HeaderCheck.problem(c.name(), bodies);
            if (bad != null) {
                release(c);
                fatal(ErrorCodes.E_BAD_MESSAGE, bad);
                return;
            }
        }
        Shard shard = broker.shardFor(topic);
        batchFor(shard).publish(c.name(), topic, bodies, c.deferMs(), withHeaders, reserve());
    }

    private void identify(Command c) {
        if (state != State.INIT) {
            fatal(ErrorCodes.E_INVALID, "cannot IDENTIFY in current state");
            return;
        }
        Identify id;
        try {
            id = Identify.parse(c.body(), options);
        } catch (Identify.Failure f) {
            fatal(f.error);
            return;
        }
        identify = id;
        setHeartbeat(id.heartbeatIntervalMs);
        output.limit(id.outputBufferSize);
        LOG.info("CLIENT({}): IDENTIFY client_id={} hostname={} user_agent={} heartbeat={}ms msg_timeout={}ms{}{}{}",
                remoteAddress, id.clientId, id.hostname, id.userAgent, id.heartbeatIntervalMs, id.msgTimeoutMs,
                id.snappy ? " snappy" : "", id.deflate ? " deflate" : "", id.headers ? " nodeq_headers" : "");
        if (!id.featureNegotiation) {
            replyNow(Frames.ok());
            return;
        }
        boolean tlsGranted = id.tlsRequested && tls != null && !tlsActive;
        Reply r = replyNow(Frames.response(id.response(options, tlsGranted, authClient != null)));
        if (tlsGranted) {
            // the client starts its handshake once it has read the reply; nothing may come before
            decoder.takeRemaining();
            r.upgradeTls = true;
        }
        if (id.snappy || id.deflate) {
            StreamCodec upgraded = id.snappy ? StreamCodec.snappy() : StreamCodec.deflate(id.deflateLevel);
            // everything the client sends after IDENTIFY is compressed; it waits for our reply first
            Buffer rest = decoder.takeRemaining();
            compressedLeftover = tlsGranted ? null : rest;
            codec = upgraded;
            r.afterWrite = () -> {
                compressWrites = true;
                write(Frames.ok());
            };
        }
    }

    private void sub(Command c) {
        if (state != State.INIT) {
            fatal(ErrorCodes.E_INVALID, "cannot SUB in current state");
            return;
        }
        if (heartbeatMs <= 0) {
            fatal(ErrorCodes.E_INVALID, "cannot SUB with heartbeats disabled");
            return;
        }
        String[] p = c.params();
        if (p.length < 2) {
            fatal(ErrorCodes.E_INVALID, "SUB insufficient number of parameters");
            return;
        }
        if (!Names.isValidTopicName(p[0])) {
            fatal(ErrorCodes.E_BAD_TOPIC, "SUB topic name " + GoQuote.quote(p[0]) + " is not valid");
            return;
        }
        if (!Names.isValidChannelName(p[1])) {
            fatal(ErrorCodes.E_BAD_CHANNEL, "SUB channel name " + GoQuote.quote(p[1]) + " is not valid");
            return;
        }
        if (!authorized(c, p[0], p[1])) {
            return;
        }
        state = State.SUBSCRIBED;
        consumer = new Consumer(this, clientInfo());
        subShard = broker.shardFor(p[0]);
        batchFor(subShard).sub(p[0], p[1], consumer, reserve());
        LOG.info("CLIENT({}): SUB {}:{}", remoteAddress, p[0], p[1]);
    }

    private void rdy(Command c) {
        if (state == State.CLOSING) {
            return;
        }
        if (state != State.SUBSCRIBED) {
            fatal(ErrorCodes.E_INVALID, "cannot RDY in current state");
            return;
        }
        long count = 1;
        if (c.params().length > 0) {
            count = CommandDecoder.parseBase10(c.params()[0]);
            if (count < 0) {
                fatal(ErrorCodes.E_INVALID, "RDY could not parse count " + c.params()[0]);
                return;
            }
        }
        if (count > options.maxRdyCount()) {
            fatal(ErrorCodes.E_INVALID, "RDY count " + count + " out of range 0-" + options.maxRdyCount());
            return;
        }
        clientRdy = count;
        if (deliveryPaused) {
            return; // applied when the client reads again
        }
        batchFor(subShard).rdy((int) count);
    }

    /** FIN, REQ and TOUCH: only their "not in flight" failures are non-fatal. */
    private void ack(Command c) {
        String name = c.name();
        if (state != State.SUBSCRIBED && state != State.CLOSING) {
            fatal(ErrorCodes.E_INVALID, "cannot " + name + " in current state");
            return;
        }
        String[] p = c.params();
        int needed = name.equals(Command.REQ) ? 2 : 1;
        if (p.length < needed) {
            fatal(ErrorCodes.E_INVALID, name + " insufficient number of params");
            return;
        }
        String raw = p[0];
        if (raw.length() != Frames.MESSAGE_ID_SIZE) {
            fatal(ErrorCodes.E_INVALID, "invalid message ID");
            return;
        }
        long delayMs = 0;
        if (name.equals(Command.REQ)) {
            delayMs = CommandDecoder.parseBase10(p[1]);
            if (delayMs < 0) {
                fatal(ErrorCodes.E_INVALID, "REQ could not parse timeout " + p[1]);
                return;
            }
            delayMs = Math.min(delayMs, options.maxReqTimeout().toMillis());
        }
        if (!MessageIds.isHexId(raw)) {
            replyNow(Frames.error(ProtocolError.of("E_" + name + "_FAILED", name + " " + raw + " failed ID not in flight")));
            return;
        }
        long id = MessageIds.parseHex(raw);
        ShardBatch b = batchFor(subShard);
        switch (name) {
            case Command.FIN -> b.fin(id, raw, reserve());
            case Command.REQ -> b.req(id, raw, delayMs, reserve());
            default -> b.touch(id, raw, reserve());
        }
    }

    private void cls() {
        if (state != State.SUBSCRIBED) {
            fatal(ErrorCodes.E_INVALID, "cannot CLS in current state");
            return;
        }
        state = State.CLOSING;
        // the reply comes back from the shard after it set RDY 0, so every message it delivered
        // before is written before CLOSE_WAIT (clients close on CLOSE_WAIT)
        batchFor(subShard).cls(reserve());
    }

    private ClientInfo clientInfo() {
        Identify id = identify;
        String host = remoteHost();
        return new ClientInfo(id == null ? host : id.clientId, id == null ? host : id.hostname,
                id == null ? "" : id.userAgent, remoteAddress, connectTs, id == null ? 0 : id.sampleRate,
                id == null ? options.msgTimeout().toMillis() : id.msgTimeoutMs,
                id != null && id.deflate, id != null && id.snappy, tlsActive, security(), headersMode());
    }

    /** The client negotiated nodeq_headers: its bodies and message frames carry a header block. */
    private boolean headersMode() {
        Identify id = identify;
        return id != null && id.headers;
    }

    private ClientSecurity security() {
        AuthState a = authState;
        if (!tlsActive && a == null) {
            return ClientSecurity.NONE;
        }
        return new ClientSecurity(tlsVersion, tlsCipherSuite, a == null ? "" : a.identity(),
                a == null ? "" : a.identityUrl(), a != null);
    }

    // ---- AUTH ----

    private void auth(Command c) {
        if (state != State.INIT) {
            fatal(ErrorCodes.E_INVALID, "cannot AUTH in current state");
            return;
        }
        if (authState != null && authState.hasAuthorizations()) {
            fatal(ErrorCodes.E_INVALID, "AUTH already set");
            return;
        }
        if (authClient == null) {
            fatal(ErrorCodes.E_AUTH_DISABLED, "AUTH disabled");
            return;
        }
        authSecret = new String(c.body(), StandardCharsets.UTF_8);
        queryAuth(reserve());
    }

    /**
     * nsqd's CheckAuth: no AUTH yet → E_AUTH_FIRST; an expired grant is fetched again with the same
     * secret first (the command waits for it); then the command must match an authorization.
     * Returns false when the command was refused (its bodies released) or is waiting.
     */
    private boolean authorized(Command c, String topic, String channel) {
        if (authClient == null) {
            return true;
        }
        AuthState a = authState;
        if (a == null || authSecret == null) {
            release(c);
            fatal(ErrorCodes.E_AUTH_FIRST, "AUTH required before " + c.name());
            return false;
        }
        if (a.expired(System.nanoTime())) {
            LOG.info("CLIENT({}): authorization expired, asking the auth server again", remoteAddress);
            held.addFirst(c);
            queryAuth(null);
            return false;
        }
        if (!a.allows(topic, channel)) {
            release(c);
            fatal(ErrorCodes.E_UNAUTHORIZED, "AUTH failed for " + c.name() + " on " + GoQuote.quote(topic) + " "
                    + GoQuote.quote(channel));
            return false;
        }
        return true;
    }

    /** {@code r}: the AUTH command's reply, or null for a refresh. */
    private void queryAuth(Reply r) {
        authPending = true;
        updateReading();
        authClient.query(remoteHost(), tlsActive, authSecret, commonName)
                .onComplete(ar -> ctx.runOnContext(v -> authAnswered(r, ar.succeeded() ? ar.result() : null,
                        ar.cause())));
    }

    private void authAnswered(Reply r, AuthState answer, Throwable cause) {
        authPending = false;
        if (closed || failed) {
            dropHeld();
            return;
        }
        if (answer == null) {
            // the cause is for the operator; the client only learns that it failed (nsqd)
            LOG.warn("CLIENT({}): auth failed - {}", remoteAddress, cause == null ? "?" : cause.getMessage());
            failReply(r, ProtocolError.of(ErrorCodes.E_AUTH_FAILED, "AUTH failed"));
        } else {
            authState = answer;
            if (r != null) {
                if (!answer.hasAuthorizations()) {
                    failReply(r, ProtocolError.of(ErrorCodes.E_UNAUTHORIZED, "AUTH no authorizations found"));
                } else {
                    LOG.info("CLIENT({}): AUTH identity={} permissions={}", remoteAddress, answer.identity(),
                            answer.permissionCount());
                    r.frame = Frames.response(authResponse(answer));
                    r.ready = true;
                }
            }
        }
        updateReading();
        while (!held.isEmpty() && !authPending && !failed) {
            execute(held.poll());
        }
        if (failed) {
            dropHeld();
        }
        dispatch();
    }

    /** Commands held for the auth server that will never run: their bodies go back to the blocks. */
    private void dropHeld() {
        for (Command c : held) {
            release(c);
        }
        held.clear();
    }

    private static void release(Command c) {
        if (c.bodies() != null) {
            c.bodies().release();
        }
    }

    private static byte[] authResponse(AuthState a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("identity", a.identity());
        o.put("identity_url", a.identityUrl());
        o.put("permission_count", a.permissionCount());
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Fails a reserved reply in its place (or a new one at the end when {@code r} is null). */
    private void failReply(Reply r, ProtocolError error) {
        if (r == null) {
            fatal(error);
            return;
        }
        failed = true;
        LOG.info("CLIENT({}): {}", remoteAddress, error);
        r.frame = Frames.error(error);
        r.fatal = true;
        r.ready = true;
    }

    /** The auth identity, or null when this connection has not authenticated. */
    public AuthState authState() {
        return authState;
    }

    private String remoteHost() {
        return socket.remoteAddress() == null ? "" : socket.remoteAddress().host();
    }

    // ---- shard batches and replies ----

    private ShardBatch batchFor(Shard shard) {
        ShardBatch b = batches[shard.index()];
        if (b == null) {
            b = new ShardBatch(this, consumer);
            batches[shard.index()] = b;
        }
        return b;
    }

    private void dispatch() {
        for (int i = 0; i < batches.length; i++) {
            ShardBatch b = batches[i];
            if (b == null) {
                continue;
            }
            batches[i] = null;
            Shard shard = broker.shardFor(i);
            outstandingBatches++;
            shard.run(() -> b.execute(shard, done -> ctx.runOnContext(v -> batchDone(done))));
        }
        if (outstandingBatches > MAX_OUTSTANDING_BATCHES && !readPaused && !closed) {
            readPaused = true;
            updateReading();
        }
        drainReplies();
    }

    private void batchDone(ShardBatch b) {
        outstandingBatches--;
        for (ShardBatch.Op op : b.ops()) {
            Reply r = (Reply) op.reply;
            if (r == null) {
                op.releaseBodies();
                continue;
            }
            if (op.error != null) {
                r.frame = Frames.error(op.error);
                r.fatal = op.error.fatal();
                if (r.fatal) {
                    LOG.info("CLIENT({}): {}", remoteAddress, op.error);
                }
            } else if (op.kind == ShardBatch.Kind.CLS) {
                r.frame = Frames.closeWait();
            } else if (op.kind == ShardBatch.Kind.PUB || op.kind == ShardBatch.Kind.SUB) {
                r.frame = OK;
                if (op.kind == ShardBatch.Kind.PUB) {
                    countPublish(op.topic(), op.messageCount());
                }
            }
            r.ready = true;
            op.releaseBodies(); // the shard copied them into its tail (or refused them)
        }
        if (readPaused && outstandingBatches <= MAX_OUTSTANDING_BATCHES / 2 && !closed) {
            readPaused = false;
            updateReading();
        }
        drainReplies();
    }

    /** Counts a successful publish for the producer stats. Called from batch completion. */
    void countPublish(String topic, int messages) {
        pubCounts.computeIfAbsent(topic, t -> new LongAdder()).add(messages);
    }

    private Reply reserve() {
        Reply r = new Reply();
        replies.add(r);
        return r;
    }

    private Reply replyNow(Buffer frame) {
        Reply r = reserve();
        r.frame = frame;
        r.ready = true;
        return r;
    }

    /** Reads from the socket unless a shard backlog, an auth query or a full output says wait. */
    private void updateReading() {
        boolean pause = !closed && (readPaused || authPending || writeBlocked);
        if (pause != socketPaused) {
            socketPaused = pause;
            if (pause) {
                socket.pause();
            } else {
                socket.resume();
            }
        }
    }

    /**
     * Writes the replies that are ready, in order. Their frames are gathered into one pooled direct
     * buffer and written once: the OKs of a burst of PUBs cost one write, not one heap buffer and
     * one copy each.
     */
    private void drainReplies() {
        ByteBuf out = null;
        while (!upgrading && !replies.isEmpty() && replies.peek().ready) {
            Reply r = replies.poll();
            if (closed) {
                replies.clear();
                break;
            }
            if (r.upgradeTls || r.fatal || compressWrites) {
                writeGathered(out);
                out = null;
            }
            if (r.upgradeTls) {
                pendingAfterTls = r.afterWrite;
                startTls(r);
                return;
            }
            if (r.fatal) {
                output.flush();
                closed = true;
                failed = true;
                replies.clear();
                Buffer frame = compressWrites ? codec.encode(r.frame) : r.frame;
                socket.write(frame).onComplete(v -> socket.close());
                return;
            }
            if (r.frame != null) {
                if (compressWrites) {
                    write(r.frame);
                } else {
                    ByteBuf frame = ((BufferInternal) r.frame).unwrap();
                    if (out == null) {
                        out = FrameBuffers.direct(Math.max(256, frame.readableBytes()));
                    }
                    FrameBuffers.append(out, frame);
                }
            }
            if (r.afterWrite != null) {
                writeGathered(out); // e.g. compression starts after this reply: it must be on its way first
                out = null;
                r.afterWrite.run();
            }
        }
        writeGathered(out);
    }

    /** Writes (and hands over) a buffer of gathered reply frames; null or closed: nothing to write. */
    private void writeGathered(ByteBuf frames) {
        if (frames == null) {
            return;
        }
        output.flush();
        writeNow(frames);
    }

    /** Writes (and hands over) {@code bytes} now; closed: releases them. */
    private void writeNow(ByteBuf bytes) {
        if (closed) {
            bytes.release();
            return;
        }
        ((NetSocketInternal) socket).writeMessage(bytes);
        if (!writeBlocked && socket.writeQueueFull()) {
            outputBlocked();
        }
    }

    private void fatal(String code, String text) {
        fatal(ProtocolError.of(code, text));
    }

    /** Replies with the error after everything before it, then closes; reads nothing more. */
    private void fatal(ProtocolError error) {
        if (failed) {
            return;
        }
        failed = true;
        LOG.info("CLIENT({}): {}", remoteAddress, error);
        Reply r = replyNow(Frames.error(error));
        r.fatal = true;
    }

    /**
     * The IDENTIFY reply in plaintext, then the server handshake, then {@code OK} inside TLS, then
     * the compression upgrade if any (nsq-protocol.md §1.8.3). Vert.x writes the reply before it
     * installs the TLS handler, so no byte can be encrypted early.
     */
    private void startTls(Reply r) {
        upgrading = true;
        ChannelHandlerContext chctx = ((NetSocketInternal) socket).channelHandlerContext();
        output.flush();
        socket.write(r.frame).onComplete(written -> {
            if (written.failed() || closed) {
                upgrading = false;
                return;
            }
            // the reply is on the wire; from here on both directions go through TLS
            SslHandler ssl = tls.newHandler(chctx.alloc());
            chctx.pipeline().addFirst("ssl", ssl);
            ssl.handshakeFuture().addListener(f -> ctx.runOnContext(v -> tlsDone(ssl, f.isSuccess(), f.cause())));
        });
    }

    private void tlsDone(SslHandler ssl, boolean ok, Throwable cause) {
        upgrading = false;
        if (closed) {
            return;
        }
        if (!ok) {
            // a client mistake (bad or missing certificate, wrong protocol): one line, no trace
            LOG.info("CLIENT({}): IDENTIFY failed: TLS handshake: {}", remoteAddress,
                    cause == null ? "?" : cause.getMessage());
            failed = true;
            closed = true;
            socket.close();
            return;
        }
        tlsActive = true;
        SSLSession session = ssl.engine().getSession();
        commonName = TlsSettings.commonName(session);
        tlsVersion = ClientSecurity.goTlsVersion(session.getProtocol());
        tlsCipherSuite = session.getCipherSuite();
        LOG.info("CLIENT({}): TLS {} {}{}", remoteAddress, session.getProtocol(), session.getCipherSuite(),
                commonName.isEmpty() ? "" : " CN=" + commonName);
        write(Frames.ok());
        Runnable after = pendingAfterTls;
        pendingAfterTls = null;
        if (after != null) {
            after.run();
        }
        drainReplies();
    }

    private void write(Buffer frame) {
        if (closed) {
            return;
        }
        output.flush(); // held message frames go first
        socket.write(compressWrites ? codec.encode(frame) : frame);
        if (!writeBlocked && socket.writeQueueFull()) {
            outputBlocked();
        }
    }

    /**
     * The peer is not reading: stop reading from it (its replies would pile up) and stop delivering
     * to it (RDY 0 at the shard until it drains, so timed-out messages are not sent again into a
     * full socket). A peer blocked for a whole heartbeat interval is dropped (nsqd's write deadline).
     */
    private void outputBlocked() {
        writeBlocked = true;
        writeBlockedSinceNs = System.nanoTime();
        updateReading();
        if (consumer != null && state == State.SUBSCRIBED && !deliveryPaused) {
            deliveryPaused = true;
            // not from inside write(): a batch may be half built by the caller
            ctx.runOnContext(v -> {
                if (deliveryPaused && !closed && state == State.SUBSCRIBED) {
                    batchFor(subShard).rdy(0);
                    dispatch();
                }
            });
        }
        socket.drainHandler(v -> outputDrained());
    }

    private void outputDrained() {
        if (!writeBlocked) {
            return;
        }
        writeBlocked = false;
        updateReading();
        if (deliveryPaused) {
            deliveryPaused = false;
            if (!closed && state == State.SUBSCRIBED) {
                batchFor(subShard).rdy((int) clientRdy);
                dispatch();
            }
        }
    }

    // ---- ConsumerLink (called from shard threads) ----

    @Override
    public void deliver(Buffer frames) {
        ctx.runOnContext(v -> writeFrames(frames));
    }

    /**
     * Hands a pooled delivery buffer to the output buffer (written at once on an idle loop, else with
     * what joins it behind the queued tasks); the socket frees it once written, this when it is not.
     */
    private void writeFrames(Buffer frames) {
        ByteBuf bytes = ((BufferInternal) frames).unwrap();
        if (closed || compressWrites) {
            try {
                if (!closed) {
                    write(frames); // compressed into a new buffer, so this one can go at once
                }
            } finally {
                bytes.release();
            }
            return;
        }
        output.add(bytes);
    }

    @Override
    public void close(String reason) {
        ctx.runOnContext(v -> {
            if (!closed) {
                LOG.info("CLIENT({}): closing: {}", remoteAddress, reason);
                closed = true;
                socket.close();
            }
        });
    }

    /** Closes from the daemon (shutdown). */
    void shutdown() {
        ctx.runOnContext(v -> {
            closed = true;
            socket.close();
        });
    }

    // ---- heartbeats and teardown ----

    private void setHeartbeat(long intervalMs) {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
        heartbeatMs = intervalMs;
        if (intervalMs <= 0) {
            return;
        }
        lastCommandNs = System.nanoTime();
        ticks = 0;
        long half = Math.max(1, intervalMs / 2);
        heartbeatTimer = vertx.setPeriodic(half, t -> heartbeatTick());
    }

    private void heartbeatTick() {
        if (closed) {
            return;
        }
        if (writeBlocked && (System.nanoTime() - writeBlockedSinceNs) / 1_000_000L >= heartbeatMs) {
            LOG.info("CLIENT({}): not reading: output blocked for a heartbeat interval ({} ms), closing",
                    remoteAddress, heartbeatMs);
            closed = true;
            socket.close();
            return;
        }
        long idleMs = (System.nanoTime() - lastCommandNs) / 1_000_000L;
        if (idleMs >= 2 * heartbeatMs - heartbeatMs / 20) {
            LOG.info("CLIENT({}): no command for {} ms (two heartbeats missed), closing", remoteAddress, idleMs);
            closed = true;
            socket.close();
            return;
        }
        if (++ticks % 2 == 0) {
            write(Frames.heartbeat());
        }
    }

    private void onClose() {
        closed = true;
        output.discard();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        if (consumer != null) {
            Shard shard = subShard;
            Consumer c = consumer;
            ShardBatch b = new ShardBatch(this, c);
            b.unsub();
            shard.run(() -> b.execute(shard, done -> { }));
        }
        if (codec != null) {
            codec.close();
        }
        server.removed(this);
        LOG.info("CLIENT({}): disconnected", remoteAddress);
    }

    // ---- stats ----

    boolean hasPublished() {
        return !pubCounts.isEmpty();
    }

    /** This connection as a producer in /stats (nsqd lists at most one topic in pub_counts). */
    StatsSnapshot.ClientStats producerStats(String topicFilter) {
        List<StatsSnapshot.PubCount> counts = new ArrayList<>(1);
        for (Map.Entry<String, LongAdder> e : pubCounts.entrySet()) {
            if (topicFilter == null || topicFilter.equals(e.getKey())) {
                counts.add(new StatsSnapshot.PubCount(e.getKey(), e.getValue().sum()));
                break;
            }
        }
        Identify id = identify;
        String host = remoteHost();
        return new StatsSnapshot.ClientStats(id == null ? host : id.clientId, id == null ? host : id.hostname, "V2",
                remoteAddress, state.code, 0, 0, 0, 0, 0, connectTs, id == null ? 0 : id.sampleRate,
                id != null && id.deflate, id != null && id.snappy, id == null ? "" : id.userAgent, tlsActive,
                counts.isEmpty() ? null : counts, security());
    }
}
