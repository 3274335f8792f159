package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * --jit-nice and --sched-slice: a daemon process's JIT compiler threads run at the nice value asked
 * for, its event loops and disk lanes at the slice asked for (on Linux 6.12+), each left alone at 0.
 */
class JitPriorityTest {
    private static final String STAT = "4242 (C2 CompilerThre) S 1 4242 4242 0 -1 1077936192 7 0 0 0 1 0 0 0 39 19 20 0 5 "
            + "0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 -1 1 0 5 0 0 0";

    @Test
    void readsTheNameAndTheNiceValueOfAThreadsStatLine() {
        assertThat(JitPriority.isCompilerThread(STAT)).isTrue();
        assertThat(JitPriority.niceOf(STAT)).isEqualTo(19);
        assertThat(JitPriority.isCompilerThread(STAT.replace("C2 CompilerThre", "vert.x-eventloo"))).isFalse();
    }

    @Test
    void theDaemonsCompilerThreadsGetTheNiceValueAndItsLoopsAndLanesTheSlice(@TempDir Path data) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        boolean slices = LinuxSchedulingTest.hasCustomSlices();
        try (DaemonProcess d = DaemonProcess.start(data.resolve("a"))) {
            List<long[]> threads = threads(d.pid());
            assertThat(threads).filteredOn(t -> t[0] == COMPILER).as("compiler threads").isNotEmpty()
                    .allMatch(t -> t[1] == 10);
            assertThat(threads).filteredOn(t -> t[0] == LOOP).as("event loops").isNotEmpty().allMatch(t -> t[1] == 0);
            if (slices) {
                assertThat(threads).filteredOn(t -> t[0] == LOOP || t[0] == LANE || t[0] == COMPILER)
                        .as("event loops, disk lanes and compiler threads").hasSizeGreaterThan(4)
                        .allMatch(t -> t[2] == 100_000);
                assertThat(threads).filteredOn(t -> t[0] == OTHER && t[3] == GC).as("GC threads").isNotEmpty()
                        .allMatch(t -> t[2] != 100_000);
            }
        }
        try (DaemonProcess d = DaemonProcess.start(data.resolve("b"), "--jit-nice=0", "--sched-slice=0")) {
            List<long[]> threads = threads(d.pid());
            assertThat(threads).filteredOn(t -> t[0] == COMPILER).isNotEmpty().allMatch(t -> t[1] == 0);
            long kernelDefault = threads.stream().filter(t -> t[3] == GC).findFirst().orElseThrow()[2];
            assertThat(threads).filteredOn(t -> t[0] == LOOP || t[0] == LANE || t[0] == COMPILER).isNotEmpty()
                    .allMatch(t -> t[2] == kernelDefault);
        }
    }

    private static final int OTHER = 0;
    private static final int COMPILER = 1;
    private static final int LOOP = 2;
    private static final int LANE = 3;
    private static final int GC = 1;

    /** For each thread of {@code pid}: {kind, nice value, scheduler slice in ns (-1 unknown), 1 for a G1 thread}. */
    private static List<long[]> threads(long pid) throws IOException {
        List<long[]> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : dir) {
                String stat;
                String slice;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    slice = LinuxSchedulingTest.slice(task.resolve("sched"));
                } catch (IOException gone) {
                    continue; // a thread that ended meanwhile
                }
                int kind = JitPriority.isCompilerThread(stat) ? COMPILER : stat.contains("(vert.x-eventloo") ? LOOP
                        : stat.contains("(nodeq-disk-lane") ? LANE : OTHER;
                out.add(new long[] {kind, JitPriority.niceOf(stat), slice == null ? -1 : Long.parseLong(slice),
                        stat.contains("(GC Thread") || stat.contains("(G1 ") ? GC : 0});
            }
        }
        return out;
    }
}
