package io.nodeq.daemon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The scheduling calls, made on threads of this JVM and read back from /proc. */
class LinuxSchedulingTest {

    @Test
    void aThreadGetsTheSliceItAsksForWhereTheKernelHasCustomSlices() throws Exception {
        String[] seen = onNewThread(() -> {
            String outcome = LinuxScheduling.setSliceOfCurrentThread(250_000);
            return new String[] {outcome, slice(Path.of("/proc/thread-self/sched"))};
        });
        if (hasCustomSlices()) {
            assertThat(seen[0]).as("outcome").isNull();
            assertThat(seen[1]).isEqualTo("250000");
            // the slice is the thread's own: this one keeps the kernel's
            assertThat(slice(Path.of("/proc/thread-self/sched"))).isNotEqualTo("250000");
        } else {
            assertThat(seen[0]).as("why not, on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.version")).isNotBlank();
        }
    }

    @Test
    void aNiceValueGoesToTheNamedThreadOnly() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "Linux /proc");
        int before = niceOfThisThread();
        int[] seen = onNewThread(() -> {
            int tid = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            String outcome = LinuxScheduling.setNice(tid, 7);
            assertThat(outcome).isNull();
            return new int[] {niceOfThisThread()};
        });
        assertThat(seen[0]).isEqualTo(7);
        assertThat(niceOfThisThread()).isEqualTo(before);
    }

    @Test
    void aFailedCallSaysWhy() throws Exception {
        assumeTrue(LinuxScheduling.unavailable() == null, "the C library through JNA");
        // no such thread: setpriority fails with ESRCH (3)
        assertThat(LinuxScheduling.setNice(Integer.MAX_VALUE, 5)).isEqualTo("setpriority failed: errno 3");
    }

    /** Linux 6.12 or later: sched_setattr takes a fair thread's slice. */
    static boolean hasCustomSlices() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return false;
        }
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return major > 6 || (major == 6 && minor >= 12);
    }

    /** The {@code se.slice} value of a {@code /proc/.../sched} file, in ns (null without one). */
    static String slice(Path sched) throws java.io.IOException {
        for (String line : Files.readAllLines(sched, StandardCharsets.US_ASCII)) {
            if (line.startsWith("se.slice")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    private static int niceOfThisThread() throws java.io.IOException {
        return JitPriority.niceOf(Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII));
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    private static <T> T onNewThread(Body<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "scheduling-test");
        t.start();
        return result.get(30, TimeUnit.SECONDS);
    }
}
