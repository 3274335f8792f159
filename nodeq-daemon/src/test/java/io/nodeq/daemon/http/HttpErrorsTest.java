package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static io.nodeq.daemon.http.FakeApiFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's TestHTTPerrors and TestInfo, plus /ping, on a real daemon. */
class HttpErrorsTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension();

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void wrongMethodAndUnknownPath() throws Exception {
        HttpResponse<String> r = http.post("/stats");
        assertError(r, 405, "METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, OPTIONS");
        assertError(http.get("/not_found"), 404, "NOT_FOUND");
    }

    @Test
    void infoReportsTheVersionAndRealPorts() throws Exception {
        HttpResponse<String> r = http.get("/info");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject info = new JsonObject(r.body());
        assertThat(info.getString("version")).isEqualTo("1.3.0");
        assertThat(info.getInteger("http_port")).isEqualTo(daemon.httpPort());
        assertThat(info.getInteger("tcp_port")).isEqualTo(daemon.tcpPort());
        assertThat(info.getLong("start_time")).isEqualTo(daemon.startTime());
    }

    @Test
    void ping() throws Exception {
        HttpResponse<String> r = http.get("/ping");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
    }
}
