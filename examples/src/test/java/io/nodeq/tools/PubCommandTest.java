package io.nodeq.tools;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nodeq pub} against a real daemon; what it published is read back with {@code nodeq tail}. */
class PubCommandTest extends ToolMeshTestBase {
    @Test
    void everyStdinLineBecomesAMessage() throws Exception {
        ToolMesh.Run r = ToolMesh.run("alpha\nbeta\n\ngamma with spaces\nno newline at the end",
                "pub", "--topic", "lines", "--nsqd-tcp-address", mesh.daemonTcp());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).matches("nodeq pub: published 4 messages \\(47 bytes\\) to lines on 127\\.0\\.0\\.1:\\d+ in \\d+\\.\\d\\d s\\R");
        assertThat(mesh.topicStats("lines").getLong("depth")).isEqualTo(4);   // no channel yet: held by the topic

        ToolMesh.Run tail = ToolMesh.start("", new CompletableFuture<>(), "tail", "--topic", "lines",
                "--nsqd-tcp-address", mesh.daemonTcp(), "--n", "4").get(30, TimeUnit.SECONDS);
        assertThat(tail.outLines()).containsExactly("alpha", "beta", "gamma with spaces", "no newline at the end");
    }

    @Test
    void manyLinesAreBatchedAndAllArrive() throws Exception {
        int n = 5000;
        String input = IntStream.range(0, n).mapToObj(i -> "event-" + i).collect(Collectors.joining("\n", "", "\n"));
        ToolMesh.Run r = ToolMesh.run(input, "pub", "--topic", "many", "--nsqd-tcp-address", mesh.daemonTcp(),
                "--batch-size", "300");
        assertThat(r.code()).isZero();
        assertThat(r.err()).startsWith("nodeq pub: published 5000 messages");
        assertThat(mesh.topicStats("many").getLong("depth")).isEqualTo(n);
        assertThat(mesh.topicStats("many").getLong("message_count")).isEqualTo(n);
    }

    @Test
    void customDelimiter() throws Exception {
        ToolMesh.Run r = ToolMesh.run("a,b,,c", "pub", "--topic", "csv", "--nsqd-tcp-address", mesh.daemonTcp(),
                "--delimiter", ",");
        assertThat(r.code()).isZero();
        assertThat(mesh.topicStats("csv").getLong("depth")).isEqualTo(3);
    }

    @Test
    void unreachableDaemonIsExitCodeOneWithTheReason() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ToolMesh.Run r = ToolMesh.run("lost\n", "pub", "--topic", "t", "--nsqd-tcp-address", "127.0.0.1:" + closedPort,
                "--connect-timeout", "300ms");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("nodeq pub: cannot connect to daemon 127.0.0.1:" + closedPort + " within 300ms"
                + System.lineSeparator());
    }
}
