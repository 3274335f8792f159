package io.nodeq.examples.bench;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench tools against a real nodeq daemon on port 0: every published message is consumed once. */
@Timeout(120)
class BenchAgainstDaemonTest {

    @Test
    void writerThenReaderMoveEveryMessageThroughTheDaemon(@TempDir Path data) throws Exception {
        Daemon daemon = Daemon.start(DaemonOptions.forTest(data).tcpAddress("127.0.0.1:0").build()).await(20, TimeUnit.SECONDS);
        try {
            String address = "127.0.0.1:" + daemon.tcpPort();
            // No channel yet: the topic keeps the messages until SUB creates "ch" (nsq-protocol.md §1.14).
            String w = run(true, "--nsqd-tcp-address", address, "--runfor", "30s", "--count", "20000", "--batch-size", "100");
            assertThat(w).contains("published 20000 messages in 200 MPUB");
            String r = run(false, "--nsqd-tcp-address", address, "--runfor", "30s", "--count", "20000", "--rdy", "1000");
            assertThat(r).contains("finished 20000 messages (redelivered 0, body size not 200: 0, E_FIN_FAILED 0)");
        } finally {
            daemon.close().await(20, TimeUnit.SECONDS);
        }
    }

    private static String run(boolean writer, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = writer ? BenchWriter.run(args, o, e) : BenchReader.run(args, o, e);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("%s%s", text, err.toString(StandardCharsets.UTF_8)).isZero();
        return text;
    }
}
