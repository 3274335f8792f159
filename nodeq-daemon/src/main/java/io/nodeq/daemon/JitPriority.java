package io.nodeq.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --jit-idle}: on Linux, puts the JVM's JIT compiler threads in the SCHED_IDLE class, so a
 * compilation runs on cores no event loop wants and never keeps a woken event loop waiting.
 *
 * <p>Why: on a 2-core machine a C2 compile runs for tens of milliseconds, and the kernel lets the
 * running thread finish its slice before a thread it just woke gets the core. At 1,000 msgs/s,
 * perf sched showed event loops waiting 3-5 ms behind "C2 CompilerThread": most of the p99.9 that
 * nodeq had above nsqd's at light load. Nice 10 halved those waits (the kernel still lets the
 * running task finish its slice); SCHED_IDLE removed them: a normal thread waking up takes the
 * core from an idle-class one at once. The compiler still gets every idle cycle, and a small
 * share of a saturated core, so under full load new compilations go slower; the hot paths are
 * compiled by then (see {@link JitWarmup}). Threads the JVM adds later are started by a compiler
 * thread and inherit its class.
 *
 * <p>Java cannot change a thread's scheduling class itself: this runs util-linux's {@code chrt}
 * on the threads found in {@code /proc/self/task}. Without {@code /proc} or {@code chrt} it logs
 * why and changes nothing. Stateless.
 */
final class JitPriority {
    private static final Logger LOG = LoggerFactory.getLogger(JitPriority.class);
    /** The policy number of SCHED_IDLE (field 41 of /proc/.../stat). */
    static final int SCHED_IDLE = 5;

    private JitPriority() {
    }

    /** Puts the compiler threads in SCHED_IDLE; returns the thread IDs changed (none when not on Linux). */
    static List<String> idle() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        List<String> tids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                if (isCompilerThread(stat) && policyOf(stat) != SCHED_IDLE) {
                    tids.add(task.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("--jit-idle: cannot list this process's threads: {}", e.toString());
            return List.of();
        }
        List<String> done = new ArrayList<>();
        for (String tid : tids) {
            String failure = run(List.of("chrt", "--idle", "--pid", "0", tid));
            if (failure != null) {
                LOG.info("--jit-idle: the JIT compiler threads keep their priority: {}", failure);
                return done;
            }
            done.add(tid);
        }
        if (!done.isEmpty()) {
            LOG.info("JIT compiler threads {} in SCHED_IDLE (--jit-idle)", done);
        }
        return done;
    }

    /** Runs a command; null when it exited 0, else why not. */
    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                return cmd.get(0) + " did not finish";
            }
            return p.exitValue() == 0 ? null
                    : output.isEmpty() ? cmd.get(0) + " exit " + p.exitValue() : output.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "cannot run " + cmd.get(0) + " (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** {@code /proc/.../stat} of a thread named like HotSpot's "C2 CompilerThread0" (cut to 15 characters). */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open >= 0 && close > open && stat.substring(open + 1, close).contains("CompilerThre");
    }

    /** The scheduling policy in a {@code /proc/.../stat} line (field 41; the name in parentheses may hold spaces). */
    static int policyOf(String stat) {
        return Integer.parseInt(field(stat, 41));
    }

    private static String field(String stat, int n) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return fields[n - 3];
    }
}
