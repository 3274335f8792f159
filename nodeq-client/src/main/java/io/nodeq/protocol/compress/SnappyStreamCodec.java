package io.nodeq.protocol.compress;

import io.vertx.core.buffer.Buffer;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snappy framing format (github.com/google/snappy framing_format.txt), which nsqd speaks after a
 * {@code snappy} upgrade. Owned by one connection: the encoder by its writer, the decoder by its
 * reader (see {@link StreamCodec}).
 *
 * <pre>
 * chunk: +--------+-----------------------+---------------------------------+
 *        | type 1 | length 3 (LE, 24 bit) | length bytes                    |
 *        +--------+-----------------------+---------------------------------+
 * 0xff stream identifier: "sNaPpY" (length 6), first in the stream
 * 0x00 compressed:   [masked CRC-32C of the uncompressed data, 4 LE][snappy block]
 * 0x01 uncompressed: [masked CRC-32C, 4 LE][data]
 * 0x02-0x7f reserved unskippable (error); 0x80-0xfe skippable/padding (ignored)
 * </pre>
 *
 * Memory is bounded: a data chunk longer than a worst-case compressed 64 KiB block, or one that
 * decompresses to more than 64 KiB, is rejected; skippable chunks are skipped without buffering.
 */
final class SnappyStreamCodec implements StreamCodec {
    static final int MAX_UNCOMPRESSED = 65536;
    /** A 24-bit length can never exceed this; the real limit for data chunks is far smaller. */
    static final int MAX_CHUNK_LENGTH = 16 * 1024 * 1024;
    static final byte[] STREAM_IDENTIFIER = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

    private static final int CHUNK_COMPRESSED = 0x00;
    private static final int CHUNK_UNCOMPRESSED = 0x01;
    private static final int CHUNK_STREAM_IDENTIFIER = 0xff;
    private static final int MAX_DATA_CHUNK = 4 + Snappy.maxCompressedLength(MAX_UNCOMPRESSED);

    private final CRC32C encodeCrc = new CRC32C();
    private final byte[] compressScratch = new byte[Snappy.maxCompressedLength(MAX_UNCOMPRESSED)];
    private boolean identifierWritten;

    private final CRC32C decodeCrc = new CRC32C();
    private final byte[] uncompressScratch = new byte[MAX_UNCOMPRESSED];
    private final byte[] header = new byte[4];
    private int headerFill;
    private int chunkType;
    private int chunkLength;
    private byte[] chunk;          // partial chunk spanning decode calls; allocated on first need
    private int chunkFill;
    private int skipRemaining;
    private boolean identifierSeen;
    private boolean failed;
    private boolean closed;

    @Override
    public Buffer encode(Buffer plain) {
        checkOpen();
        int length = plain.length();
        if (length == 0) {
            return Buffer.buffer(0);
        }
        byte[] in = plain.getBytes();
        Buffer out = Buffer.buffer(length + length / MAX_UNCOMPRESSED * 8 + 32);
        if (!identifierWritten) {
            out.appendBytes(STREAM_IDENTIFIER);
            identifierWritten = true;
        }
        for (int off = 0; off < length; off += MAX_UNCOMPRESSED) {
            int n = Math.min(MAX_UNCOMPRESSED, length - off);
            encodeCrc.reset();
            encodeCrc.update(in, off, n);
            int crc = mask((int) encodeCrc.getValue());
            int compressed;
            try {
                compressed = Snappy.rawCompress(in, off, n, compressScratch, 0);
            } catch (IOException e) {
                throw new IllegalStateException("snappy compression failed", e);
            }
            // Like the reference encoders: keep the compressed form only if it saves at least 1/8.
            if (compressed < n - n / 8) {
                out.appendByte((byte) CHUNK_COMPRESSED).appendMediumLE(compressed + 4).appendIntLE(crc)
                        .appendBytes(compressScratch, 0, compressed);
            } else {
                out.appendByte((byte) CHUNK_UNCOMPRESSED).appendMediumLE(n + 4).appendIntLE(crc)
                        .appendBytes(in, off, n);
            }
        }
        return out;
    }

    @Override
    public Buffer decode(Buffer compressed) {
        checkOpen();
        if (failed) {
            throw new CompressionException("snappy: stream already failed");
        }
        int length = compressed.length();
        Buffer out = Buffer.buffer(Math.max(64, length * 2));
        if (length == 0) {
            return out;
        }
        byte[] in = compressed.getBytes();
        try {
            int pos = 0;
            while (pos < length) {
                if (skipRemaining > 0) {
                    int n = Math.min(skipRemaining, length - pos);
                    skipRemaining -= n;
                    pos += n;
                } else if (headerFill < 4) {
                    int n = Math.min(4 - headerFill, length - pos);
                    System.arraycopy(in, pos, header, headerFill, n);
                    headerFill += n;
                    pos += n;
                    if (headerFill == 4) {
                        startChunk();
                    }
                } else if (chunkFill == 0 && length - pos >= chunkLength) {
                    // Whole chunk in this input: decode in place, no copy.
                    processChunk(in, pos, out);
                    pos += chunkLength;
                    headerFill = 0;
                } else {
                    if (chunk == null) {
                        chunk = new byte[MAX_DATA_CHUNK];
                    }
                    int n = Math.min(chunkLength - chunkFill, length - pos);
                    System.arraycopy(in, pos, chunk, chunkFill, n);
                    chunkFill += n;
                    pos += n;
                    if (chunkFill == chunkLength) {
                        processChunk(chunk, 0, out);
                        chunkFill = 0;
                        headerFill = 0;
                    }
                }
            }
            return out;
        } catch (CompressionException e) {
            failed = true;
            throw e;
        }
    }

    /** Validates the 4-byte chunk header just read, before buffering any of its body. */
    private void startChunk() {
        chunkType = header[0] & 0xff;
        chunkLength = (header[1] & 0xff) | (header[2] & 0xff) << 8 | (header[3] & 0xff) << 16;
        chunkFill = 0;
        if (chunkLength > MAX_CHUNK_LENGTH) {
            throw new CompressionException("snappy: chunk length " + chunkLength + " > " + MAX_CHUNK_LENGTH);
        }
        if (!identifierSeen && chunkType != CHUNK_STREAM_IDENTIFIER) {
            throw new CompressionException(String.format("snappy: stream starts with chunk type 0x%02x, not the stream identifier", chunkType));
        }
        switch (chunkType) {
            case CHUNK_STREAM_IDENTIFIER -> {
                if (chunkLength != STREAM_IDENTIFIER.length - 4) {
                    throw new CompressionException("snappy: stream identifier of length " + chunkLength);
                }
            }
            case CHUNK_COMPRESSED -> {
                if (chunkLength <= 4 || chunkLength > MAX_DATA_CHUNK) {
                    throw new CompressionException("snappy: compressed chunk of length " + chunkLength);
                }
            }
            case CHUNK_UNCOMPRESSED -> {
                if (chunkLength < 4 || chunkLength > 4 + MAX_UNCOMPRESSED) {
                    throw new CompressionException("snappy: uncompressed chunk of length " + chunkLength);
                }
            }
            default -> {
                if (chunkType < 0x80) {
                    throw new CompressionException(String.format("snappy: unskippable chunk type 0x%02x", chunkType));
                }
                // Padding or skippable: drop the body without buffering it.
                skipRemaining = chunkLength;
                headerFill = 0;
            }
        }
    }

    private void processChunk(byte[] buf, int off, Buffer out) {
        switch (chunkType) {
            case CHUNK_STREAM_IDENTIFIER -> {
                if (!Arrays.equals(buf, off, off + 6, STREAM_IDENTIFIER, 4, 10)) {
                    throw new CompressionException("snappy: bad stream identifier");
                }
                identifierSeen = true;
            }
            case CHUNK_COMPRESSED -> {
                int crc = readIntLE(buf, off);
                int n;
                try {
                    n = Snappy.uncompressedLength(buf, off + 4, chunkLength - 4);
                    if (n < 0 || n > MAX_UNCOMPRESSED) {
                        throw new CompressionException("snappy: chunk decompresses to " + n + " > " + MAX_UNCOMPRESSED + " bytes");
                    }
                    int actual = Snappy.rawUncompress(buf, off + 4, chunkLength - 4, uncompressScratch, 0);
                    if (actual != n) {
                        throw new CompressionException("snappy: chunk decompressed to " + actual + " bytes, header said " + n);
                    }
                } catch (IOException e) {
                    throw new CompressionException("snappy: corrupt compressed chunk: " + e.getMessage(), e);
                }
                verify(crc, uncompressScratch, 0, n);
                out.appendBytes(uncompressScratch, 0, n);
            }
            case CHUNK_UNCOMPRESSED -> {
                int crc = readIntLE(buf, off);
                verify(crc, buf, off + 4, chunkLength - 4);
                out.appendBytes(buf, off + 4, chunkLength - 4);
            }
            default -> throw new IllegalStateException("chunk type " + chunkType + " has no body to process");
        }
    }

    private void verify(int expectedMasked, byte[] data, int off, int len) {
        decodeCrc.reset();
        decodeCrc.update(data, off, len);
        int actual = mask((int) decodeCrc.getValue());
        if (actual != expectedMasked) {
            throw new CompressionException(String.format("snappy: checksum mismatch (got %08x, chunk says %08x)", actual, expectedMasked));
        }
    }

    /** The framing format's CRC mask, so that CRCs of data containing CRCs stay well distributed. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    private static int readIntLE(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("codec closed");
        }
    }
}
