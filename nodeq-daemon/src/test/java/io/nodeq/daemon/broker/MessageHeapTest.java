package io.nodeq.daemon.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageHeapTest {

    private static Message msg(long id, long key, boolean byDue) {
        Message m = new Message(id, id, 0, new byte[0], 0, 0, 0);
        if (byDue) {
            m.due = key;
        } else {
            m.deadline = key;
        }
        return m;
    }

    private static void checkIndexes(MessageHeap h, List<Message> members) {
        assertThat(h.size()).isEqualTo(members.size());
        for (Message m : members) {
            assertThat(m.heapIndex).isBetween(0, h.size() - 1);
        }
        assertThat(members.stream().map(m -> m.heapIndex).distinct().count()).isEqualTo(members.size());
    }

    @Test
    void pollsInDeadlineOrder() {
        MessageHeap h = new MessageHeap(false);
        long[] deadlines = {50, 10, 40, 10, 30, 20, 60};
        for (int i = 0; i < deadlines.length; i++) {
            h.add(msg(i, deadlines[i], false));
        }
        assertThat(h.peek().deadline).isEqualTo(10);
        List<Long> out = new ArrayList<>();
        while (!h.isEmpty()) {
            Message m = h.poll();
            assertThat(m.heapIndex).isEqualTo(-1);
            out.add(m.deadline);
        }
        assertThat(out).containsExactly(10L, 10L, 20L, 30L, 40L, 50L, 60L);
        assertThat(h.poll()).isNull();
        assertThat(h.peek()).isNull();
    }

    @Test
    void ordersByDueWhenAskedTo() {
        MessageHeap h = new MessageHeap(true);
        Message late = msg(1, 100, true);
        late.deadline = 1; // not the key of this heap
        Message early = msg(2, 5, true);
        early.deadline = 1000;
        h.add(late);
        h.add(early);
        assertThat(h.poll()).isSameAs(early);
        assertThat(h.poll()).isSameAs(late);
    }

    @Test
    void removeAndUpdateKeepTheOrder() {
        MessageHeap h = new MessageHeap(false);
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Message m = msg(i, 100 + i * 10, false);
            all.add(m);
            h.add(m);
        }
        Message gone = all.get(7);
        h.remove(gone);
        assertThat(gone.heapIndex).isEqualTo(-1);
        h.remove(gone); // twice: nothing happens
        assertThat(h.size()).isEqualTo(19);
        Message touched = all.get(0);
        touched.deadline = 1000; // TOUCH: later deadline
        h.update(touched);
        Message soon = all.get(19);
        soon.deadline = 1; // earlier
        h.update(soon);
        assertThat(h.poll()).isSameAs(soon);
        Message prev = h.poll();
        while (!h.isEmpty()) {
            Message m = h.poll();
            assertThat(m.deadline).isGreaterThanOrEqualTo(prev.deadline);
            assertThat(m).isNotSameAs(gone);
            prev = m;
        }
        assertThat(prev).isSameAs(touched);
    }

    @Test
    void aMessageInAnotherHeapIsNotRemovedFromThisOne() {
        MessageHeap inFlight = new MessageHeap(false);
        MessageHeap deferred = new MessageHeap(true);
        Message a = msg(1, 10, false);
        Message b = msg(2, 10, true);
        inFlight.add(a);
        deferred.add(b); // both at index 0 of their heaps
        inFlight.remove(b);
        inFlight.update(b);
        assertThat(inFlight.size()).isEqualTo(1);
        assertThat(inFlight.peek()).isSameAs(a);
        assertThat(b.heapIndex).isZero();
    }

    @Test
    void clearForgetsEveryPosition() {
        MessageHeap h = new MessageHeap(false);
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Message m = msg(i, i, false);
            all.add(m);
            h.add(m);
        }
        h.clear();
        assertThat(h.isEmpty()).isTrue();
        assertThat(all).allMatch(m -> m.heapIndex == -1);
        h.add(all.get(3));
        assertThat(h.poll()).isSameAs(all.get(3));
    }

    @Test
    void matchesASortedListUnderRandomOperations() {
        Random rnd = new Random(7);
        MessageHeap h = new MessageHeap(false);
        List<Message> ref = new ArrayList<>();
        for (int op = 0; op < 50_000; op++) {
            int r = rnd.nextInt(10);
            if (r < 4 || ref.isEmpty()) {
                Message m = msg(op, rnd.nextInt(1000), false);
                h.add(m);
                ref.add(m);
            } else if (r < 6) {
                Message m = ref.remove(rnd.nextInt(ref.size()));
                h.remove(m);
                assertThat(m.heapIndex).isEqualTo(-1);
            } else if (r < 8) {
                Message m = ref.get(rnd.nextInt(ref.size()));
                m.deadline = rnd.nextInt(1000);
                h.update(m);
            } else {
                long min = ref.stream().mapToLong(m -> m.deadline).min().orElseThrow();
                Message top = h.poll();
                assertThat(top.deadline).isEqualTo(min);
                assertThat(ref.remove(top)).isTrue();
            }
            if (op % 1000 == 0) {
                checkIndexes(h, ref);
            }
        }
        ref.sort(Comparator.comparingLong(m -> m.deadline));
        for (Message expected : ref) {
            assertThat(h.poll().deadline).isEqualTo(expected.deadline);
        }
        assertThat(h.isEmpty()).isTrue();
    }
}
