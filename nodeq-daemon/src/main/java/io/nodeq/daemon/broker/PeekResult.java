package io.nodeq.daemon.broker;

import java.util.List;

/** What {@link Broker#peek} found: the channel's next messages in delivery order, or why there are none. */
public record PeekResult(Broker.Result result, List<PeekedMessage> messages) {
    static PeekResult of(Broker.Result result) {
        return new PeekResult(result, List.of());
    }
}
