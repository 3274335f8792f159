package io.nodeq.daemon.broker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class SeqBitsTest {

    @Test
    void behavesLikeASortedSetOverARisingFloor() {
        Random rnd = new Random(42);
        SeqBits bits = new SeqBits(1000);
        TreeSet<Long> model = new TreeSet<>();
        long floor = 1000;
        for (int step = 0; step < 200_000; step++) {
            int op = rnd.nextInt(10);
            // mostly near the floor, sometimes far above it (a message held back long grows the ring)
            long seq = floor + (rnd.nextInt(50) == 0 ? rnd.nextInt(20_000) : rnd.nextInt(200));
            if (op < 5) {
                assertThat(bits.add(seq)).isEqualTo(model.add(seq));
            } else if (op < 7) {
                assertThat(bits.remove(seq)).isEqualTo(model.remove(seq));
            } else if (op < 9) {
                long next = bits.advanceFrom(floor);
                long expected = floor;
                while (model.contains(expected)) {
                    expected++;
                }
                assertThat(next).isEqualTo(expected);
                model.headSet(expected).clear();
                floor = expected;
            } else {
                floor += rnd.nextInt(300);
                bits.dropBelow(floor);
                model.headSet(floor).clear();
            }
            assertThat(bits.count()).isEqualTo(model.size());
            assertThat(bits.contains(seq)).isEqualTo(model.contains(seq));
        }
        List<Long> members = new ArrayList<>();
        bits.forEach(members::add);
        assertThat(members).containsExactlyElementsOf(model);
    }

    @Test
    void anEmptiedSetTakesNewMembersAboveAMovedFloor() {
        SeqBits bits = new SeqBits(0);
        bits.add(5);
        bits.add(100_000); // grows the ring
        bits.dropBelow(200_000);
        assertThat(bits.count()).isZero();
        assertThat(bits.contains(5)).isFalse();
        assertThat(bits.contains(100_000)).isFalse();
        assertThat(bits.add(200_003)).isTrue();
        assertThat(bits.add(199_999)).isFalse(); // below the floor: ignored
        assertThat(bits.advanceFrom(200_000)).isEqualTo(200_000);
        assertThat(bits.countFrom(200_001)).isEqualTo(1);
        assertThat(bits.advanceFrom(200_003)).isEqualTo(200_004);
        assertThat(bits.count()).isZero();
    }
}
