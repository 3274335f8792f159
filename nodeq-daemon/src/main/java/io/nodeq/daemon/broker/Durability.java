package io.nodeq.daemon.broker;

/**
 * A topic's storage level (see the README): when a publisher gets OK, and what survives a crash.
 */
public enum Durability {
    /** NSQ's level: OK once the records are written to the log (the page cache); fsync every --sync-every / --sync-timeout. */
    MEMORY_FIRST("memory-first"),
    /** OK only once the records are written and fsynced, one fsync per shard for all that arrived meanwhile. */
    DURABLE("durable");

    private final String flagValue;

    Durability(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The name in flags, /topic/create, nsqd.dat and /stats. */
    public String flagValue() {
        return flagValue;
    }

    /** Parses a flag or parameter value; null when it names no level. */
    public static Durability parse(String value) {
        for (Durability d : values()) {
            if (d.flagValue.equals(value)) {
                return d;
            }
        }
        return null;
    }
}
