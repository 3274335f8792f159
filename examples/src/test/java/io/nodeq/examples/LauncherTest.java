package io.nodeq.examples;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repository's own {@code ./run.sh}, as a new user runs it: starts the mesh on the default ports,
 * a message goes in over HTTP, shows in the admin UI, is consumed through the lookup, and SIGTERM
 * stops every process. Needs the three server jars, which a reactor build ({@code ./test.sh}) has
 * packaged before this module (nodeq-admin-ui comes before examples in the parent's module list);
 * skipped when they are missing or a default port is taken.
 */
class LauncherTest {
    private static final List<Integer> PORTS = List.of(4150, 4151, 4160, 4161, 4171);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    @Test
    void runShStartsTheMeshThatWorksAndStopsOnSigterm() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        assumeTrue(Files.isRegularFile(root.resolve("run.sh")), "no run.sh in " + root);
        for (String jar : List.of("nodeq-lookup/target/nodeq-lookup.jar", "nodeq-daemon/target/nodeq-daemon.jar",
                "nodeq-admin-ui/target/nodeq-admin-ui.jar")) {
            assumeTrue(Files.isRegularFile(root.resolve(jar)), jar + " not built (run the whole reactor: ./test.sh)");
        }
        for (int port : PORTS) {
            assumeTrue(free(port), "port " + port + " is taken; not starting a second mesh");
        }

        ProcessBuilder pb = new ProcessBuilder("bash", "run.sh").directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("NODEQ_DATA", data.toString());
        // three JVMs on a small, busy machine: little heap, fast start
        pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        Process runSh = pb.start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> copy(runSh, output), "run.sh-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(runSh.isAlive()).as("run.sh exited early:%n%s", output).isTrue();
                return output.indexOf("nodeq mesh is up") >= 0;
            });
            assertThat(output.toString()).contains("admin UI        http://127.0.0.1:4171/");

            String topic = "launcher_" + ThreadLocalRandom.current().nextInt(1_000_000);
            HttpResponse<String> pub = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:4151/pub?topic=" + topic))
                    .POST(HttpRequest.BodyPublishers.ofString("hello from the launcher test")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pub.statusCode()).isEqualTo(200);
            assertThat(pub.body()).isEqualTo("OK");

            // the admin UI finds it the way a user's browser sees it: lookup -> daemon /stats
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonObject t = new JsonObject(HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:4171/api/topics/" + topic)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(t.getBoolean("exists")).isTrue();
                assertThat(t.getJsonObject("totals").getLong("message_count")).isEqualTo(1);
                assertThat(t.getJsonObject("totals").getLong("depth")).isEqualTo(1);
            });

            // and a consumer that knows only the lookup gets it
            assertThat(ConsumeViaLookupExample.consume("127.0.0.1:4161", topic, "launcher", 1, Duration.ofSeconds(60)))
                    .containsExactly("hello from the launcher test");

            List<ProcessHandle> servers = runSh.descendants().toList();
            assertThat(servers).as("lookup, daemon and admin JVMs").hasSizeGreaterThanOrEqualTo(3);
            // SIGTERM to run.sh only (Process.destroy() would also close our end of its output pipe)
            runSh.toHandle().destroy();
            await().atMost(Duration.ofSeconds(60)).until(() -> !runSh.isAlive());
            assertThat(servers).noneMatch(ProcessHandle::isAlive);
            for (int port : PORTS) {
                assertThat(listening(port)).as("port %d still open", port).isFalse();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> output.indexOf("stopped.") >= 0);
        } finally {
            // whatever happened, leave nothing running: the servers first, then the script
            runSh.descendants().forEach(ProcessHandle::destroy);
            runSh.toHandle().destroy();
            if (!runSh.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                runSh.descendants().forEach(ProcessHandle::destroyForcibly);
                runSh.destroyForcibly();
            }
        }
    }

    private static void copy(Process p, StringBuffer into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                into.append(line).append('\n');
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));   // fails if anyone listens on it (or on 0.0.0.0)
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
