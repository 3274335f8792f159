package io.nodeq.lookup.registry;

/**
 * A producer as a query returns it: a value snapshot, never a live object. Times are Unix
 * nanoseconds like NSQ's; {@code tombstonedAt} is {@link #NEVER} when not tombstoned.
 */
public record Producer(PeerInfo peer, long lastUpdate, boolean tombstoned, long tombstonedAt) {
    /** Go's zero time.Time as UnixNano(), what nsqlookupd's /debug shows for "never tombstoned". */
    public static final long NEVER = -6795364578871345152L;

    public String id() {
        return peer.id();
    }

    public boolean isTombstoned(long lifetimeNanos, long nowNanos) {
        return tombstoned && nowNanos - tombstonedAt < lifetimeNanos;
    }

    public boolean isActive(long inactiveTimeoutNanos, long nowNanos) {
        return nowNanos - lastUpdate <= inactiveTimeoutNanos;
    }
}
