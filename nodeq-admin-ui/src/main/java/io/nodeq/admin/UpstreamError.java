package io.nodeq.admin;

import io.vertx.core.json.JsonObject;

/** One lookup or daemon that did not answer in time (or answered wrongly): an error row on the page. */
record UpstreamError(String kind, String address, String message) {
    static final String NSQD = "nsqd";
    static final String LOOKUPD = "lookupd";

    JsonObject toJson() {
        return new JsonObject().put("kind", kind).put("address", address).put("message", message);
    }
}
