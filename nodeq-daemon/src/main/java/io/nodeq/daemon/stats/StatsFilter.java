package io.nodeq.daemon.stats;

/** The /stats filters: null topic/channel means all; clients toggles client and producer lists. */
public record StatsFilter(String topic, String channel, boolean includeClients) {
    public static final StatsFilter ALL = new StatsFilter(null, null, true);
}
