package io.nodeq.client.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * What the daemon granted in its IDENTIFY reply (nsq-protocol.md §1.8.2). A plain {@code OK} reply
 * means an old server without feature negotiation: take nsqd's defaults, as nsqjs does.
 * {@code headers}: nodeq granted {@code nodeq_headers} (PROTOCOL-EXTENSIONS.md); a real nsqd never does.
 */
public record ServerSettings(int maxRdyCount, long msgTimeoutMs, long maxMsgTimeoutMs, boolean authRequired,
                             boolean tls, boolean snappy, boolean deflate, String version, int deflateLevel,
                             boolean headers) {

    public static final ServerSettings OLD_SERVER =
            new ServerSettings(2500, 60_000, 900_000, false, false, false, false, "", 6, false);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Loads the JSON parser on the calling (application) thread, so the first IDENTIFY reply parses fast on the event loop. */
    public static void warmUp() {
        try {
            parse("{\"max_rdy_count\":2500}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ServerSettings parse(byte[] data) throws IOException {
        if (data.length == 0 || data[0] != '{') {
            return OLD_SERVER;
        }
        JsonNode n = MAPPER.readTree(data);
        return new ServerSettings(
                n.path("max_rdy_count").asInt(2500),
                n.path("msg_timeout").asLong(60_000),
                n.path("max_msg_timeout").asLong(900_000),
                n.path("auth_required").asBoolean(false),
                n.path("tls_v1").asBoolean(false),
                n.path("snappy").asBoolean(false),
                n.path("deflate").asBoolean(false),
                n.path("version").asText(""),
                n.path("deflate_level").asInt(6),
                n.path("nodeq_headers").asBoolean(false));
    }
}
