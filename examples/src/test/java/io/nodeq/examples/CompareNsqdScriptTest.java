package io.nodeq.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code examples/compare-nsqd.sh}, as a user runs it: its help, its usage errors (one line, exit 2),
 * and, with NSQ's binaries at hand ({@code -Dnsq.bin} or {@code NSQ_BIN}) and the jars packaged, one
 * short latency comparison of the real nsqd with the daemon jar.
 */
@Timeout(300)
class CompareNsqdScriptTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = ROOT.resolve("examples/compare-nsqd.sh");

    @TempDir
    Path tmp;

    /** What one run of the script printed. */
    private record Result(int code, String out, String err) {
    }

    @Test
    void helpSaysHowToGetNsqsToolsAndExitsZero() throws Exception {
        Result r = script("--help");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("examples/compare-nsqd.sh bench   --nsq-bin DIR")
                .contains("examples/compare-nsqd.sh latency --nsq-bin DIR")
                .contains("go build -o DIR/bench_writer ./bench/bench_writer");
        assertThat(script("latency", "--help").out).isEqualTo(r.out);
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("no-nsq-here"));
        List<List<String>> cases = List.of(
                List.of(),
                List.of("compare"),
                List.of("bench", "--bogus", "1"),
                List.of("latency", "--runfor", "3s", "--nsq-bin", empty.toString()),
                List.of("bench", "--rounds"),
                List.of("bench"),
                List.of("latency", "--nsq-bin", empty.toString()),
                List.of("bench", "--nsq-bin", empty.toString(), "--rounds", "0"));
        for (List<String> args : cases) {
            Result r = script(args.toArray(String[]::new));
            assertThat(r.code).as("%s: %s%s", args, r.out, r.err).isEqualTo(2);
            assertThat(r.err.lines()).as("%s", args).hasSize(1).allMatch(l -> l.startsWith("compare-nsqd.sh: "));
            assertThat(r.out).as("%s", args).isEmpty();
        }
    }

    @Test
    void latencyComparesBothServersAndLosesNoMessage() throws Exception {
        String bin = System.getProperty("nsq.bin", System.getenv("NSQ_BIN"));
        assumeTrue(bin != null && Files.isExecutable(Path.of(bin, "nsqd")), "NSQ's nsqd not found: set -Dnsq.bin or NSQ_BIN to run this test");
        assumeTrue(Files.isRegularFile(ROOT.resolve("nodeq-daemon/target/nodeq-daemon.jar")), "daemon jar not built (mvn package)");
        Path tools = ROOT.resolve("examples/target/nodeq.jar");
        assumeTrue(Files.isRegularFile(tools) && hasEntry(tools, "io/nodeq/examples/bench/LatencyBench.class"),
                "examples/target/nodeq.jar without LatencyBench (mvn package)");

        Result r = script("latency", "--nsq-bin", bin, "--rounds", "1", "--rates", "200", "--duration", "1s", "--warmup", "500ms");
        assertThat(r.code).as("%s%s", r.out, r.err).isZero();
        List<String> medians = new ArrayList<>();
        boolean inMedians = false;
        for (String line : r.out.lines().toList()) {
            inMedians |= line.startsWith("# medians");
            if (inMedians && line.matches("^(nsqd|nodeq) +200 +med .*")) {
                medians.add(line);
            }
        }
        assertThat(medians).as(r.out).hasSize(2);
        // every column a figure (ms with 3 decimals, rates, missing = 0), for both servers
        assertThat(medians).allMatch(l -> l.matches("^\\S+ +200 +med( \\| +\\d+\\.\\d{3}(?: +\\d+\\.\\d{3}){4}) \\| +\\d+\\.\\d{3} +\\d+\\.\\d{3}"
                + " \\| +\\d+ +\\d+ \\| +0 \\| -$"), r.out);
    }

    private Result script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroy(); // SIGTERM: the script stops its daemon on the way out
            p.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("compare-nsqd.sh " + String.join(" ", args) + " did not end:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean hasEntry(Path jar, String entry) throws IOException {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            return z.getEntry(entry) != null;
        }
    }
}
