package io.nodeq.config;

import io.nodeq.config.Flag.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared flag kit: Go's forms, lists, TOML config files, --help, and one line + exit 2 on a mistake. */
class FlagTableTest {
    private static final FlagTable TABLE = new FlagTable("prog", "A test program.")
            .add("address", Kind.STRING, "0.0.0.0:1", "where to listen")
            .add("size", Kind.INT, 10, "how many")
            .add("big", Kind.LONG, 5L, "how many more")
            .add("timeout", Kind.DURATION, Duration.ofSeconds(60), "how long")
            .add("fast", Kind.BOOL, false, "go fast")
            .add("peer", Kind.STRINGS, List.of(), "a peer (repeatable)")
            .add("quantile", Kind.FLOATS, List.of(), "a quantile (repeatable or comma separated)")
            .add(Flag.of("node", Kind.INT, 0, "node id").withConfigKey("id"))
            .add(Flag.ignored("statsd-prefix", Kind.STRING))
            .withConfigFile()
            .withVersion(() -> "prog v1");

    private static FlagTable.Run<FlagTable.Values> run(String... args) {
        FlagTable.Outcome<FlagTable.Values> o = TABLE.parse(args, v -> v);
        assertThat(o).as("outcome of %s", List.of(args)).isInstanceOf(FlagTable.Run.class);
        return (FlagTable.Run<FlagTable.Values>) o;
    }

    private static FlagTable.Values values(String... args) {
        return run(args).value();
    }

    private static String error(String... args) {
        FlagTable.Outcome<FlagTable.Values> o = TABLE.parse(args, v -> v);
        assertThat(o).as("outcome of %s", List.of(args)).isInstanceOf(FlagTable.Exit.class);
        FlagTable.Exit<FlagTable.Values> exit = (FlagTable.Exit<FlagTable.Values>) o;
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stdout()).isEmpty();
        assertThat(exit.stderr()).hasLineCount(1).endsWith("\n");
        return exit.stderr().strip();
    }

    @Test
    void defaultsWhenNothingIsGiven() {
        FlagTable.Values v = values();
        assertThat(v.string("address")).isEqualTo("0.0.0.0:1");
        assertThat(v.integer("size")).isEqualTo(10);
        assertThat(v.duration("timeout")).isEqualTo(Duration.ofSeconds(60));
        assertThat(v.bool("fast")).isFalse();
        assertThat(v.strings("peer")).isEmpty();
        assertThat(v.has("size")).isFalse();
        assertThat(v.given()).isEmpty();
    }

    @Test
    void goFlagForms() {
        assertThat(values("--size=5").integer("size")).isEqualTo(5);
        assertThat(values("--size", "6").integer("size")).isEqualTo(6);
        assertThat(values("-size", "7").integer("size")).isEqualTo(7);
        assertThat(values("-size=8").integer("size")).isEqualTo(8);
        assertThat(values("--size=1", "--size=2").integer("size")).isEqualTo(2);
        assertThat(values("--fast").bool("fast")).isTrue();
        assertThat(values("--fast=false").bool("fast")).isFalse();
        assertThat(values("--big", "5000000000").longValue("big")).isEqualTo(5_000_000_000L);
        assertThat(values("--timeout", "1m30s").duration("timeout")).isEqualTo(Duration.ofSeconds(90));
        assertThat(values("--address=").string("address")).isEmpty();
    }

    @Test
    void repeatableFlags() {
        FlagTable.Values v = values("--peer", "a:1", "--peer=b:2", "--quantile", "0.99,0.5", "--quantile=0.9");
        assertThat(v.strings("peer")).containsExactly("a:1", "b:2");
        assertThat(v.floats("quantile")).containsExactly(0.99, 0.5, 0.9);
    }

    @Test
    void mistakesAreOneLineAndExitCode2() {
        assertThat(error("--size", "abc")).isEqualTo("prog: invalid value \"abc\" for flag --size: not an integer");
        assertThat(error("--size=99999999999")).isEqualTo("prog: invalid value \"99999999999\" for flag --size: out of range");
        assertThat(error("--timeout=60")).isEqualTo("prog: invalid value \"60\" for flag --timeout: not a duration "
                + "(examples: 60s, 250ms, 1h30m)");
        assertThat(error("--fast=maybe")).isEqualTo("prog: invalid value \"maybe\" for flag --fast: not a boolean (true or false)");
        assertThat(error("--quantile=0.9,x")).isEqualTo("prog: invalid value \"0.9,x\" for flag --quantile: not a number");
        assertThat(error("--nope=1")).isEqualTo("prog: unknown flag --nope (see --help)");
        assertThat(error("--size")).isEqualTo("prog: flag needs a value: --size");
        assertThat(error("stray")).isEqualTo("prog: unexpected argument \"stray\" (see --help)");
        assertThat(error("--fast", "false")).isEqualTo("prog: unexpected argument \"false\" (see --help)");
        assertThat(error("--config")).isEqualTo("prog: flag needs a value: --config");
    }

    @Test
    void theBuildStepsProblemsAreUsageErrorsToo() {
        FlagTable.Outcome<Integer> o = TABLE.parse(new String[] {"--size=0"}, v -> {
            if (v.integer("size") < 1) {
                throw new IllegalArgumentException("--size must be >= 1, got 0\n--other problem");
            }
            return v.integer("size");
        });
        assertThat(((FlagTable.Exit<Integer>) o).stderr()).isEqualTo("prog: --size must be >= 1, got 0\nprog: --other problem\n");
        assertThat(((FlagTable.Exit<String>) TABLE.parse(new String[] {"--address="}, v -> v.required("address"))).stderr())
                .isEqualTo("prog: --address is required\n");
    }

    @Test
    void ignoredNsqFlagsWarn() {
        FlagTable.Run<FlagTable.Values> r = run("--statsd-prefix=x", "--size=3");
        assertThat(r.value().integer("size")).isEqualTo(3);
        assertThat(r.warnings()).containsExactly("prog: flag --statsd-prefix is not supported by nodeq; ignored");
    }

    @Test
    void configFileWithCommentsArraysAndTheCommandLineWinning(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("prog.cfg");
        Files.writeString(cfg, """
                # a TOML config file as NSQ's programs read them
                address = "127.0.0.1:5150"   # a comment after a value is not part of it
                size = 123
                timeout = 5000               # a bare number is milliseconds (go-options)
                fast = true
                id = 42
                peer = [
                    "h1:4160",  # a comma, in a comment
                    "h2:4160",
                ]
                quantile = [0.99, 1]
                statsd_prefix = "nsq.%s"
                """);
        FlagTable.Run<FlagTable.Values> r = run("--config", cfg.toString(), "--size=7");
        FlagTable.Values v = r.value();
        assertThat(v.string("address")).isEqualTo("127.0.0.1:5150");
        assertThat(v.integer("size")).isEqualTo(7);
        assertThat(v.duration("timeout")).isEqualTo(Duration.ofSeconds(5));
        assertThat(v.bool("fast")).isTrue();
        assertThat(v.integer("node")).isEqualTo(42);
        assertThat(v.strings("peer")).containsExactly("h1:4160", "h2:4160");
        assertThat(v.floats("quantile")).containsExactly(0.99, 1.0);
        assertThat(r.warnings()).containsExactly("prog: config option statsd_prefix is not supported by nodeq; ignored");
        assertThat(values("--config=" + cfg, "--peer=h3:4160").strings("peer")).containsExactly("h3:4160");
    }

    @Test
    void configFileMistakes(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.cfg");
        Files.writeString(cfg, "size = \"abc\"\n");
        assertThat(error("--config", cfg.toString()))
                .isEqualTo("prog: invalid value \"abc\" for size in config file " + cfg + ": not an integer");
        Files.writeString(cfg, "# ok\nno_such_option = 1\n");
        assertThat(error("--config", cfg.toString())).isEqualTo("prog: config file " + cfg + ": unknown option no_such_option");
        Files.writeString(cfg, "size = [1, 2]\n");
        assertThat(error("--config", cfg.toString()))
                .isEqualTo("prog: invalid value \"[1, 2]\" for size in config file " + cfg + ": a list is not allowed here");
        Files.writeString(cfg, "\naddress = 127.0.0.1:4150\n");
        assertThat(error("--config", cfg.toString())).startsWith("prog: config file " + cfg + ": ").endsWith("(line 2)");
        Files.writeString(cfg, "size = 1\nsize = 2\n");
        assertThat(error("--config", cfg.toString())).startsWith("prog: config file " + cfg + ": ");
        assertThat(error("--config", dir.resolve("missing.cfg").toString()))
                .isEqualTo("prog: config file " + dir.resolve("missing.cfg") + ": no such file");
    }

    @Test
    void helpAndVersionFromTheTable() {
        FlagTable.Exit<FlagTable.Values> help = (FlagTable.Exit<FlagTable.Values>) TABLE.parse(new String[] {"--size=1", "-h"}, v -> v);
        assertThat(help.code()).isZero();
        assertThat(help.stderr()).isEmpty();
        assertThat(help.stdout()).startsWith("Usage: prog [flags]\n\nA test program.\n")
                .containsPattern("\n  --size <int> +how many \\(default 10\\)\n")
                .containsPattern("\n  --timeout <duration> +how long \\(default 1m0s\\)\n")
                .containsPattern("\n  --fast\\[=bool\\] +go fast \\(default false\\)\n")
                .containsPattern("\n  --address <string> +where to listen \\(default \"0.0.0.0:1\"\\)\n")
                .contains("--config <file>", "--peer <string>", "--help", "--version");
        assertThat(((FlagTable.Exit<FlagTable.Values>) TABLE.parse(new String[] {"--help"}, v -> v)).stdout())
                .isEqualTo(help.stdout());
        FlagTable.Exit<FlagTable.Values> version = (FlagTable.Exit<FlagTable.Values>) TABLE.parse(new String[] {"-version"}, v -> v);
        assertThat(version.stdout()).isEqualTo("prog v1\n");
    }

    @Test
    void aTableWithoutConfigOrVersionRejectsThem() {
        FlagTable plain = new FlagTable("plain", "").add("n", Kind.LONG, 0L, "count");
        assertThat(((FlagTable.Exit<FlagTable.Values>) plain.parse(new String[] {"--config", "x"}, v -> v)).stderr())
                .isEqualTo("plain: unknown flag --config (see --help)\n");
        assertThat(((FlagTable.Exit<FlagTable.Values>) plain.parse(new String[] {"--version"}, v -> v)).stderr())
                .isEqualTo("plain: unknown flag --version (see --help)\n");
        assertThat(plain.usage()).doesNotContain("--config").doesNotContain("--version");
    }
}
