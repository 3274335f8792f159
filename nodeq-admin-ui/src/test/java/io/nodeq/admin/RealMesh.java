package io.nodeq.admin;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real nodeq lookup and two real daemons registered with it, on 127.0.0.1 with OS-chosen ports;
 * each daemon gets {@code topic} with {@code channels} created over its HTTP API, and start()
 * returns once the lookup lists both as producers of it.
 */
final class RealMesh implements AutoCloseable {
    final LookupServer lookup;
    final String lookupHttp;
    private final Daemon[] daemons = new Daemon[2];
    final String[] httpAddresses = new String[2];

    private RealMesh(LookupServer lookup) {
        this.lookup = lookup;
        this.lookupHttp = "127.0.0.1:" + lookup.httpPort();
    }

    static RealMesh start(Path dir, String topic, String... channels) throws Exception {
        RealMesh m = new RealMesh(LookupServer.start(LookupOptions.loopback()).await(20, TimeUnit.SECONDS));
        try {
            List<String> lookupTcp = List.of("127.0.0.1:" + m.lookup.tcpPort());
            for (int i = 0; i < 2; i++) {
                m.daemons[i] = Daemon.start(DaemonOptions.forTest(Files.createDirectories(dir.resolve("nsqd" + i)))
                        .lookupdTcpAddresses(lookupTcp).e2eProcessingLatencyPercentiles(List.of(0.99, 0.5)).build())
                        .await(20, TimeUnit.SECONDS);
                m.httpAddresses[i] = "127.0.0.1:" + m.daemons[i].httpPort();
                NsqdHttp.post(m.httpAddresses[i], "/topic/create?topic=" + topic, "");
                for (String c : channels) {
                    NsqdHttp.post(m.httpAddresses[i], "/channel/create?topic=" + topic + "&channel=" + c, "");
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.getAbs("http://" + m.lookupHttp + "/lookup?topic="
                    + topic).json().getJsonArray("producers").size() == 2);
            return m;
        } catch (Exception | AssertionError e) {
            m.close();
            throw e;
        }
    }

    int httpPort(int i) {
        return daemons[i].httpPort();
    }

    int tcpPort(int i) {
        return daemons[i].tcpPort();
    }

    /** Stops one daemon (it leaves the lookup as its connection closes). */
    void stop(int i) throws Exception {
        Daemon d = daemons[i];
        daemons[i] = null;
        d.close().await(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < daemons.length; i++) {
            if (daemons[i] != null) {
                stop(i);
            }
        }
        lookup.close().await(30, TimeUnit.SECONDS);
    }
}
