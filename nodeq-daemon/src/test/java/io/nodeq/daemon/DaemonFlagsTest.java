package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nodeq.config.FlagTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's command line and config file into DaemonOptions, and every exit-2 path. */
class DaemonFlagsTest {

    private static DaemonOptions run(String... args) {
        FlagTable.Outcome<DaemonOptions> o = DaemonFlags.parse(args);
        assertThat(o).as("outcome of %s", List.of(args)).isInstanceOf(FlagTable.Run.class);
        return ((FlagTable.Run<DaemonOptions>) o).value();
    }

    private static String usageError(String... args) {
        FlagTable.Outcome<DaemonOptions> o = DaemonFlags.parse(args);
        assertThat(o).isInstanceOf(FlagTable.Exit.class);
        FlagTable.Exit<DaemonOptions> exit = (FlagTable.Exit<DaemonOptions>) o;
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stdout()).isEmpty();
        assertThat(exit.stderr()).endsWith("\n").startsWith("nodeq-daemon: ");
        return exit.stderr().strip();
    }

    @Test
    void noFlagsGivesNsqdDefaults() {
        DaemonOptions o = run();
        DaemonOptions d = DaemonOptions.builder().build();
        assertThat(o).isEqualTo(d);
        assertThat(o.tcpAddress()).isEqualTo("0.0.0.0:4150");
        assertThat(o.memQueueSize()).isEqualTo(10000);
        assertThat(o.msgTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void allThreeFlagForms() {
        assertThat(run("--mem-queue-size=5").memQueueSize()).isEqualTo(5);
        assertThat(run("--mem-queue-size", "6").memQueueSize()).isEqualTo(6);
        assertThat(run("-mem-queue-size", "7").memQueueSize()).isEqualTo(7);
        assertThat(run("-mem-queue-size=8").memQueueSize()).isEqualTo(8);
        // the last one wins, as with Go's flag package
        assertThat(run("--mem-queue-size=1", "--mem-queue-size=2").memQueueSize()).isEqualTo(2);
    }

    @Test
    void everyKindOfValue() {
        DaemonOptions o = run("--tcp-address", "127.0.0.1:4250", "--http-address=", "--broadcast-tcp-port", "-1",
                "--node-id=77", "--data-path", "/tmp/x", "--msg-timeout=1m30s", "--max-req-timeout", "250ms",
                "--max-msg-size=2048", "--max-body-size=4096", "--deflate=false", "--snappy=f", "--shards", "3",
                "--log-level", "debug", "--max-bytes-per-file", "5000000000");
        assertThat(o.tcpAddress()).isEqualTo("127.0.0.1:4250");
        assertThat(o.httpAddress()).isEmpty();
        assertThat(o.broadcastTcpPort()).isEqualTo(-1);
        assertThat(o.nodeId()).isEqualTo(77);
        assertThat(o.dataPath()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.msgTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.maxReqTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.maxMsgSize()).isEqualTo(2048);
        assertThat(o.maxBodySize()).isEqualTo(4096);
        assertThat(o.deflate()).isFalse();
        assertThat(o.snappy()).isFalse();
        assertThat(o.shards()).isEqualTo(3);
        assertThat(o.logLevel()).isEqualTo("debug");
        assertThat(o.maxBytesPerFile()).isEqualTo(5_000_000_000L);
    }

    @Test
    void boolFlagsTakeNoSeparateValue() {
        DaemonOptions o = run("--deflate=false", "--snappy=false");
        assertThat(run("--deflate=false", "--deflate").deflate()).isTrue();
        assertThat(o.snappy()).isFalse();
        assertThat(usageError("--snappy", "false")).isEqualTo("nodeq-daemon: unexpected argument \"false\" (see --help)");
    }

    @Test
    void repeatableLists() {
        DaemonOptions o = run("--lookupd-tcp-address", "h1:4160", "--lookupd-tcp-address=h2:4160",
                "--e2e-processing-latency-percentile", "0.99,0.95", "--e2e-processing-latency-percentile=0.5",
                "--auth-http-address", "a:1");
        assertThat(o.lookupdTcpAddresses()).containsExactly("h1:4160", "h2:4160");
        assertThat(o.e2eProcessingLatencyPercentiles()).containsExactly(0.99, 0.95, 0.5);
        assertThat(o.authHttpAddresses()).containsExactly("a:1");
    }

    @Test
    void badValuesAreOneLineAndExit2() {
        assertThat(usageError("--mem-queue-size", "abc"))
                .isEqualTo("nodeq-daemon: invalid value \"abc\" for flag --mem-queue-size: not an integer");
        assertThat(usageError("--max-msg-size=99999999999"))
                .isEqualTo("nodeq-daemon: invalid value \"99999999999\" for flag --max-msg-size: out of range");
        assertThat(usageError("--msg-timeout=60"))
                .startsWith("nodeq-daemon: invalid value \"60\" for flag --msg-timeout: not a duration");
        assertThat(usageError("--deflate=maybe"))
                .isEqualTo("nodeq-daemon: invalid value \"maybe\" for flag --deflate: not a boolean (true or false)");
        assertThat(usageError("--e2e-processing-latency-percentile=0.9,x"))
                .isEqualTo("nodeq-daemon: invalid value \"0.9,x\" for flag --e2e-processing-latency-percentile: not a number");
        assertThat(usageError("--no-such-flag=1")).isEqualTo("nodeq-daemon: unknown flag --no-such-flag (see --help)");
        assertThat(usageError("--mem-queue-size")).isEqualTo("nodeq-daemon: flag needs a value: --mem-queue-size");
        assertThat(usageError("stray")).isEqualTo("nodeq-daemon: unexpected argument \"stray\" (see --help)");
    }

    @Test
    void validationProblemsAreExit2Too() {
        assertThat(usageError("--node-id=5000")).isEqualTo("nodeq-daemon: --node-id must be 0..1023, got 5000");
        assertThat(usageError("--e2e-processing-latency-percentile=1.5"))
                .isEqualTo("nodeq-daemon: --e2e-processing-latency-percentile must be in (0,1], got 1.5");
        assertThat(usageError("--shards=0")).isEqualTo("nodeq-daemon: --shards must be 1..64, got 0");
        assertThat(usageError("--jit-warmup=2m")).isEqualTo("nodeq-daemon: --jit-warmup must be 0..1m, got 120000ms");
        assertThat(usageError("--jit-nice=20")).isEqualTo("nodeq-daemon: --jit-nice must be 0..19, got 20");
        assertThat(usageError("--sched-slice=50us")).isEqualTo("nodeq-daemon: --sched-slice must be 0 or 100us..100ms, got 50µs");
        assertThat(usageError("--sched-slice=1s")).isEqualTo("nodeq-daemon: --sched-slice must be 0 or 100us..100ms, got 1s");
        assertThat(usageError("--event-loops=-1")).isEqualTo("nodeq-daemon: --event-loops must be 0..256, got -1");
        assertThat(usageError("--event-loops=257")).isEqualTo("nodeq-daemon: --event-loops must be 0..256, got 257");
    }

    @Test
    void eventLoopsDefaultToOnePerCoreLessOneAndTakeACount() {
        DaemonOptions defaults = ((FlagTable.Run<DaemonOptions>) DaemonFlags.parse()).value();
        assertThat(defaults.eventLoops()).isZero();
        assertThat(defaults.eventLoopCount())
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        assertThat(DaemonOptions.defaultEventLoops(1)).isEqualTo(1);
        assertThat(DaemonOptions.defaultEventLoops(2)).isEqualTo(1);
        assertThat(DaemonOptions.defaultEventLoops(8)).isEqualTo(7);
        assertThat(run("--event-loops", "3").eventLoopCount()).isEqualTo(3);
    }

    @Test
    void schedSliceDefaultsTo100MicrosecondsAndTakesZeroAndTheKernelsRange() {
        assertThat(((FlagTable.Run<DaemonOptions>) DaemonFlags.parse()).value().schedSlice())
                .isEqualTo(java.time.Duration.ofNanos(100_000));
        for (String v : new String[] {"0", "100us", "2ms", "100ms"}) {
            FlagTable.Run<DaemonOptions> r = (FlagTable.Run<DaemonOptions>) DaemonFlags.parse("--sched-slice=" + v);
            assertThat(r.value().validate()).as(v).isEmpty();
        }
    }

    @Test
    void unsupportedNsqdFlagsAreAcceptedWithAWarning() {
        FlagTable.Run<DaemonOptions> r = (FlagTable.Run<DaemonOptions>) DaemonFlags.parse("--statsd-address=127.0.0.1:8125", "--verbose",
                "--mem-queue-size=3");
        assertThat(r.value().memQueueSize()).isEqualTo(3);
        assertThat(r.warnings()).containsExactly(
                "nodeq-daemon: flag --statsd-address is not supported by nodeq; ignored",
                "nodeq-daemon: flag --verbose is not supported by nodeq; ignored");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        FlagTable.Exit<DaemonOptions> exit = (FlagTable.Exit<DaemonOptions>) DaemonFlags.parse("--help");
        assertThat(exit.code()).isZero();
        assertThat(exit.stderr()).isEmpty();
        for (FlagSpec spec : FlagSpec.all()) {
            assertThat(exit.stdout()).containsPattern("\n  --" + spec.name() + "[ \\[]");
        }
        assertThat(exit.stdout()).containsPattern("--mem-queue-size <int> +number of a topic's newest messages kept in "
                + "memory, shared by its channels \\(older ones are read from its log\\) \\(default 10000\\)\n");
        assertThat(exit.stdout()).containsPattern("--durability <string> +nodeq: default storage level .*"
                + "\\(default \"memory-first\"\\)\n");
        assertThat(exit.stdout()).contains("(default 1m0s)\n", "(default 15m0s)\n", "(default 250ms)\n",
                "(default \"0.0.0.0:4150\")\n", "--config <file>", "--version");
        assertThat(((FlagTable.Exit<DaemonOptions>) DaemonFlags.parse("-h")).stdout()).isEqualTo(exit.stdout());
    }

    @Test
    void version() {
        FlagTable.Exit<DaemonOptions> exit = (FlagTable.Exit<DaemonOptions>) DaemonFlags.parse("--mem-queue-size=1", "--version");
        assertThat(exit.code()).isZero();
        assertThat(exit.stdout()).startsWith("nodeq-daemon v1.3.0 ").endsWith("\n");
    }

    @Test
    void configFileWithNsqdKeysAndCommandLineWinning(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("nsqd.cfg");
        Files.writeString(cfg, """
                # nsqd style config
                tcp_address = "127.0.0.1:5150"
                mem_queue_size = 123   # trailing comment
                msg_timeout = "90s"
                max_req_timeout = 5000
                id = 42
                snappy = false
                nsqlookupd_tcp_addresses = [
                    "h1:4160",
                    "h2:4160",
                ]
                e2e_processing_latency_percentiles = [0.99, 1]
                statsd_prefix = "nsq.%s"
                """);
        FlagTable.Run<DaemonOptions> r = (FlagTable.Run<DaemonOptions>) DaemonFlags.parse("--config", cfg.toString(), "--mem-queue-size=7",
                "--lookupd-tcp-address=h3:4160");
        DaemonOptions o = r.value();
        assertThat(o.tcpAddress()).isEqualTo("127.0.0.1:5150");
        assertThat(o.memQueueSize()).isEqualTo(7);
        assertThat(o.msgTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.maxReqTimeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(o.nodeId()).isEqualTo(42);
        assertThat(o.snappy()).isFalse();
        assertThat(o.lookupdTcpAddresses()).containsExactly("h3:4160");
        assertThat(o.e2eProcessingLatencyPercentiles()).containsExactly(0.99, 1.0);
        assertThat(r.warnings()).containsExactly("nodeq-daemon: config option statsd_prefix is not supported by nodeq; ignored");
        assertThat(run("--config=" + cfg).lookupdTcpAddresses()).containsExactly("h1:4160", "h2:4160");
    }

    @Test
    void configFileErrorsAreExit2(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.cfg");
        Files.writeString(cfg, "mem_queue_size = \"abc\"\n");
        assertThat(usageError("--config", cfg.toString())).isEqualTo("nodeq-daemon: invalid value \"abc\" for "
                + "mem_queue_size in config file " + cfg + ": not an integer");
        Files.writeString(cfg, "no_such_option = 1\n");
        assertThat(usageError("--config", cfg.toString()))
                .isEqualTo("nodeq-daemon: config file " + cfg + ": unknown option no_such_option");
        Files.writeString(cfg, "tcp_address = 127.0.0.1:4150\n");
        assertThat(usageError("--config", cfg.toString())).startsWith("nodeq-daemon: config file " + cfg + ": ")
                .endsWith("(line 1)");
        Files.writeString(cfg, "[nsqd]\nmem_queue_size = 1\n");
        assertThat(usageError("--config", cfg.toString()))
                .isEqualTo("nodeq-daemon: config file " + cfg + ": unknown option nsqd");
        assertThat(usageError("--config", dir.resolve("missing.cfg").toString()))
                .isEqualTo("nodeq-daemon: config file " + dir.resolve("missing.cfg") + ": no such file");
        assertThat(usageError("--config")).isEqualTo("nodeq-daemon: flag needs a value: --config");
    }
}
