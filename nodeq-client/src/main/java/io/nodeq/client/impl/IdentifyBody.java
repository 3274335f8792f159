package io.nodeq.client.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.client.ConnectionOptions;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the IDENTIFY JSON body from {@link ConnectionOptions} (nsq-protocol.md §1.8.1). */
public final class IdentifyBody {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IdentifyBody() {
    }

    public static byte[] json(ConnectionOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_id", o.clientId());
        m.put("hostname", o.hostname());
        m.put("user_agent", o.userAgent());
        m.put("feature_negotiation", true);
        m.put("heartbeat_interval", o.heartbeatInterval() == null ? -1 : o.heartbeatInterval().toMillis());
        if (o.msgTimeout() != null) {
            m.put("msg_timeout", o.msgTimeout().toMillis());
        }
        if (o.outputBufferSize() != 0) {
            m.put("output_buffer_size", o.outputBufferSize());
        }
        if (o.outputBufferTimeout() != null) {
            m.put("output_buffer_timeout", o.outputBufferTimeout().isNegative() ? -1 : o.outputBufferTimeout().toMillis());
        }
        m.put("sample_rate", o.sampleRate());
        m.put("tls_v1", o.tls());
        m.put("snappy", o.snappy());
        m.put("deflate", o.deflate());
        m.put("deflate_level", o.deflateLevel());
        // nodeq's message headers; nsqd ignores keys it does not know, so asking is always safe
        m.put("nodeq_headers", true);
        try {
            return MAPPER.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode IDENTIFY", e);
        }
    }
}
