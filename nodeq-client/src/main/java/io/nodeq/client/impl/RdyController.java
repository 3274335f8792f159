package io.nodeq.client.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides the RDY count of every connection of one consumer (nsq-protocol.md §7.2, §7.3), after
 * go-nsq's rules with a stricter budget:
 *
 * <ul>
 * <li>Normal: {@code maxInFlight} split over the connections (remainder to the first ones), capped
 *     by each daemon's {@code max_rdy_count}; RDY is sent only when a value changes (§1.10).</li>
 * <li>More connections than {@code maxInFlight} (go-nsq's starvation case): RDY 1 rotates. A
 *     connection loses its RDY when it has been idle for {@code idleTimeoutMs} or has held it for
 *     {@code holdTimeoutMs}; the freed budget goes round-robin to the next connection that has
 *     nothing in flight, so every daemon is drained in turn. Budget counts
 *     {@code max(rdy, inFlight)} per connection, so {@code maxInFlight} is never exceeded.</li>
 * <li>Backoff: a failure raises the level (until the next delay would pass {@code maxBackoffMs}),
 *     sets RDY 0 everywhere and waits {@code multiplierMs × 2^(level-1)}; then RDY 1 on one
 *     connection probes. Each success lowers the level; at 0 the normal split returns. Signals
 *     arriving while the wait runs are ignored.</li>
 * </ul>
 *
 * <p>Owned by the consumer's context; not thread-safe.
 */
public final class RdyController {

    /** One subscribed connection as the controller sees it. */
    public interface Target {
        int rdy();

        int inFlight();

        int maxRdy();

        /** When the last message arrived (ms, {@link Clock#nowMs()} scale), 0 if never. */
        long lastMessageAt();

        /** When RDY last changed from 0 to a positive value. */
        long rdySetAt();

        /** Writes {@code RDY n}; the target records {@code n} (and the time when it leaves 0). */
        void sendRdy(int n);
    }

    /** Time and timers, so tests can drive the controller without a clock. */
    public interface Clock {
        long nowMs();

        long setTimer(long delayMs, Runnable task);

        void cancelTimer(long id);
    }

    /** The tuning knobs (see {@code ConsumerOptions}). */
    public record Settings(int maxInFlight, long idleTimeoutMs, long holdTimeoutMs, long backoffMultiplierMs,
                           long maxBackoffMs) {
        boolean backoffEnabled() {
            return backoffMultiplierMs > 0 && maxBackoffMs > 0;
        }
    }

    private enum Backoff { NONE, WAITING, PROBING }

    private final Clock clock;
    private Settings settings;
    private final List<Target> targets = new ArrayList<>();
    private int next;
    private Backoff state = Backoff.NONE;
    private int level;
    private long backoffTimer = -1;
    private Target probe;
    private boolean stopped;

    public RdyController(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public void add(Target t) {
        targets.add(t);
        rebalance();
    }

    public void remove(Target t) {
        int i = targets.indexOf(t);
        if (i < 0) {
            return;
        }
        targets.remove(i);
        if (next > i) {
            next--;
        }
        if (probe == t) {
            probe = null;
        }
        rebalance();
    }

    public int size() {
        return targets.size();
    }

    public int backoffLevel() {
        return level;
    }

    public boolean inBackoff() {
        return state != Backoff.NONE;
    }

    public void setMaxInFlight(int maxInFlight) {
        settings = new Settings(maxInFlight, settings.idleTimeoutMs(), settings.holdTimeoutMs(),
                settings.backoffMultiplierMs(), settings.maxBackoffMs());
        rebalance();
    }

    /** No more RDY from now on (the consumer is stopping and has sent CLS). */
    public void stop() {
        stopped = true;
        cancelBackoffTimer();
    }

    /** Whether periodic ticks and acks can change anything (rotation or backoff). */
    public boolean needsTicks() {
        return state != Backoff.NONE || targets.size() > settings.maxInFlight();
    }

    /** A message was finished (success) or requeued with backoff (failure). */
    public void onResult(boolean success) {
        if (stopped || !settings.backoffEnabled() || state == Backoff.WAITING) {
            return;
        }
        if (success) {
            if (level == 0) {
                return;
            }
            level--;
            if (level == 0) {
                state = Backoff.NONE;
                probe = null;
                rebalance();
            } else {
                startWaiting();
            }
        } else {
            if (level == 0 || rawDelay(level + 1) <= settings.maxBackoffMs()) {
                level++;
            }
            startWaiting();
        }
    }

    /** Re-applies the policy: after connection changes, acks, and on a periodic tick. */
    public void rebalance() {
        if (stopped || targets.isEmpty()) {
            return;
        }
        switch (state) {
            case WAITING -> {
                for (Target t : targets) {
                    set(t, 0);
                }
            }
            case PROBING -> {
                if (probe == null) {
                    probe = targets.get(next++ % targets.size());
                    next %= targets.size();
                }
                for (Target t : targets) {
                    set(t, t == probe ? 1 : 0);
                }
            }
            default -> {
                int n = targets.size();
                int max = settings.maxInFlight();
                if (max == 0) {
                    for (Target t : targets) {
                        set(t, 0);
                    }
                } else if (n <= max) {
                    share(n, max);
                } else {
                    rotate(max);
                }
            }
        }
    }

    private void share(int n, int max) {
        int base = max / n;
        int extra = max % n;
        for (int i = 0; i < n; i++) {
            Target t = targets.get(i);
            set(t, Math.min(t.maxRdy(), base + (i < extra ? 1 : 0)));
        }
    }

    private void rotate(int max) {
        long now = clock.nowMs();
        int used = 0;
        int n = targets.size();
        for (int i = 0; i < n; i++) {
            Target t = targets.get(i);
            if (t.rdy() > 0) {
                long since = Math.max(t.rdySetAt(), t.lastMessageAt());
                boolean idle = t.inFlight() == 0 && now - since >= settings.idleTimeoutMs();
                boolean held = now - t.rdySetAt() >= settings.holdTimeoutMs();
                if (idle || held) {
                    set(t, 0);
                    next = i + 1;   // the next grant starts after it, so the others get their turn first
                } else if (t.rdy() > 1) {
                    set(t, 1);
                }
            }
            used += Math.max(t.rdy(), t.inFlight());
        }
        for (int tries = 0; tries < n && used < max; tries++) {
            int i = next % n;
            Target t = targets.get(i);
            if (t.rdy() == 0 && t.inFlight() == 0) {
                set(t, 1);
                used++;
                next = i + 1;
            } else {
                next = i + 1;
            }
        }
        next %= n;
    }

    private void startWaiting() {
        cancelBackoffTimer();
        state = Backoff.WAITING;
        probe = null;
        rebalance();
        backoffTimer = clock.setTimer(delayFor(level), () -> {
            backoffTimer = -1;
            if (state == Backoff.WAITING && !stopped) {
                state = Backoff.PROBING;
                rebalance();
            }
        });
    }

    /** The wait for a level: multiplier × 2^(level-1), capped at maxBackoff. */
    public long delayFor(int lvl) {
        return Math.min(rawDelay(lvl), settings.maxBackoffMs());
    }

    private long rawDelay(int lvl) {
        long d = settings.backoffMultiplierMs();
        for (int i = 1; i < lvl && d <= settings.maxBackoffMs(); i++) {
            d *= 2;
        }
        return d;
    }

    private void cancelBackoffTimer() {
        if (backoffTimer >= 0) {
            clock.cancelTimer(backoffTimer);
            backoffTimer = -1;
        }
    }

    private static void set(Target t, int n) {
        if (t.rdy() != n) {
            t.sendRdy(n);
        }
    }
}
