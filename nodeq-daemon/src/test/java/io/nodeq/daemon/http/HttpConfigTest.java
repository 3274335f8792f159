package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static io.nodeq.daemon.http.FakeApiFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's TestHTTPconfig on a real daemon. */
class HttpConfigTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension();

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @AfterEach
    void restoreLogLevel() {
        daemon.setLogLevel("info");
    }

    @Test
    void lookupdAddressesAndLogLevel() throws Exception {
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
        assertThat(http.get("/config/mem_queue_size").body()).isEqualTo("10000");
        assertThat(http.get("/config/msg_timeout").body()).isEqualTo("60000000000");
        assertThat(http.get("/config/max_msg_size").body()).isEqualTo("1048576");
        assertThat(http.get("/config/broadcast_address").body()).isEqualTo("\"127.0.0.1\"");
        assertThat(http.get("/config/id").body()).isEqualTo(String.valueOf(daemon.options().nodeId()));
        assertError(http.get("/config/no_such_option"), 400, "INVALID_OPTION");
    }
}
