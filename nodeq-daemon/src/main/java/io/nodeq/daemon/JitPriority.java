package io.nodeq.daemon;

import io.nodeq.protocol.GoDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --jit-nice} and {@code --sched-slice}: on Linux, gives the JVM's JIT compiler threads a
 * nice value and a short scheduler slice, so that a compilation keeps a woken event loop (or a
 * client's thread on the same machine) off a core less often and for less long.
 *
 * <p>Why: on a 2-core machine a C2 compile runs for tens of milliseconds, and the kernel lets the
 * running thread finish its slice before a thread it just woke gets the core. At 1,000 msgs/s,
 * perf sched showed event loops waiting 3-5 ms behind "C2 CompilerThread": most of the p99.9 that
 * nodeq had above nsqd's at light load. Nice 10 about halved those waits. The SCHED_IDLE class
 * removed them, but it starves compilation on a saturated machine (compiles wait while the load
 * lasts): at 50,000 msgs/s three runs gave p99.9 of 6, 62 and 49 ms against 7, 14 and 8 ms. At
 * nice 10 the compiler still gets about a tenth of a busy core. Since Linux 6.6 (EEVDF) a nice
 * value alone does not end such a wait early: the running thread keeps the core until its slice
 * is used (1.4 ms on a 2-core machine), whatever its weight; the short slice does (a woken thread
 * waited up to 2.3 ms behind a C1 or C2 compile in perf sched at 1,000 msgs/s with nice 10 alone).
 * Threads the JVM adds later are started by a compiler thread and inherit both.
 *
 * <p>Java cannot set a thread's nice value itself: this calls {@code setpriority} (through
 * {@link LinuxScheduling}) on the threads found in {@code /proc/self/task}. Without {@code /proc}
 * or the call it logs why and changes nothing. Stateless.
 */
final class JitPriority {
    private static final Logger LOG = LoggerFactory.getLogger(JitPriority.class);

    private JitPriority() {
    }

    /**
     * Gives the compiler threads the nice value {@code nice} and the scheduler slice
     * {@code sliceNs} (see {@link LinuxScheduling}: a compile then gives way to a woken thread
     * within a short slice); 0 leaves either alone, and off Linux nothing happens.
     */
    static void apply(int nice, long sliceNs) {
        Path tasks = Path.of("/proc/self/task");
        if ((nice == 0 && sliceNs == 0) || !Files.isDirectory(tasks)) {
            return;
        }
        List<Integer> tids = new ArrayList<>();
        List<Integer> toRenice = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                if (isCompilerThread(stat)) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    tids.add(tid);
                    if (niceOf(stat) < nice) {
                        toRenice.add(tid);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("--jit-nice: cannot list this process's threads: {}", e.toString());
            return;
        }
        List<String> done = new ArrayList<>();
        String failure = firstFailure(toRenice, tid -> LinuxScheduling.setNice(tid, nice));
        if (failure != null) {
            LOG.info("--jit-nice: the JIT compiler threads keep their priority: {}", failure);
        } else if (!toRenice.isEmpty()) {
            done.add("at nice " + nice + " (--jit-nice)");
        }
        // a slice that fails here failed on the event loops first, whose line said why
        if (sliceNs > 0 && !tids.isEmpty()
                && firstFailure(tids, tid -> LinuxScheduling.setSlice(tid, sliceNs)) == null) {
            done.add("at a " + GoDuration.format(Duration.ofNanos(sliceNs)) + " scheduler slice (--sched-slice)");
        }
        if (!done.isEmpty()) {
            LOG.info("JIT compiler threads {} {}", tids, String.join(" and ", done));
        }
    }

    /** Applies {@code call} to each thread until one fails; that failure, or null. */
    private static String firstFailure(List<Integer> tids, java.util.function.IntFunction<String> call) {
        for (int tid : tids) {
            String failure = call.apply(tid);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /** {@code /proc/.../stat} of a thread named like HotSpot's "C2 CompilerThread0" (cut to 15 characters). */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open >= 0 && close > open && stat.substring(open + 1, close).contains("CompilerThre");
    }

    /** The nice value in a {@code /proc/.../stat} line (field 19; the name in parentheses may hold spaces). */
    static int niceOf(String stat) {
        return Integer.parseInt(field(stat, 19));
    }

    private static String field(String stat, int n) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return fields[n - 3];
    }
}
