package io.nodeq.daemon.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** Router errors, /ping and /info on a real daemon (nsqd's TestHTTPerrors and TestInfo). */
class RouterErrorsApiTest extends RealDaemonFixture {

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        start();
        assertError(http.get("/nope"), 404, "NOT_FOUND");
        assertError(http.get("/topic/nope"), 404, "NOT_FOUND");
        assertError(http.get("/config/a/b"), 404, "NOT_FOUND");
        HttpResponse<String> r = http.post("/stats");
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, OPTIONS");
        r = http.get("/pub");
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        r = http.send("DELETE", "/config/log_level", HttpRequest.BodyPublishers.noBody());
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, PUT, OPTIONS");
        assertError(http.get("/topic/create?topic=t"), 405, "METHOD_NOT_ALLOWED");
        assertThat(topicNames()).isEmpty();
        r = http.send("OPTIONS", "/config/log_level", HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, PUT, OPTIONS");
        assertError(http.send("OPTIONS", "/nope", HttpRequest.BodyPublishers.noBody()), 404, "NOT_FOUND");
    }

    @Test
    void malformedQueryStringIsInvalidRequest() throws Exception {
        start();
        for (String request : new String[] {"POST /pub?topic=%zz", "GET /stats?topic=%zz", "POST /topic/create?topic=%"}) {
            String[] parts = request.split(" ");
            String response = http.raw(parts[0], parts[1]);
            assertThat(response).startsWith("HTTP/1.1 400 ").contains("X-NSQ-Content-Type: nsq; version=1.0\r\n")
                    .endsWith("\r\n\r\n{\"message\":\"INVALID_REQUEST\"}");
        }
        assertThat(topicNames()).isEmpty();
    }

    @Test
    void pingIsPlainTextWithoutTheV1Header() throws Exception {
        start();
        HttpResponse<String> r = http.get("/ping");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).isEmpty();
    }

    @Test
    void infoHasNsqdsKeysInOrderWithNanosecondDurations() throws Exception {
        start();
        HttpResponse<String> r = http.get("/info");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
        JsonObject info = new JsonObject(r.body());
        assertThat(info.fieldNames()).containsExactly("version", "broadcast_address", "hostname", "http_port",
                "tcp_port", "start_time", "max_heartbeat_interval", "max_output_buffer_size",
                "max_output_buffer_timeout", "max_deflate_level", "topology_zone", "topology_region");
        assertThat(info.getString("version")).isEqualTo("1.3.0");
        assertThat(info.getString("broadcast_address")).isEqualTo("127.0.0.1");
        assertThat(info.getInteger("http_port")).isEqualTo(port());
        assertThat(info.getInteger("tcp_port")).isEqualTo(daemon.tcpPort());
        assertThat(info.getLong("start_time")).isEqualTo(daemon.startTime());
        assertThat(info.getLong("max_heartbeat_interval")).isEqualTo(60_000_000_000L);
        assertThat(info.getLong("max_output_buffer_size")).isEqualTo(65536);
        assertThat(info.getLong("max_output_buffer_timeout")).isEqualTo(30_000_000_000L);
        assertThat(info.getInteger("max_deflate_level")).isEqualTo(6);
        assertThat(info.getString("hostname")).isNotEmpty();
    }
}
