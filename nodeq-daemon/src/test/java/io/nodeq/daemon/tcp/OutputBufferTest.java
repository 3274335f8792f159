package io.nodeq.daemon.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output buffer's policy: a busy pass's frames in one write, a lone one at once, the size limit,
 * -1, order, release.
 */
class OutputBufferTest {
    private final List<ByteBuf> written = new ArrayList<>();
    private final List<Runnable> scheduled = new ArrayList<>();
    /** Whether other tasks wait on the fake event loop (a busy loop: deliveries are held). */
    private boolean busy = true;
    private final OutputBuffer out = new OutputBuffer(new OutputBuffer.Sink() {
        @Override
        public void write(ByteBuf bytes) {
            written.add(bytes);
        }

        @Override
        public void schedule(Runnable task) {
            scheduled.add(task);
        }

        @Override
        public boolean othersQueued() {
            return busy;
        }
    });

    @AfterEach
    void releaseWritten() {
        written.forEach(ByteBuf::release);
    }

    @Test
    void framesHandedOverInOnePassGoOutInOneWriteInTheirOrder() {
        out.add(frame("a", 10));
        out.add(frame("b", 20));
        out.add(frame("c", 30));
        assertThat(written).isEmpty();
        assertThat(out.held()).isEqualTo(60);
        assertThat(scheduled).hasSize(1); // one flush for the pass, not one per frame
        runScheduled();
        assertThat(written).hasSize(1);
        assertThat(text(written.get(0))).isEqualTo("a".repeat(10) + "b".repeat(20) + "c".repeat(30));
        assertThat(out.held()).isZero();
    }

    @Test
    void reachingTheClientsBufferSizeWritesAtOnceAndAFrameThatWouldOverfillItSendsTheHeldOnesFirst() {
        out.limit(64);
        out.add(frame("a", 40));
        assertThat(written).isEmpty();
        out.add(frame("b", 40)); // 80 > 64: "a" goes out alone, "b" is held
        assertThat(written).hasSize(1);
        assertThat(text(written.get(0))).isEqualTo("a".repeat(40));
        out.add(frame("c", 24)); // 64: full, out at once
        assertThat(written).hasSize(2);
        assertThat(text(written.get(1))).isEqualTo("b".repeat(40) + "c".repeat(24));
        runScheduled();
        assertThat(written).hasSize(2); // the pass's flush finds nothing left
        out.add(frame("d", 5)); // held again: a new pass schedules a new flush
        assertThat(scheduled).hasSize(1);
        runScheduled();
        assertThat(written).hasSize(3);
        assertThat(text(written.get(2))).isEqualTo("ddddd");
    }

    @Test
    void aBurstLargerThanTheBufferGoesOutAsItIs() {
        out.limit(64);
        ByteBuf burst = frame("x", 500);
        out.add(burst);
        assertThat(written).containsExactly(burst);
    }

    @Test
    void onALoopWithNothingElseQueuedADeliveryGoesOutAtOnce() {
        busy = false;
        out.add(frame("a", 10));
        assertThat(written).hasSize(1);
        assertThat(scheduled).isEmpty();
        busy = true; // now held behind the queued tasks, and what follows joins it
        out.add(frame("b", 10));
        busy = false;
        out.add(frame("c", 10));
        assertThat(written).hasSize(1);
        runScheduled();
        assertThat(written).hasSize(2);
        assertThat(text(written.get(1))).isEqualTo("b".repeat(10) + "c".repeat(10));
    }

    @Test
    void aBufferSizeOfMinusOneWritesEveryDeliveryAsItComes() {
        out.limit(1); // IDENTIFY output_buffer_size=-1, as nsqd maps it
        out.add(frame("a", 3));
        out.add(frame("b", 3));
        assertThat(written).hasSize(2);
        assertThat(scheduled).isEmpty();
    }

    @Test
    void anExplicitFlushSendsHeldFramesAheadOfWhatTheConnectionWritesNext() {
        out.add(frame("m", 8));
        out.flush();
        assertThat(written).hasSize(1);
        out.flush();
        runScheduled();
        assertThat(written).hasSize(1);
    }

    @Test
    void loweringTheLimitBelowWhatIsHeldWritesIt() {
        out.add(frame("a", 100));
        out.limit(64);
        assertThat(written).hasSize(1);
    }

    @Test
    void discardReleasesWhatIsHeld() {
        ByteBuf a = frame("a", 10);
        ByteBuf b = frame("b", 10);
        out.add(a);
        out.add(b);
        out.discard();
        assertThat(a.refCnt()).isZero();
        assertThat(b.refCnt()).isZero();
        runScheduled();
        assertThat(written).isEmpty();
    }

    private void runScheduled() {
        List<Runnable> tasks = new ArrayList<>(scheduled);
        scheduled.clear();
        tasks.forEach(Runnable::run);
    }

    private ByteBuf frame(String c, int n) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(n);
        b.writeBytes(c.repeat(n).getBytes(StandardCharsets.US_ASCII));
        return b;
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.US_ASCII);
    }
}
