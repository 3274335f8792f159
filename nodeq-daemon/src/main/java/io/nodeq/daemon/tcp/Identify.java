package io.nodeq.daemon.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.protocol.ErrorCodes;
import io.nodeq.protocol.ProtocolError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * IDENTIFY: the client's settings, checked and settled as nsqd does (nsq-protocol.md §1.8).
 * Unknown keys and nulls are ignored, keys match case-insensitively (Go's JSON decoder), numbers
 * must be integers; the first out-of-range value fails in nsqd's order.
 */
final class Identify {
    private static final ObjectMapper JSON = new ObjectMapper();

    String clientId = "";
    String hostname = "";
    String userAgent = "";
    boolean featureNegotiation;
    long heartbeatIntervalMs;
    int outputBufferSize;
    long outputBufferTimeoutMs;
    boolean tlsRequested;
    boolean snappy;
    boolean deflate;
    int deflateLevel;
    int sampleRate;
    long msgTimeoutMs;
    String topologyRegion = "";
    String topologyZone = "";
    /** nodeq extension: bodies and message frames carry a header block (PROTOCOL-EXTENSIONS.md). */
    boolean headers;

    /** Thrown with the exact error nsqd sends. */
    static final class Failure extends Exception {
        final ProtocolError error;

        Failure(String code, String text) {
            super(text, null, false, false);
            this.error = ProtocolError.of(code, text);
        }
    }

    /**
     * Loads the JSON parser before the first client: a cold first IDENTIFY took over 2 s on a busy
     * machine, past go-nsq's 1 s write deadline for the TLS handshake that follows it.
     */
    static void warmUp(DaemonOptions o) {
        try {
            parse("{\"feature_negotiation\":true,\"client_id\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8), o)
                    .response(o, false, false);
        } catch (Failure e) {
            throw new IllegalStateException(e);
        }
    }

    static Identify parse(byte[] body, DaemonOptions o) throws Failure {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        if (root == null || !root.isObject()) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        ObjectNode fields = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) {
                fields.set(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        Identify id = new Identify();
        id.clientId = string(fields, "client_id");
        id.hostname = string(fields, "hostname");
        id.userAgent = string(fields, "user_agent");
        id.featureNegotiation = bool(fields, "feature_negotiation");
        id.tlsRequested = bool(fields, "tls_v1");
        id.snappy = bool(fields, "snappy");
        id.deflate = bool(fields, "deflate");
        id.topologyRegion = string(fields, "topology_region");
        id.topologyZone = string(fields, "topology_zone");
        // granted only with feature_negotiation: a client that gets no JSON reply cannot know
        // whether this daemon (or a real nsqd) understood it, as with nsqd's tls_v1 and snappy
        id.headers = bool(fields, "nodeq_headers") && id.featureNegotiation;
        long heartbeat = integer(fields, "heartbeat_interval");
        long obTimeout = integer(fields, "output_buffer_timeout");
        long obSize = integer(fields, "output_buffer_size");
        long sample = integer(fields, "sample_rate");
        long msgTimeout = integer(fields, "msg_timeout");
        long deflateLevel = integer(fields, "deflate_level");

        long maxHeartbeat = o.maxHeartbeatInterval().toMillis();
        if (heartbeat == -1) {
            id.heartbeatIntervalMs = -1;
        } else if (heartbeat == 0) {
            id.heartbeatIntervalMs = o.defaultHeartbeatInterval().toMillis();
        } else if (heartbeat >= 1000 && heartbeat <= maxHeartbeat) {
            id.heartbeatIntervalMs = heartbeat;
        } else {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY heartbeat interval (" + heartbeat + ") is invalid");
        }

        if (obTimeout == -1) {
            id.outputBufferTimeoutMs = 0;
        } else if (obTimeout == 0) {
            id.outputBufferTimeoutMs = o.outputBufferTimeout().toMillis();
        } else if (obTimeout >= o.minOutputBufferTimeout().toMillis() && obTimeout <= o.maxOutputBufferTimeout().toMillis()) {
            id.outputBufferTimeoutMs = obTimeout;
        } else {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY output buffer timeout (" + obTimeout + ") is invalid");
        }

        if (obSize == -1) {
            id.outputBufferSize = 1;
            id.outputBufferTimeoutMs = 0;
        } else if (obSize == 0) {
            id.outputBufferSize = 16384;
        } else if (obSize >= 64 && obSize <= o.maxOutputBufferSize()) {
            id.outputBufferSize = (int) obSize;
        } else {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY output buffer size (" + obSize + ") is invalid");
        }

        if (sample < 0 || sample > 99) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY sample rate (" + sample + ") is invalid");
        }
        id.sampleRate = (int) sample;

        if (msgTimeout == 0) {
            id.msgTimeoutMs = o.msgTimeout().toMillis();
        } else if (msgTimeout >= 1000 && msgTimeout <= o.maxMsgTimeout().toMillis()) {
            id.msgTimeoutMs = msgTimeout;
        } else {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY msg timeout (" + msgTimeout + ") is invalid");
        }

        if (id.snappy && id.deflate) {
            throw new Failure(ErrorCodes.E_IDENTIFY_FAILED, "cannot enable both deflate and snappy compression");
        }
        id.snappy = id.snappy && o.snappy();
        id.deflate = id.deflate && o.deflate();
        // the requested level is honoured only when deflate is granted (protocol_v2.go)
        int level = 6;
        if (id.deflate && deflateLevel > 0) {
            level = (int) Math.min(deflateLevel, Integer.MAX_VALUE);
        }
        id.deflateLevel = Math.min(level, o.maxDeflateLevel());
        return id;
    }

    /** The negotiation reply, keys in nsqd's order (§1.8.2). */
    byte[] response(DaemonOptions o, boolean tlsGranted, boolean authRequired) {
        ObjectNode r = JSON.createObjectNode();
        r.put("max_rdy_count", o.maxRdyCount());
        r.put("version", DaemonOptions.VERSION);
        r.put("max_msg_timeout", o.maxMsgTimeout().toMillis());
        r.put("msg_timeout", msgTimeoutMs);
        r.put("tls_v1", tlsGranted);
        r.put("deflate", deflate);
        r.put("deflate_level", deflateLevel);
        r.put("max_deflate_level", o.maxDeflateLevel());
        r.put("snappy", snappy);
        r.put("sample_rate", sampleRate);
        r.put("auth_required", authRequired);
        r.put("output_buffer_size", outputBufferSize);
        r.put("output_buffer_timeout", outputBufferTimeoutMs);
        r.put("topology_region", "");
        r.put("topology_zone", "");
        if (headers) {
            // only for a client that asked: everyone else gets nsqd's reply byte for byte
            r.put("nodeq_headers", true);
        }
        return r.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ObjectNode f, String key) throws Failure {
        JsonNode n = f.get(key);
        if (n == null) {
            return "";
        }
        if (!n.isTextual()) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        return n.asText();
    }

    private static boolean bool(ObjectNode f, String key) throws Failure {
        JsonNode n = f.get(key);
        if (n == null) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        return n.asBoolean();
    }

    private static long integer(ObjectNode f, String key) throws Failure {
        JsonNode n = f.get(key);
        if (n == null) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new Failure(ErrorCodes.E_BAD_BODY, "IDENTIFY failed to decode JSON body");
        }
        return n.asLong();
    }
}
