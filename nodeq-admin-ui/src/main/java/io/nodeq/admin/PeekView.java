package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The peek panel's JSON: every node's {@code /channel/peek} messages, concatenated in node order,
 * each labelled with its node. A body is shown as text only when it is valid UTF-8 without control
 * characters (tabs and newlines aside); anything else is binary and shown as base64, so the page
 * never has to guess from a daemon's lossy text rendering. Pure functions.
 */
final class PeekView {
    private PeekView() {
    }

    static JsonObject of(String topic, String channel, int n, DeliveryActions.FanOut f) {
        JsonArray messages = new JsonArray();
        for (DeliveryActions.Result r : f.results()) {
            for (JsonObject m : StatsJson.objects(r.body().getJsonArray("messages"))) {
                messages.add(message(r.node(), m));
            }
        }
        JsonArray errors = new JsonArray();
        f.errors().forEach(e -> errors.add(e.toJson()));
        return new JsonObject().put("topic", topic).put("channel", channel).put("n", n)
                .put("nodes", f.results().size()).put("messages", messages).put("errors", errors);
    }

    private static JsonObject message(String node, JsonObject m) {
        byte[] body = bytes(m);
        String text = text(body);
        return new JsonObject().put("node", node).put("id", m.getString("id")).put("seq", m.getValue("seq"))
                .put("timestamp", m.getValue("timestamp")).put("attempts", m.getValue("attempts"))
                .put("state", m.getString("state")).put("size", body.length)
                .put("binary", text == null).put("body", text)
                .put("body_base64", Base64.getEncoder().encodeToString(body))
                .put("headers", m.getJsonObject("headers", new JsonObject()));
    }

    private static byte[] bytes(JsonObject m) {
        String b64 = m.getString("body_base64");
        if (b64 != null) {
            try {
                return Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                // fall back to the daemon's text rendering
            }
        }
        String text = m.getString("body");
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The body as text, or null when it is not printable UTF-8. */
    static String text(byte[] body) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return null;
            }
        }
        return s;
    }
}
