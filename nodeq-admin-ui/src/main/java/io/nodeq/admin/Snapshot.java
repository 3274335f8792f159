package io.nodeq.admin;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What one gathering round saw: each answering daemon's {@code /stats} JSON, the errors of the
 * ones that did not answer, and what the lookups know beyond the daemons (topics and channels
 * with no producer). Immutable once built.
 */
record Snapshot(long takenAtMs, List<NodeStats> nodes, List<UpstreamError> errors, List<String> lookupTopics,
                List<String> lookupChannels) {

    /** A daemon and its {@code /stats?format=json} body. */
    record NodeStats(Node node, JsonObject stats) {
    }
}
