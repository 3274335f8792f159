package io.nodeq.admin;

import io.nodeq.client.NsqAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One daemon as discovered through lookups ({@code /nodes}, {@code /lookup}) or its own {@code /info}.
 * {@code address} is NSQ's node identity, {@code broadcast_address:http_port} (or the configured
 * address in --nsqd-http-address mode); {@code tombstones} parallels {@code topics} (§3.4).
 */
record Node(String address, String hostname, String broadcastAddress, int tcpPort, int httpPort, String version,
            List<String> topics, List<Boolean> tombstones, List<String> reportedBy) {

    /** From a lookup's {@code /nodes} or {@code /lookup} producer entry. */
    static Node fromProducer(JsonObject p, String lookupd) {
        String broadcast = p.getString("broadcast_address", "");
        int httpPort = p.getInteger("http_port", 0);
        List<String> topics = new ArrayList<>();
        List<Boolean> tombstones = new ArrayList<>();
        JsonArray t = p.getJsonArray("topics");
        JsonArray ts = p.getJsonArray("tombstones");
        if (t != null) {
            for (int i = 0; i < t.size(); i++) {
                topics.add(t.getString(i));
                tombstones.add(ts != null && i < ts.size() && Boolean.TRUE.equals(ts.getValue(i)));
            }
        }
        return new Node(NsqAddress.join(broadcast, httpPort), p.getString("hostname", ""), broadcast,
                p.getInteger("tcp_port", 0), httpPort, p.getString("version", ""), topics, tombstones,
                List.of(lookupd));
    }

    /** From a daemon's own {@code /info}, identified by the address it was configured with. */
    static Node fromInfo(String configured, JsonObject info) {
        return new Node(configured, info.getString("hostname", ""), info.getString("broadcast_address", ""),
                info.getInteger("tcp_port", 0), info.getInteger("http_port", 0), info.getString("version", ""),
                List.of(), List.of(), List.of());
    }

    /** The same node as seen by one more lookup: union of topics (a tombstone anywhere counts), reporters. */
    Node merge(Node other) {
        List<String> t = new ArrayList<>(topics);
        List<Boolean> ts = new ArrayList<>(tombstones);
        for (int i = 0; i < other.topics.size(); i++) {
            int at = t.indexOf(other.topics.get(i));
            if (at < 0) {
                t.add(other.topics.get(i));
                ts.add(other.tombstones.get(i));
            } else if (other.tombstones.get(i)) {
                ts.set(at, true);
            }
        }
        List<String> r = new ArrayList<>(reportedBy);
        for (String l : other.reportedBy) {
            if (!r.contains(l)) {
                r.add(l);
            }
        }
        return new Node(address, hostname, broadcastAddress, tcpPort, httpPort, version, t, ts, r);
    }

    boolean tombstoned(String topic) {
        int at = topics.indexOf(topic);
        return at >= 0 && tombstones.get(at);
    }

    JsonObject toJson() {
        JsonArray topicList = new JsonArray();
        for (int i = 0; i < topics.size(); i++) {
            topicList.add(new JsonObject().put("topic", topics.get(i)).put("tombstoned", tombstones.get(i)));
        }
        return new JsonObject().put("node", address).put("hostname", hostname)
                .put("broadcast_address", broadcastAddress).put("tcp_port", tcpPort).put("http_port", httpPort)
                .put("version", version).put("topics", topicList).put("reported_by", new JsonArray(reportedBy));
    }
}
