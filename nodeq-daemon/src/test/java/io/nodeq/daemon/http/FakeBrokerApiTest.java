package io.nodeq.daemon.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP answers to broker states a real daemon cannot be brought into on demand: a storage
 * refusal, a fault inside the broker, an unhealthy disk. Everything else is tested on a real daemon.
 */
class FakeBrokerApiTest extends FakeApiFixture {

    @Test
    void aStorageRefusalIsExiting() throws Exception {
        start();
        broker.failPublish = true;
        assertError(http.post("/pub?topic=t1", "x"), 503, "EXITING");
        assertError(http.post("/mpub?topic=t1", "x\ny"), 503, "EXITING");
    }

    @Test
    void aFaultInsideTheBrokerIs500WithTheReason() throws Exception {
        start();
        broker.publishFault = new IllegalStateException("shard task failed");
        assertError(http.post("/pub?topic=t1", "x"), 500, "INTERNAL_ERROR: shard task failed");
        assertError(http.post("/mpub?topic=t1", "x\ny"), 500, "INTERNAL_ERROR: shard task failed");
    }

    @Test
    void pingSaysNokWhenTheBrokerIsUnhealthy() throws Exception {
        start();
        broker.health = "NOK - disk full";
        HttpResponse<String> r = http.get("/ping");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("NOK - disk full");
    }
}
