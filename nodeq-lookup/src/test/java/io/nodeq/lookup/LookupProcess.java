package io.nodeq.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** {@code io.nodeq.lookup.Main} as a separate JVM on this module's test classpath. */
public final class LookupProcess implements AutoCloseable {
    /** The Hazelcast flags of the parent pom's {@code hazelcast.jvm.flags} (toolchain.md). */
    private static final List<String> JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "-Dhazelcast.logging.type=slf4j", "-Dhazelcast.phone.home.enabled=false",
            "-Dhazelcast.health.monitoring.level=OFF", "-Xmx256m", "-XX:TieredStopAtLevel=1");
    private static final Pattern LISTENING = Pattern.compile("(TCP|HTTP): listening on [^:]+:(\\d+)");

    public final Process process;
    public final List<String> stdout = new CopyOnWriteArrayList<>();
    public final List<String> stderr = new CopyOnWriteArrayList<>();

    public LookupProcess(String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add("io.nodeq.lookup.Main");
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).start();
        drain(process.getInputStream(), stdout);
        drain(process.getErrorStream(), stderr);
    }

    private static void drain(java.io.InputStream in, List<String> into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "lookup-process-drain");
        t.setDaemon(true);
        t.start();
    }

    public int waitFor(Duration d) throws InterruptedException {
        if (!process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process still running; stderr: " + stderr);
        }
        return process.exitValue();
    }

    /** Waits for both "listening" lines and returns {tcpPort, httpPort}. */
    public int[] ports() {
        int[] ports = new int[2];
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("process exited " + process.exitValue() + ": " + stderr);
            }
            for (String l : stderr) {
                Matcher m = LISTENING.matcher(l);
                if (m.find()) {
                    ports["TCP".equals(m.group(1)) ? 0 : 1] = Integer.parseInt(m.group(2));
                }
            }
            return ports[0] > 0 && ports[1] > 0;
        });
        return ports;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
