package io.nodeq.daemon.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** GET/PUT /config/:opt on a real daemon (nsqd's TestHTTPconfig and the checks around it). */
class ConfigApiTest extends RealDaemonFixture {

    @AfterEach
    void restoreLogLevel() {
        if (daemon != null) {
            daemon.setLogLevel("info");
        }
    }

    @Test
    void getShowsEveryOptionByItsConfigName() throws Exception {
        start(b -> b.nodeId(77).e2eProcessingLatencyPercentiles(List.of(0.99, 0.5)).msgTimeout(Duration.ofSeconds(30)));
        assertJson(http.get("/config/mem_queue_size"), "10000");
        assertJson(http.get("/config/msg_timeout"), "30000000000");
        assertJson(http.get("/config/max_req_timeout"), "3600000000000");
        assertJson(http.get("/config/nsqlookupd_tcp_addresses"), "[]");
        assertJson(http.get("/config/auth_http_addresses"), "[]");
        assertJson(http.get("/config/id"), "77");
        assertJson(http.get("/config/tcp_address"), "\"127.0.0.1:0\"");
        assertJson(http.get("/config/data_path"), "\"" + dataDir + "\"");
        assertJson(http.get("/config/e2e_processing_latency_percentiles"), "[0.99,0.5]");
        assertJson(http.get("/config/deflate"), "true");
        assertJson(http.get("/config/log_level"), "2");
        assertJson(http.get("/config/max_msg_size"), "1048576");
        assertError(http.get("/config/node_id"), 400, "INVALID_OPTION");
        assertError(http.get("/config/nope"), 400, "INVALID_OPTION");
        assertError(http.get("/config/statsd_prefix"), 400, "INVALID_OPTION");
    }

    @Test
    void putLookupdAddresses() throws Exception {
        start();
        assertJson(http.put("/config/nsqlookupd_tcp_addresses", "[\"127.0.0.1:4160\",\"127.0.0.2:4160\"]"),
                "[\"127.0.0.1:4160\",\"127.0.0.2:4160\"]");
        assertThat(daemon.lookupdTcpAddresses()).containsExactly("127.0.0.1:4160", "127.0.0.2:4160");
        assertJson(http.get("/config/nsqlookupd_tcp_addresses"), "[\"127.0.0.1:4160\",\"127.0.0.2:4160\"]");
        assertJson(http.put("/config/nsqlookupd_tcp_addresses", "[]"), "[]");
        assertError(http.put("/config/nsqlookupd_tcp_addresses", "[1]"), 400, "INVALID_VALUE");
        assertError(http.put("/config/nsqlookupd_tcp_addresses", "{\"a\":1}"), 400, "INVALID_VALUE");
        assertError(http.put("/config/nsqlookupd_tcp_addresses", "not json"), 400, "INVALID_VALUE");
        assertThat(daemon.lookupdTcpAddresses()).isEmpty();
    }

    @Test
    void putLogLevel() throws Exception {
        start();
        assertJson(http.put("/config/log_level", "fatal"), "5");
        assertThat(daemon.logLevel()).isEqualTo("fatal");
        assertJson(http.get("/config/log_level"), "5");
        assertJson(http.put("/config/log_level", "debug"), "1");
        assertError(http.put("/config/log_level", "bad"), 400, "INVALID_VALUE");
        assertThat(daemon.logLevel()).isEqualTo("debug");
    }

    @Test
    void putChecksTheBodyBeforeTheOption() throws Exception {
        start(b -> b.maxMsgSize(16));
        assertError(http.put("/config/log_level", ""), 413, "INVALID_VALUE");
        assertError(http.put("/config/mem_queue_size", ""), 413, "INVALID_VALUE");
        assertError(http.put("/config/log_level", "x".repeat(17)), 413, "INVALID_VALUE");
        assertError(http.put("/config/mem_queue_size", "5"), 400, "INVALID_OPTION");
        assertError(http.put("/config/nope", "5"), 400, "INVALID_OPTION");
    }

    @Test
    void lookupdAddressesAndLogLevel() throws Exception {
        start();
        HttpResponse<String> r = http.get("/config/nsqlookupd_tcp_addresses");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");

        String list = "[\"127.0.0.1:4160\",\"127.0.0.2:4160\"]";
        r = http.put("/config/nsqlookupd_tcp_addresses", list);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(list);
        assertThat(daemon.lookupdTcpAddresses()).containsExactly("127.0.0.1:4160", "127.0.0.2:4160");
        assertThat(http.put("/config/nsqlookupd_tcp_addresses", "[]").body()).isEqualTo("[]");

        r = http.put("/config/log_level", "fatal");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("5");
        assertThat(daemon.logLevel()).isEqualTo("fatal");

        assertError(http.put("/config/log_level", "bad"), 400, "INVALID_VALUE");
        assertError(http.put("/config/mem_queue_size", "1"), 400, "INVALID_OPTION");
    }

    @Test
    void optionsInNsqdUnits() throws Exception {
        start();
        assertThat(http.get("/config/mem_queue_size").body()).isEqualTo("10000");
        assertThat(http.get("/config/msg_timeout").body()).isEqualTo("60000000000");
        assertThat(http.get("/config/max_msg_size").body()).isEqualTo("1048576");
        assertThat(http.get("/config/broadcast_address").body()).isEqualTo("\"127.0.0.1\"");
        assertThat(http.get("/config/id").body()).isEqualTo(String.valueOf(daemon.options().nodeId()));
        assertError(http.get("/config/no_such_option"), 400, "INVALID_OPTION");
    }

    private static void assertJson(HttpResponse<String> r, String body) {
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
    }
}
