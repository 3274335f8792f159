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

/** --jit-nice: a daemon process's JIT compiler threads run at the nice value asked for, its event loops as before. */
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
    void theDaemonsCompilerThreadsGetTheNiceValueAndItsEventLoopsKeepTheirs(@TempDir Path data) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        assumeTrue(onPath("renice"), "util-linux renice");
        try (DaemonProcess d = DaemonProcess.start(data.resolve("a"))) {
            List<int[]> threads = threads(d.pid());
            assertThat(threads).filteredOn(t -> t[0] == 1).as("compiler threads").isNotEmpty()
                    .allMatch(t -> t[1] == 10);
            assertThat(threads).filteredOn(t -> t[0] == 2).as("event loops").isNotEmpty().allMatch(t -> t[1] == 0);
        }
        try (DaemonProcess d = DaemonProcess.start(data.resolve("b"), "--jit-nice=0")) {
            assertThat(threads(d.pid())).filteredOn(t -> t[0] == 1).isNotEmpty().allMatch(t -> t[1] == 0);
        }
    }

    /** For each thread of {@code pid}: {kind (1 compiler, 2 event loop, 0 other), nice value}. */
    private static List<int[]> threads(long pid) throws IOException {
        List<int[]> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : dir) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException gone) {
                    continue; // a thread that ended meanwhile
                }
                int kind = JitPriority.isCompilerThread(stat) ? 1 : stat.contains("(vert.x-eventloo") ? 2 : 0;
                out.add(new int[] {kind, JitPriority.niceOf(stat)});
            }
        }
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
