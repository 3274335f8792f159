package io.nodeq.daemon.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongMapTest {

    @Test
    void putGetRemove() {
        LongMap<String> m = new LongMap<>();
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.put(7, "a")).isNull();
        assertThat(m.put(7, "b")).isEqualTo("a");
        assertThat(m.get(7)).isEqualTo("b");
        assertThat(m.get(8)).isNull();
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.remove(8)).isNull();
        assertThat(m.remove(7)).isEqualTo("b");
        assertThat(m.get(7)).isNull();
        assertThat(m.isEmpty()).isTrue();
    }

    @Test
    void keyZeroIsAKeyLikeAnyOther() {
        LongMap<String> m = new LongMap<>();
        assertThat(m.get(0)).isNull();
        assertThat(m.put(0, "zero")).isNull();
        assertThat(m.put(Long.MIN_VALUE, "min")).isNull();
        assertThat(m.put(-1, "minus one")).isNull();
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.get(0)).isEqualTo("zero");
        assertThat(m.put(0, "again")).isEqualTo("zero");
        assertThat(m.remove(0)).isEqualTo("again");
        assertThat(m.get(0)).isNull();
        assertThat(m.remove(0)).isNull();
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.get(Long.MIN_VALUE)).isEqualTo("min");
        assertThat(m.get(-1)).isEqualTo("minus one");
    }

    @Test
    void removingFromAProbeRunKeepsTheRestFindable() {
        // 40 keys of one home slot in a 128-slot table: one long probe run, removed from the middle
        LongMap<Long> m = new LongMap<>(128);
        List<Long> same = new ArrayList<>();
        for (long k = 1; same.size() < 40; k++) {
            long h = k * 0x9E3779B97F4A7C15L;
            if (((int) (h ^ (h >>> 32)) & 127) == 5) {
                same.add(k);
            }
        }
        for (long k : same) {
            m.put(k, k);
        }
        for (int i = 0; i < same.size(); i += 3) {
            assertThat(m.remove(same.get(i))).isEqualTo(same.get(i));
        }
        for (int i = 0; i < same.size(); i++) {
            assertThat(m.get(same.get(i))).isEqualTo(i % 3 == 0 ? null : same.get(i));
        }
    }

    @Test
    void behavesLikeAHashMapUnderRandomOperations() {
        Random rnd = new Random(42);
        LongMap<Long> m = new LongMap<>(4);
        Map<Long, Long> ref = new HashMap<>();
        for (int op = 0; op < 200_000; op++) {
            // a small key space so puts, replaces and removes of present keys all happen often
            long key = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(2000) - 100;
            Long got;
            Long expected;
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    got = m.put(key, (long) op);
                    expected = ref.put(key, (long) op);
                }
                case 1 -> {
                    got = m.remove(key);
                    expected = ref.remove(key);
                }
                default -> {
                    got = m.get(key);
                    expected = ref.get(key);
                }
            }
            // plain checks: an assertion object per operation would make this test slow
            if (!Objects.equals(got, expected) || m.size() != ref.size()) {
                throw new AssertionError("op " + op + " key " + key + ": got " + got + ", expected " + expected
                        + ", size " + m.size() + " vs " + ref.size());
            }
        }
        List<Long> values = new ArrayList<>();
        m.forEachValue(values::add);
        List<Long> expected = new ArrayList<>(ref.values());
        values.sort(null);
        expected.sort(null);
        assertThat(values).isEqualTo(expected); // (containsExactlyInAnyOrder is quadratic)
        for (Map.Entry<Long, Long> e : ref.entrySet()) {
            assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
        }
    }

    @Test
    void clearEmptiesAndTheMapStaysUsable() {
        LongMap<String> m = new LongMap<>();
        for (long k = -50; k < 50; k++) {
            m.put(k, "v" + k);
        }
        assertThat(m.size()).isEqualTo(100);
        m.clear();
        assertThat(m.size()).isZero();
        assertThat(m.get(0)).isNull();
        assertThat(m.get(10)).isNull();
        List<String> seen = new ArrayList<>();
        m.forEachValue(seen::add);
        assertThat(seen).isEmpty();
        m.put(10, "x");
        assertThat(m.get(10)).isEqualTo("x");
    }
}
