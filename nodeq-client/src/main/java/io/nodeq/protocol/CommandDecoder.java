package io.nodeq.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the client-to-server half of protocol V2 (nsq-protocol.md §1.1, §1.2, §1.6): the magic,
 * command lines, and the bodies of IDENTIFY, AUTH, PUB, DPUB and MPUB, with nsqd's syntax checks
 * and exact error texts. Semantic checks (connection state, existence) belong to the caller.
 *
 * <pre>
 * "  V2"                                            once, first
 * NAME[ param]*\n                                   every command (a trailing \r is dropped)
 * [int32 size][size bytes]                          IDENTIFY, AUTH, PUB, DPUB
 * [int32 size][int32 n]([int32 len][len bytes])*n   MPUB
 * </pre>
 *
 * A pure state machine: feed any split of the input; commands and at most one error come out in
 * order. After an error (every decode error is fatal) it ignores further input. A body is copied
 * once, as its bytes arrive, into the place it keeps: for PUB, DPUB and MPUB a span that the
 * {@link BodyBlocks} given gives out ({@link Command#bodies}), for IDENTIFY and AUTH an array.
 *
 * <p>Owned by the connection's event loop (with its {@link BodyBlocks}); not thread-safe.
 */
public final class CommandDecoder implements Handler<Buffer> {

    /** Receives decoded commands in wire order. */
    public interface Sink {
        void command(Command command);

        /** A fatal decode error: reply with it and close. */
        void error(ProtocolError error);
    }

    /** The limits that shape decode errors (nsqd flags of the same names). */
    public record Limits(int maxMsgSize, int maxBodySize, long maxReqTimeoutMs) {
        public static final Limits DEFAULTS = new Limits(1024 * 1024, 5 * 1024 * 1024, 3_600_000L);

        public Limits {
            if (maxMsgSize <= 0 || maxBodySize <= 0 || maxReqTimeoutMs < 0) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    static final byte[] MAGIC_V2 = {' ', ' ', 'V', '2'};
    /** nsqd reads lines with a 16 KiB buffered reader. */
    public static final int MAX_LINE = 16 * 1024;
    private static final String[] NO_PARAMS = new String[0];

    private enum State { MAGIC, LINE, BODY_SIZE, BODY, MPUB_COUNT, MPUB_SIZE, FAILED }

    private final Limits limits;
    private final Sink sink;
    private final BodyBlocks blocks;
    private State state;

    private Buffer buf;
    private int pos;
    /**
     * While the bytes that complete a command cut by the previous chunk are parsed, the rest of the
     * new chunk (from {@link #pendingTailOffset}); {@link #takeRemaining} hands it back too.
     */
    private Buffer pendingTail;
    private int pendingTailOffset;

    private String name;
    /** The current command line, copied out of the buffer (grows to the longest line seen). */
    private byte[] lineBytes = new byte[64];
    private String[] params;
    /**
     * The previous line's parameters and their bytes: a line with the same parameters gets the same
     * (never modified) array, so a stream of PUBs to one topic allocates no strings for its name.
     */
    private byte[] lastParamBytes = new byte[64];
    private int lastParamLength = -1;
    private String[] lastParams;
    private long deferMs;
    private int bodySize;
    /** In state BODY: the body is filled into fill[fillBase, fillBase + bodySize). */
    private byte[] fill;
    private int fillBase;
    private int filled;
    private int mpubRemaining;
    private int mpubIndex;
    private long mpubBytes;
    private long mpubDeclared;
    /** The bodies of the PUB, DPUB or MPUB being decoded. */
    private Bodies bodies;

    /** Each body of a publish in an array of its own ({@link BodyBlocks#UNPOOLED}). */
    public CommandDecoder(Limits limits, boolean expectMagic, Sink sink) {
        this(limits, expectMagic, sink, BodyBlocks.UNPOOLED);
    }

    /** {@code blocks}: where the bodies of publishes go (owned by the same thread as this decoder). */
    public CommandDecoder(Limits limits, boolean expectMagic, Sink sink, BodyBlocks blocks) {
        this.limits = limits;
        this.sink = sink;
        this.blocks = blocks;
        this.state = expectMagic ? State.MAGIC : State.LINE;
    }

    public boolean failed() {
        return state == State.FAILED;
    }

    /**
     * Hands back the bytes received but not yet parsed, and forgets them. Called by the connection
     * when IDENTIFY turns on compression: whatever follows IDENTIFY is compressed and must go
     * through the decompressor first.
     */
    public Buffer takeRemaining() {
        Buffer rest = buf == null ? Buffer.buffer() : buf.getBuffer(pos, buf.length());
        buf = null;
        pos = 0;
        if (pendingTail != null) {
            rest = rest.copy().appendBuffer(pendingTail, pendingTailOffset, pendingTail.length() - pendingTailOffset);
            pendingTail = null;
        }
        return rest;
    }

    @Override
    public void handle(Buffer chunk) {
        if (state == State.FAILED || chunk.length() == 0) {
            return;
        }
        int off = 0;
        if (state == State.BODY) {
            // every byte received before went into the body: go on filling it from the chunk
            int n = Math.min(bodySize - filled, chunk.length());
            chunk.getBytes(0, n, fill, fillBase + filled);
            filled += n;
            off = n;
            if (filled < bodySize) {
                return;
            }
            pendingTail = chunk; // an IDENTIFY that turns compression on takes the rest with takeRemaining
            pendingTailOffset = off;
            boolean taken;
            try {
                bodyComplete();
            } finally {
                taken = pendingTail == null;
                pendingTail = null;
            }
            if (taken || state == State.FAILED || off == chunk.length()) {
                return;
            }
        }
        if (buf != null && pos < buf.length()) {
            // a command was cut by the previous chunk: finish it from just the bytes it lacks, then
            // parse the chunk in place, rather than copying the whole chunk behind the remainder
            int need = bytesToFinish(chunk, off);
            if (need > 0 && need < chunk.length() - off) {
                int rest = buf.length() - pos;
                Buffer joined = Buffer.buffer(rest + need);
                joined.appendBuffer(buf, pos, rest).appendBuffer(chunk, off, need);
                buf = joined;
                pos = 0;
                pendingTail = chunk;
                pendingTailOffset = off + need;
                boolean taken;
                try {
                    parse();
                } finally {
                    taken = pendingTail == null;
                    pendingTail = null;
                }
                if (taken || state == State.FAILED) {
                    return; // takeRemaining has the rest of the chunk, or nothing more is read
                }
                if (pos < buf.length()) {
                    append(chunk, off + need); // not expected: fall back to joining
                } else {
                    buf = chunk; // parsed in place from where the finished command ended
                    pos = off + need;
                }
            } else {
                append(chunk, off);
            }
        } else {
            append(chunk, off);
        }
        try {
            parse();
        } finally {
            if (buf != null && pos >= buf.length()) {
                buf = null;
                pos = 0;
            } else if (buf == chunk) {
                // the caller may reuse or free the chunk once this returns: keep a copy of the rest
                buf = chunk.getBuffer(pos, chunk.length());
                pos = 0;
            }
        }
    }

    /**
     * How many bytes of {@code chunk} from {@code off} the command cut at the end of {@code buf}
     * needs to reach its next step (a whole line or size field), or -1 when not known. (A body
     * never waits in {@code buf}: it takes every byte there is as it comes.)
     */
    private int bytesToFinish(Buffer chunk, int off) {
        int avail = buf.length() - pos;
        switch (state) {
            case MAGIC, BODY_SIZE, MPUB_COUNT, MPUB_SIZE -> {
                return avail < 4 ? 4 - avail : -1;
            }
            case LINE -> {
                int limit = Math.min(chunk.length(), off + MAX_LINE + 2);
                int nl = ((BufferInternal) chunk).unwrap().indexOf(off, limit, (byte) '\n');
                return nl < 0 ? -1 : nl + 1 - off;
            }
            default -> {
                return -1;
            }
        }
    }

    private void append(Buffer chunk, int off) {
        if (buf == null || pos >= buf.length()) {
            buf = off == 0 ? chunk : chunk.getBuffer(off, chunk.length());
            pos = 0;
            return;
        }
        int rest = buf.length() - pos;
        Buffer joined = Buffer.buffer(rest + chunk.length() - off);
        joined.appendBuffer(buf, pos, rest).appendBuffer(chunk, off, chunk.length() - off);
        buf = joined;
        pos = 0;
    }

    private void parse() {
        while (buf != null && state != State.FAILED) {
            int avail = buf.length() - pos;
            switch (state) {
                case MAGIC -> {
                    if (avail < 4) {
                        return;
                    }
                    for (int i = 0; i < 4; i++) {
                        if (buf.getByte(pos + i) != MAGIC_V2[i]) {
                            fail(ErrorCodes.E_BAD_PROTOCOL, null);
                            return;
                        }
                    }
                    pos += 4;
                    state = State.LINE;
                }
                case LINE -> {
                    int nl = indexOfNewline(avail);
                    if (nl < 0) {
                        if (avail > MAX_LINE) {
                            fail(ErrorCodes.E_INVALID, "command line too long");
                        }
                        return;
                    }
                    int end = nl;
                    if (end > pos && buf.getByte(end - 1) == '\r') {
                        end--;
                    }
                    int start = pos;
                    pos = nl + 1;
                    line(start, end);
                }
                case BODY_SIZE -> {
                    if (avail < 4) {
                        return;
                    }
                    int size = buf.getInt(pos);
                    pos += 4;
                    bodySize(size);
                }
                case BODY -> {
                    int n = Math.min(avail, bodySize - filled);
                    buf.getBytes(pos, pos + n, fill, fillBase + filled);
                    pos += n;
                    filled += n;
                    if (filled < bodySize) {
                        return;
                    }
                    bodyComplete();
                }
                case MPUB_COUNT -> {
                    if (avail < 4) {
                        return;
                    }
                    int count = buf.getInt(pos);
                    pos += 4;
                    int maxMessages = (limits.maxBodySize() - 4) / 5;
                    if (count <= 0 || count > maxMessages) {
                        fail(ErrorCodes.E_BAD_BODY, "MPUB invalid message count " + count);
                        return;
                    }
                    mpubRemaining = count;
                    mpubIndex = 0;
                    mpubBytes = 4;
                    bodies = new Bodies(Math.min(count, 4096));
                    state = State.MPUB_SIZE;
                }
                case MPUB_SIZE -> {
                    if (mpubOverrun()) {
                        return;
                    }
                    if (avail < 4) {
                        return;
                    }
                    int size = buf.getInt(pos);
                    pos += 4;
                    if (size <= 0) {
                        fail(ErrorCodes.E_BAD_MESSAGE, "MPUB invalid message(" + mpubIndex + ") body size " + size);
                        return;
                    }
                    if (size > limits.maxMsgSize()) {
                        fail(ErrorCodes.E_BAD_MESSAGE, "MPUB message too big " + size + " > " + limits.maxMsgSize());
                        return;
                    }
                    // nsqd trusts the declared body size and never checks the records against it; we do
                    // bound the total, so a lying client cannot make us buffer more than max-body-size.
                    mpubBytes += 4L + size;
                    if (mpubBytes > limits.maxBodySize()) {
                        fail(ErrorCodes.E_BAD_BODY, "MPUB body too big " + mpubBytes + " > " + limits.maxBodySize());
                        return;
                    }
                    startBody(size);
                }
                default -> {
                    return;
                }
            }
        }
    }

    /**
     * The declared MPUB body is used up and messages are still missing: nsqd waits for bytes that
     * are not coming until its read deadline (2 heartbeats), then sends this same error; saying it at
     * once loses nothing and frees the connection.
     */
    private boolean mpubOverrun() {
        if (mpubBytes < mpubDeclared) {
            return false;
        }
        fail(ErrorCodes.E_BAD_MESSAGE, "MPUB failed to read message(" + mpubIndex + ") body size");
        return true;
    }

    private int indexOfNewline(int avail) {
        int limit = pos + Math.min(avail, MAX_LINE + 2);
        // Netty's search reads a word at a time, with one bounds and liveness check for the lot
        return ((BufferInternal) buf).unwrap().indexOf(pos, limit, (byte) '\n');
    }

    /**
     * The command line in buf[start, end): copied once into {@link #lineBytes} and scanned there as
     * plain bytes; its name is a known command's constant (no allocation), each parameter one string.
     */
    private void line(int start, int end) {
        int n = end - start;
        if (lineBytes.length < n) {
            lineBytes = new byte[Math.max(n, lineBytes.length * 2)];
        }
        buf.getBytes(start, end, lineBytes, 0);
        int space = -1;
        for (int i = 0; i < n; i++) {
            if (lineBytes[i] == ' ') {
                space = i;
                break;
            }
        }
        name = name(space < 0 ? n : space);
        params = space < 0 ? NO_PARAMS : splitParams(space, n);
        deferMs = 0;
        switch (name) {
            case Command.PUB -> {
                if (params.length < 1) {
                    fail(ErrorCodes.E_INVALID, "PUB insufficient number of parameters");
                } else if (!Names.isValidTopicName(params[0])) {
                    fail(ErrorCodes.E_BAD_TOPIC, "PUB topic name " + GoQuote.quote(params[0]) + " is not valid");
                } else {
                    state = State.BODY_SIZE;
                }
            }
            case Command.DPUB -> {
                if (params.length < 2) {
                    fail(ErrorCodes.E_INVALID, "DPUB insufficient number of parameters");
                } else if (!Names.isValidTopicName(params[0])) {
                    fail(ErrorCodes.E_BAD_TOPIC, "DPUB topic name " + GoQuote.quote(params[0]) + " is not valid");
                } else {
                    long ms = parseBase10(params[1]);
                    if (ms < 0) {
                        fail(ErrorCodes.E_INVALID, "DPUB could not parse timeout " + params[1]);
                    } else if (ms > limits.maxReqTimeoutMs()) {
                        fail(ErrorCodes.E_INVALID, "DPUB timeout " + ms + " out of range 0-" + limits.maxReqTimeoutMs());
                    } else {
                        deferMs = ms;
                        state = State.BODY_SIZE;
                    }
                }
            }
            case Command.MPUB -> {
                if (params.length < 1) {
                    fail(ErrorCodes.E_INVALID, "MPUB insufficient number of parameters");
                } else if (!Names.isValidTopicName(params[0])) {
                    // the doubled code is what nsqd really sends (nsq-protocol.md pitfall 14)
                    fail(ErrorCodes.E_BAD_TOPIC, "E_BAD_TOPIC MPUB topic name " + GoQuote.quote(params[0]) + " is not valid");
                } else {
                    state = State.BODY_SIZE;
                }
            }
            case Command.AUTH -> {
                if (params.length != 0) {
                    fail(ErrorCodes.E_INVALID, "AUTH invalid number of parameters");
                } else {
                    state = State.BODY_SIZE;
                }
            }
            case Command.IDENTIFY -> state = State.BODY_SIZE;
            default -> sink.command(Command.line(name, params));
        }
    }

    private static final String[] KNOWN_NAMES = {Command.FIN, Command.RDY, Command.PUB, Command.MPUB, Command.REQ,
        Command.TOUCH, Command.DPUB, Command.NOP, Command.SUB, Command.CLS, Command.IDENTIFY, Command.AUTH};

    /** The command name in lineBytes[0, end): the constant when it is a known command, else a new string. */
    private String name(int end) {
        for (String known : KNOWN_NAMES) {
            if (known.length() == end && matches(known)) {
                return known;
            }
        }
        return new String(lineBytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    private boolean matches(String known) {
        for (int i = 0; i < known.length(); i++) {
            if (lineBytes[i] != known.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Splits lineBytes(firstSpace, end) on single spaces like nsqd's bytes.Split (empty parameters kept). */
    private String[] splitParams(int firstSpace, int end) {
        int from = firstSpace + 1;
        int length = end - from;
        if (length == lastParamLength && Arrays.equals(lineBytes, from, end, lastParamBytes, 0, length)) {
            return lastParams; // a publisher names the same topic line after line
        }
        int count = 1;
        for (int i = from; i < end; i++) {
            if (lineBytes[i] == ' ') {
                count++;
            }
        }
        String[] out = new String[count];
        int start = from;
        for (int k = 0; k < count; k++) {
            int stop = start;
            while (stop < end && lineBytes[stop] != ' ') {
                stop++;
            }
            out[k] = new String(lineBytes, start, stop - start, StandardCharsets.ISO_8859_1);
            start = stop + 1;
        }
        if (lastParamBytes.length < length) {
            lastParamBytes = new byte[Math.max(length, 2 * lastParamBytes.length)];
        }
        System.arraycopy(lineBytes, from, lastParamBytes, 0, length);
        lastParamLength = length;
        lastParams = out;
        return out;
    }

    private void bodySize(int size) {
        switch (name) {
            case Command.PUB, Command.DPUB -> {
                if (size <= 0) {
                    fail(ErrorCodes.E_BAD_MESSAGE, name + " invalid message body size " + size);
                    return;
                }
                if (size > limits.maxMsgSize()) {
                    fail(ErrorCodes.E_BAD_MESSAGE, name + " message too big " + size + " > " + limits.maxMsgSize());
                    return;
                }
                bodies = new Bodies(1);
                startBody(size);
            }
            case Command.MPUB -> {
                if (size <= 0) {
                    fail(ErrorCodes.E_BAD_BODY, "MPUB invalid body size " + size);
                    return;
                }
                if (size > limits.maxBodySize()) {
                    fail(ErrorCodes.E_BAD_BODY, "MPUB body too big " + size + " > " + limits.maxBodySize());
                    return;
                }
                mpubDeclared = size;
                state = State.MPUB_COUNT;
            }
            default -> { // IDENTIFY, AUTH
                if (size > limits.maxBodySize()) {
                    fail(ErrorCodes.E_BAD_BODY, name + " body too big " + size + " > " + limits.maxBodySize());
                    return;
                }
                if (size <= 0) {
                    fail(ErrorCodes.E_BAD_BODY, name + " invalid body size " + size);
                    return;
                }
                startBody(size);
            }
        }
    }

    /**
     * Enters state BODY for a body of {@code size} bytes (already checked against the limits): a
     * publish's body gets its span from the blocks, IDENTIFY's and AUTH's an array.
     */
    private void startBody(int size) {
        bodySize = size;
        filled = 0;
        if (bodies != null) {
            blocks.reserve(size, bodies);
            int last = bodies.count() - 1;
            fill = bodies.array(last);
            fillBase = bodies.offset(last);
        } else {
            fill = new byte[size];
            fillBase = 0;
        }
        state = State.BODY;
    }

    private void bodyComplete() {
        byte[] body = fill;
        fill = null;
        if (Command.MPUB.equals(name)) {
            mpubIndex++;
            if (--mpubRemaining > 0) {
                state = State.MPUB_SIZE;
                mpubOverrun(); // now, not when more bytes come (there may be none)
                return;
            }
        }
        state = State.LINE;
        Bodies done = bodies;
        bodies = null;
        sink.command(new Command(name, params, done == null ? body : null, done, deferMs));
    }

    private void fail(String code, String description) {
        state = State.FAILED;
        buf = null;
        pos = 0;
        fill = null;
        if (bodies != null) {
            bodies.release(); // a publish cut short: its spans go back to the blocks
            bodies = null;
        }
        sink.error(ProtocolError.of(code, description));
    }

    /**
     * nsqd's ByteToBase10: digits only, the empty string is 0. Returns -1 for anything else and
     * saturates instead of wrapping on overflow (so a huge value is simply out of range).
     */
    public static long parseBase10(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (n > (Long.MAX_VALUE - 9) / 10) {
                n = Long.MAX_VALUE;
            } else {
                n = n * 10 + (c - '0');
            }
        }
        return n;
    }
}
