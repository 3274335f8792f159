package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;

/**
 * Push-style compression of one connection's byte stream, as negotiated by IDENTIFY
 * (nsq-protocol.md §1.8.3): after the upgrade everything a side writes goes through
 * {@link #encode} and everything it reads through {@link #decode}.
 *
 * <p>The two directions keep independent state, so encode and decode may run on different threads,
 * but each direction must be driven by one thread at a time (normally the connection's context).
 */
public interface StreamCodec extends AutoCloseable {

    /**
     * Compresses {@code plain} and flushes, so the peer can decode all of it from the returned bytes
     * plus what was returned before (deflate: SYNC_FLUSH; snappy: complete chunks). Empty input gives
     * empty output.
     */
    Buffer encode(Buffer plain);

    /**
     * Feeds compressed bytes split anywhere; returns all plaintext decodable so far (maybe empty).
     *
     * @throws CompressionException on corrupt input; the stream is unusable afterwards
     */
    Buffer decode(Buffer compressed);

    /** Releases native memory (zlib state). Further encode/decode calls fail. */
    @Override
    void close();

    /** RFC 1951 raw deflate (no zlib header or trailer), as nsqd's {@code deflate} upgrade. */
    static StreamCodec deflate(int level) {
        return new DeflateStreamCodec(level);
    }

    /** The snappy framing format (stream identifier, then checksummed chunks), as nsqd's {@code snappy} upgrade. */
    static StreamCodec snappy() {
        return new SnappyStreamCodec();
    }
}
