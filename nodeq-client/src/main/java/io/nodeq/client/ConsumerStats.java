package io.nodeq.client;

/**
 * A snapshot of a consumer's counters.
 *
 * @param received      messages delivered by the daemons
 * @param finished      FINs sent (handler success, manual finish, give-ups)
 * @param requeued      REQs sent
 * @param gaveUp        messages passed to the give-up handler (over max attempts)
 * @param handlerErrors handler invocations that threw
 * @param inFlight      delivered and not yet finished or requeued
 * @param connections   subscribed daemon connections
 */
public record ConsumerStats(long received, long finished, long requeued, long gaveUp, long handlerErrors,
                            long inFlight, int connections) {
}
