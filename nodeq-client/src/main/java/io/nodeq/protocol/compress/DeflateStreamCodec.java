package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw deflate in both directions (Go's compress/flate on the nsqd side, which has no zlib wrapper).
 * Owned by one connection: the encoder by its writer, the decoder by its reader (see {@link StreamCodec}).
 *
 * <p>Decoded output is not bounded per call: a hostile peer can make one network read inflate by
 * ~1000x. The frame parser above caps frame sizes; callers that need more should cap input per call.
 */
final class DeflateStreamCodec implements StreamCodec {
    private static final int SCRATCH = 64 * 1024;

    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private final byte[] encodeScratch = new byte[SCRATCH];
    private final byte[] decodeScratch = new byte[SCRATCH];
    private boolean closed;

    DeflateStreamCodec(int level) {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("deflate level " + level + " is not in -1..9");
        }
        deflater = new Deflater(level, true);
    }

    @Override
    public Buffer encode(Buffer plain) {
        checkOpen();
        if (plain.length() == 0) {
            // A SYNC_FLUSH of nothing would still emit an empty stored block; the peer needs nothing.
            return Buffer.buffer(0);
        }
        deflater.setInput(plain.getBytes());
        Buffer out = Buffer.buffer(Math.max(64, plain.length() / 2));
        int n;
        // With SYNC_FLUSH a full scratch means "call again": zlib has more pending output.
        do {
            n = deflater.deflate(encodeScratch, 0, encodeScratch.length, Deflater.SYNC_FLUSH);
            out.appendBytes(encodeScratch, 0, n);
        } while (n == encodeScratch.length);
        return out;
    }

    @Override
    public Buffer decode(Buffer compressed) {
        checkOpen();
        if (compressed.length() == 0) {
            return Buffer.buffer(0);
        }
        if (inflater.finished()) {
            // nsqd never ends its deflate stream; bytes after a final block are not deflate data.
            throw new CompressionException("deflate: data after the end of the stream");
        }
        inflater.setInput(compressed.getBytes());
        Buffer out = Buffer.buffer(Math.max(64, compressed.length() * 2));
        try {
            while (true) {
                int n = inflater.inflate(decodeScratch);
                if (n > 0) {
                    out.appendBytes(decodeScratch, 0, n);
                    continue;
                }
                if (inflater.finished()) {
                    if (inflater.getRemaining() > 0) {
                        throw new CompressionException("deflate: data after the end of the stream");
                    }
                    return out;
                }
                if (inflater.needsDictionary()) {
                    throw new CompressionException("deflate: stream asks for a preset dictionary");
                }
                if (inflater.getRemaining() > 0) {
                    // zlib runs until input or output is exhausted; unread input here would be lost by the next setInput.
                    throw new CompressionException("deflate: inflater stopped with unread input");
                }
                return out;
            }
        } catch (DataFormatException e) {
            throw new CompressionException("deflate: corrupt stream: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
            inflater.end();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("codec closed");
        }
    }
}
