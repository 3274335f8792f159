package io.nodeq.client.impl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** RDY policy driven by a manual clock: shares, rotation without starvation, the budget, backoff. */
class RdyControllerTest {

    static final class Clock implements RdyController.Clock {
        long now = 1_000;
        long ids;
        final TreeMap<Long, List<Runnable>> timers = new TreeMap<>();
        final java.util.Map<Long, Long> dueById = new java.util.HashMap<>();

        @Override
        public long nowMs() {
            return now;
        }

        @Override
        public long setTimer(long delayMs, Runnable task) {
            long id = ids++;
            long due = now + delayMs;
            timers.computeIfAbsent(due, k -> new ArrayList<>()).add(task);
            dueById.put(id, due);
            return id;
        }

        @Override
        public void cancelTimer(long id) {
            Long due = dueById.remove(id);
            if (due != null) {
                timers.remove(due);
            }
        }

        void advance(long ms) {
            long end = now + ms;
            while (!timers.isEmpty() && timers.firstKey() <= end) {
                var e = timers.pollFirstEntry();
                now = e.getKey();
                e.getValue().forEach(Runnable::run);
            }
            now = end;
        }
    }

    final class Conn implements RdyController.Target {
        final String name;
        int rdy;
        int inFlight;
        long lastMessageAt;
        long rdySetAt;
        final List<Integer> sent = new ArrayList<>();

        Conn(String name) {
            this.name = name;
        }

        @Override public int rdy() { return rdy; }
        @Override public int inFlight() { return inFlight; }
        @Override public int maxRdy() { return 2500; }
        @Override public long lastMessageAt() { return lastMessageAt; }
        @Override public long rdySetAt() { return rdySetAt; }

        @Override
        public void sendRdy(int n) {
            if (rdy == 0 && n > 0) {
                rdySetAt = clock.now;
            }
            rdy = n;
            sent.add(n);
        }

        /** The daemon delivers while in_flight < RDY (nsq-protocol.md §1.10). */
        boolean deliver() {
            if (inFlight < rdy) {
                inFlight++;
                lastMessageAt = clock.now;
                return true;
            }
            return false;
        }

        void finish(RdyController c, boolean ok) {
            inFlight--;
            c.onResult(ok);
            if (c.needsTicks()) {
                c.rebalance();
            }
        }
    }

    final Clock clock = new Clock();

    RdyController controller(int maxInFlight) {
        return new RdyController(new RdyController.Settings(maxInFlight, 100, 500, 1000, 8000), clock);
    }

    @Test
    void splitsMaxInFlightAndResplitsWhenConnectionsComeAndGo() {
        RdyController c = controller(10);
        Conn a = new Conn("a"), b = new Conn("b"), d = new Conn("c");
        c.add(a);
        assertThat(a.rdy).isEqualTo(10);
        c.add(b);
        c.add(d);
        assertThat(List.of(a.rdy, b.rdy, d.rdy)).containsExactly(4, 3, 3);
        c.remove(a);
        assertThat(List.of(b.rdy, d.rdy)).containsExactly(5, 5);
        // unchanged values are not resent (the daemon keeps RDY; §1.10)
        c.rebalance();
        assertThat(b.sent).containsExactly(5, 3, 5);
        c.setMaxInFlight(0);
        assertThat(List.of(b.rdy, d.rdy)).containsExactly(0, 0);
    }

    @Test
    void rotatesRdyOneSoEveryDaemonIsDrainedAndNeverExceedsTheBudget() {
        RdyController c = controller(1);
        List<Conn> conns = List.of(new Conn("a"), new Conn("b"), new Conn("c"));
        conns.forEach(c::add);
        // every connection has a backlog; handlers are fast
        Set<String> servedBy = new HashSet<>();
        int[] served = new int[3];
        for (int step = 0; step < 3000; step++) {
            for (int i = 0; i < 3; i++) {
                Conn x = conns.get(i);
                if (x.deliver()) {
                    servedBy.add(x.name);
                    served[i]++;
                    clock.advance(1);
                    x.finish(c, true);
                }
            }
            int used = conns.stream().mapToInt(x -> Math.max(x.rdy, x.inFlight)).sum();
            assertThat(used).isLessThanOrEqualTo(1);
            clock.advance(1);
            if (step % 50 == 0) {
                c.rebalance();
            }
        }
        assertThat(servedBy).containsExactlyInAnyOrder("a", "b", "c");
        for (int s : served) {
            assertThat(s).isGreaterThan(200);
        }
    }

    @Test
    void idleConnectionsHandTheirRdyOn() {
        RdyController c = controller(1);
        Conn a = new Conn("a"), b = new Conn("b");
        c.add(a);
        c.add(b);
        assertThat(a.rdy + b.rdy).isEqualTo(1);
        Conn holder = a.rdy == 1 ? a : b;
        Conn other = holder == a ? b : a;
        clock.advance(150);   // idle timeout 100
        c.rebalance();
        assertThat(holder.rdy).isZero();
        assertThat(other.rdy).isEqualTo(1);
    }

    @Test
    void aBusyConnectionKeepsItsInFlightUntilDoneBeforeTheBudgetMoves() {
        RdyController c = controller(1);
        Conn a = new Conn("a"), b = new Conn("b");
        c.add(a);
        c.add(b);
        Conn holder = a.rdy == 1 ? a : b;
        Conn other = holder == a ? b : a;
        holder.deliver();
        clock.advance(600);  // hold timeout 500: RDY taken away, but the message is still in flight
        c.rebalance();
        assertThat(holder.rdy).isZero();
        assertThat(other.rdy).isZero();
        holder.finish(c, true);
        assertThat(other.rdy).isEqualTo(1);
    }

    @Test
    void backoffPausesEverythingThenProbesThenRecovers() {
        RdyController c = controller(6);
        Conn a = new Conn("a"), b = new Conn("b");
        c.add(a);
        c.add(b);
        assertThat(List.of(a.rdy, b.rdy)).containsExactly(3, 3);
        a.deliver();
        a.finish(c, false);
        assertThat(c.backoffLevel()).isEqualTo(1);
        assertThat(List.of(a.rdy, b.rdy)).containsExactly(0, 0);
        // a failure while waiting is ignored
        b.deliver();
        b.finish(c, false);
        assertThat(c.backoffLevel()).isEqualTo(1);
        clock.advance(999);
        assertThat(a.rdy + b.rdy).isZero();
        clock.advance(1);
        assertThat(a.rdy + b.rdy).isEqualTo(1);   // one probe
        Conn probe = a.rdy == 1 ? a : b;
        probe.deliver();
        probe.finish(c, false);                    // probe fails: level 2, wait 2 s
        assertThat(c.backoffLevel()).isEqualTo(2);
        clock.advance(1999);
        assertThat(a.rdy + b.rdy).isZero();
        clock.advance(1);
        probe = a.rdy == 1 ? a : b;
        probe.deliver();
        probe.finish(c, true);                     // success: level 1, wait again (1 s)
        assertThat(c.backoffLevel()).isEqualTo(1);
        assertThat(a.rdy + b.rdy).isZero();
        clock.advance(1000);
        probe = a.rdy == 1 ? a : b;
        probe.deliver();
        probe.finish(c, true);                     // level 0: normal split again
        assertThat(c.backoffLevel()).isZero();
        assertThat(c.inBackoff()).isFalse();
        assertThat(List.of(a.rdy, b.rdy)).containsExactly(3, 3);
    }

    @Test
    void backoffLevelStopsRisingAtTheCap() {
        RdyController c = controller(1);
        Conn a = new Conn("a");
        c.add(a);
        for (int i = 0; i < 10; i++) {
            clock.advance(10_000);
            assertThat(a.rdy).isEqualTo(1);
            a.deliver();
            a.finish(c, false);
        }
        // 1, 2, 4, 8 s: 8 s is the cap, so the level stays at 4
        assertThat(c.backoffLevel()).isEqualTo(4);
        assertThat(c.delayFor(c.backoffLevel())).isEqualTo(8000);
    }
}
