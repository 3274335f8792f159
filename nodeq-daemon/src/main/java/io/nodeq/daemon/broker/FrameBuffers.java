package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;

/**
 * Where outgoing frames are built (delivery bursts, a connection's gathered replies and held
 * deliveries), and how bytes are copied into them. The buffers come from the pooled allocator that
 * Vert.x and Netty's sockets use (Netty's adaptive one). Copies go through the source's
 * {@code getBytes} into the destination, memory to memory: the destination's {@code writeBytes}
 * from another buffer made a {@code java.nio} view object per copy in that allocator (about a
 * quarter of the daemon's allocation at 20,000 single PUBs/s, by JFR samples). Netty's classic
 * pooled allocator would copy without the view too, at the price of a second set of arenas and
 * thread caches beside the sockets' own.
 */
public final class FrameBuffers {
    private FrameBuffers() {
    }

    /** A pooled direct buffer of {@code capacity} bytes to start with (it grows if it must). */
    public static ByteBuf direct(int capacity) {
        return VertxByteBufAllocator.POOLED_ALLOCATOR.directBuffer(capacity);
    }

    /** Appends {@code length} bytes of {@code src} from {@code srcIndex} to {@code dst}. */
    public static void append(ByteBuf dst, ByteBuf src, int srcIndex, int length) {
        dst.ensureWritable(length);
        int at = dst.writerIndex();
        src.getBytes(srcIndex, dst, at, length);
        dst.writerIndex(at + length);
    }

    /** Appends {@code src}'s readable bytes to {@code dst} (leaving {@code src}'s indexes as they are). */
    public static void append(ByteBuf dst, ByteBuf src) {
        append(dst, src, src.readerIndex(), src.readableBytes());
    }
}
