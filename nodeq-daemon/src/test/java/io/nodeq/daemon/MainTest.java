package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Main in-process: exit codes and messages, and a real start and clean close. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Main in this JVM: its compiler threads keep their priority (--jit-nice is for daemon processes, JitPriorityTest). */
    private Main.Launch launch(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--jit-nice=0";
        return Main.launch(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badFlagIsExit2WithOneLine() {
        Main.Launch l = launch("--mem-queue-size", "abc");
        assertThat(l.exitCode()).isEqualTo(2);
        assertThat(l.daemon()).isNull();
        assertThat(stderr()).isEqualTo("nodeq-daemon: invalid value \"abc\" for flag --mem-queue-size: not an integer\n");
        assertThat(out.size()).isZero();
    }

    @Test
    void helpAndVersionAreExit0OnStdout() {
        assertThat(launch("--help").exitCode()).isZero();
        assertThat(launch("--version").exitCode()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: nodeq-daemon").contains("nodeq-daemon v1.3.0");
        assertThat(err.size()).isZero();
    }

    @Test
    void portInUseIsExit1WithOneLine(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Main.Launch l = launch("--tcp-address=127.0.0.1:" + busy.getLocalPort(), "--http-address=127.0.0.1:0",
                    "--data-path=" + dir, "--broadcast-address=127.0.0.1", "--jit-warmup=0");
            assertThat(l.exitCode()).isEqualTo(1);
            assertThat(l.daemon()).isNull();
            assertThat(stderr()).startsWith("nodeq-daemon: cannot start: ").endsWith("\n")
                    .contains("--tcp-address 127.0.0.1:" + busy.getLocalPort());
            assertThat(stderr().strip()).doesNotContain("\n");
        }
    }

    @Test
    void startsServesAndClosesThenTheDataPathIsFreeAgain(@TempDir Path dir) throws Exception {
        String[] args = {"--tcp-address=127.0.0.1:0", "--http-address=127.0.0.1:0", "--data-path=" + dir,
                "--broadcast-address=127.0.0.1", "--shards=1", "--jit-warmup=300ms"};
        Main.Launch l = launch(args);
        assertThat(l.exitCode()).as(stderr()).isZero();
        Daemon daemon = l.daemon();
        try {
            // the warm-up's scratch daemon left nothing in this one: no topic, no files
            String stats = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + daemon.httpPort() + "/stats?format=json")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(stats).contains("\"topics\":[]");
            try (var files = java.nio.file.Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("jit_warmup");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.tcpPort())) {
                assertThat(s.isConnected()).isTrue();
            }
            // a second daemon on the same data path is refused: the path is locked
            Main.Launch second = launch(args);
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(stderr()).startsWith("nodeq-daemon: cannot start: ");
        } finally {
            Main.shutdown(daemon);
        }
        Main.Launch again = launch(args);
        assertThat(again.exitCode()).isZero();
        Main.shutdown(again.daemon());
    }
}
