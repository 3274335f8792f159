package io.nodeq.daemon;

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

import static org.awaitility.Awaitility.await;

/**
 * A daemon in its own JVM (io.nodeq.daemon.Main on the test classpath), for tests that stop it
 * with a signal. Ports are read from its "listening on" log lines.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Pattern TCP = Pattern.compile("TCP: listening on [^:]+:(\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP: listening on [^:]+:(\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile int tcpPort = -1;
    private volatile int httpPort = -1;
    private final Thread reader;

    private DaemonProcess(Process process) {
        this.process = process;
        reader = new Thread(this::readOutput, "daemon-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static DaemonProcess start(Path dataDir, String... extraFlags) throws IOException {
        return start(dataDir, List.of(), extraFlags);
    }

    /** As {@link #start(Path, String...)}, with extra JVM options for the daemon's JVM (before its main class). */
    public static DaemonProcess start(Path dataDir, List<String> jvmOptions, String... extraFlags) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.nodeq.daemon.Main");
        cmd.add("--tcp-address=127.0.0.1:0");
        cmd.add("--http-address=127.0.0.1:0");
        cmd.add("--broadcast-address=127.0.0.1");
        cmd.add("--data-path=" + dataDir);
        if (java.util.Arrays.stream(extraFlags).noneMatch(f -> f.startsWith("--jit-warmup"))) {
            cmd.add("--jit-warmup=0"); // restarted many times: a tail-latency warm-up only slows these tests down
        }
        cmd.addAll(List.of(extraFlags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        DaemonProcess d = new DaemonProcess(p);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> (d.tcpPort > 0 && d.httpPort > 0) || !p.isAlive());
        } catch (RuntimeException e) {
            p.destroyForcibly(); // a daemon that never said where it listens must not outlive the test
            throw e;
        }
        if (!p.isAlive()) {
            throw new IllegalStateException("daemon exited: " + String.join("\n", d.output));
        }
        return d;
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                Matcher t = TCP.matcher(line);
                if (t.find()) {
                    tcpPort = Integer.parseInt(t.group(1));
                }
                Matcher h = HTTP.matcher(line);
                if (h.find()) {
                    httpPort = Integer.parseInt(h.group(1));
                }
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public List<String> output() {
        return output;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int terminate() throws InterruptedException {
        // Process.destroy() would also close our end of its stdout and lose its last lines
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("daemon did not exit within 60 s of SIGTERM");
        }
        reader.join(10_000); // the last lines it printed
        return process.exitValue();
    }

    /** SIGKILL: no shutdown work at all. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
