package io.nodeq.daemon.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes LookupPeers sends, read by a hand-written V1 server (so they match what a real
 * nsqlookupd expects: nsq-protocol.md §3.1/§3.2), and what it does with a lookup that stops answering.
 */
class LookupPeersWireTest {

    private static String line(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF after " + b);
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static void answer(DataOutputStream out, String data) throws IOException {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        out.writeInt(d.length);
        out.write(d);
        out.flush();
    }

    @Test
    void bytesOnTheWireAndReconnectAfterASilentLookup() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket server = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            NodeInfo self = new NodeInfo("10.0.0.7", "box", 4150, 4151, "1.3.0");
            LookupPeers peers = new LookupPeers(vertx, List.of("127.0.0.1:" + server.getLocalPort()), self,
                    () -> List.of(new Registration("a", null), new Registration("b", "bc")), Duration.ofMillis(1000));
            peers.start();
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] magic = in.readNBytes(4);
                assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("  V1");
                assertThat(line(in)).isEqualTo("IDENTIFY");
                byte[] body = in.readNBytes(in.readInt());
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(
                        "{\"broadcast_address\":\"10.0.0.7\",\"hostname\":\"box\",\"http_port\":4151,\"tcp_port\":4150,"
                                + "\"topology_region\":\"\",\"topology_zone\":\"\",\"version\":\"1.3.0\"}");
                // nothing else is sent before the IDENTIFY answer: one command at a time
                answer(out, "{\"broadcast_address\":\"127.0.0.1\",\"hostname\":\"lk\",\"http_port\":1,\"tcp_port\":2,\"version\":\"1.3.0\"}");
                assertThat(line(in)).isEqualTo("REGISTER a");
                answer(out, "OK");
                assertThat(line(in)).isEqualTo("REGISTER b bc");
                answer(out, "OK");
                peers.register("c", "cc");
                peers.unregister("c", "cc");
                assertThat(line(in)).isEqualTo("REGISTER c cc");
                answer(out, "OK");
                assertThat(line(in)).isEqualTo("UNREGISTER c cc");
                answer(out, "OK");
                assertThat(line(in)).isEqualTo("PING");
                // no answer: after the 1 s deadline it hangs up
                long t0 = System.nanoTime();
                assertThat(in.read()).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
            }
            // and comes back with IDENTIFY and the snapshot
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("  V1");
                assertThat(line(in)).isEqualTo("IDENTIFY");
                in.readNBytes(in.readInt());
                answer(out, "OK");
                assertThat(line(in)).isEqualTo("REGISTER a");
                answer(out, "E_BAD_TOPIC whatever");
                // an error answer makes it drop the connection (lookup errors are fatal anyway)
                assertThat(in.read()).isEqualTo(-1);
            }
            peers.stop().await(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
