package io.nodeq.lookup.registry;

/**
 * Sizes of the registration database at one moment, for /metrics: registrations per category
 * ({@code topic}, {@code channel}), producer entries per category ({@code client} is one per
 * identified daemon connection), the daemons /nodes lists as active, and the topic producers
 * currently tombstoned.
 */
public record RegistryCounts(long topics, long channels, long clientProducers, long topicProducers,
                             long channelProducers, long activeProducers, long tombstones) {
    public static final RegistryCounts EMPTY = new RegistryCounts(0, 0, 0, 0, 0, 0, 0);
}
