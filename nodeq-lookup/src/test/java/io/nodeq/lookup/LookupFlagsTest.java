package io.nodeq.lookup;

import io.nodeq.config.FlagTable;
import io.nodeq.config.Hostname;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LookupFlagsTest {

    private static LookupFlags.Parsed run(String... args) {
        FlagTable.Outcome<LookupFlags.Parsed> o = LookupFlags.parse(args);
        assertThat(o).as("outcome of %s", String.join(" ", args)).isInstanceOf(FlagTable.Run.class);
        return ((FlagTable.Run<LookupFlags.Parsed>) o).value();
    }

    private static String usageError(String... args) {
        FlagTable.Outcome<LookupFlags.Parsed> o = LookupFlags.parse(args);
        assertThat(o).isInstanceOf(FlagTable.Exit.class);
        FlagTable.Exit<LookupFlags.Parsed> exit = (FlagTable.Exit<LookupFlags.Parsed>) o;
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stdout()).isEmpty();
        assertThat(exit.stderr()).endsWith("\n").hasLineCount(1);
        return exit.stderr().strip();
    }

    @Test
    void defaultsAreNsqlookupds() {
        LookupFlags.Parsed p = run();
        LookupOptions o = p.options();
        assertThat(o.tcpAddress()).isEqualTo("0.0.0.0:4160");
        assertThat(o.httpAddress()).isEqualTo("0.0.0.0:4161");
        assertThat(o.broadcastAddress()).isEqualTo(Hostname.get());
        assertThat(o.inactiveProducerTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.tombstoneLifetime()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.cluster()).isNull();
        assertThat(p.logLevel()).isEqualTo("info");
        assertThat(p.logPrefix()).isEqualTo("[nsqlookupd] ");
    }

    @Test
    void flagSpellings() {
        LookupFlags.Parsed p = run("--tcp-address", "127.0.0.1:5160",
                "-http-address=127.0.0.1:5161", "--broadcast-address=lk1", "--inactive-producer-timeout", "2m",
                "--tombstone-lifetime=250ms", "--log-level", "WARN", "--log-prefix=");
        LookupOptions o = p.options();
        assertThat(o.tcpAddress()).isEqualTo("127.0.0.1:5160");
        assertThat(o.httpAddress()).isEqualTo("127.0.0.1:5161");
        assertThat(o.broadcastAddress()).isEqualTo("lk1");
        assertThat(o.inactiveProducerTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.tombstoneLifetime()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.logLevel()).isEqualTo("warn");
        assertThat(p.logPrefix()).isEmpty();
    }

    @Test
    void clusterFlags() {
        LookupOptions o = run("--cluster-name", "prod", "--cluster-bind", "10.0.0.5:5801",
                "--cluster-member", "10.0.0.6:5801", "--cluster-member", "10.0.0.7:5801,10.0.0.8:5801").options();
        assertThat(o.cluster().clusterName()).isEqualTo("prod");
        assertThat(o.cluster().bindHost()).isEqualTo("10.0.0.5");
        assertThat(o.cluster().bindPort()).isEqualTo(5801);
        assertThat(o.cluster().members()).containsExactly("10.0.0.6:5801", "10.0.0.7:5801", "10.0.0.8:5801");

        LookupOptions d = run("--cluster-member", "127.0.0.1:5702").options();
        assertThat(d.cluster().clusterName()).isEqualTo("nodeq-lookup");
        assertThat(d.cluster().bindPort()).isEqualTo(5701);
    }

    @Test
    void configFileWithCommentsAndArraysThenCommandLine(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("lookup.cfg");
        Files.writeString(cfg, """
                # nsqlookupd style
                tcp_address = "127.0.0.1:6160"   # a comment after a value is not part of it
                tombstone_lifetime = "10s"
                inactive_producer_timeout = 90000   # a bare number of milliseconds, as go-options reads it
                cluster_member = [
                    "127.0.0.1:5801", # one, with a comma in this comment
                    "127.0.0.1:5802",
                ]
                log_prefix = "[a, b] "
                """);
        LookupOptions o = run("--config", cfg.toString(), "--tombstone-lifetime", "20s").options();
        assertThat(o.tcpAddress()).isEqualTo("127.0.0.1:6160");
        assertThat(o.tombstoneLifetime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.inactiveProducerTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.cluster().members()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
        assertThat(run("--config=" + cfg).logPrefix()).isEqualTo("[a, b] ");
    }

    @Test
    void aBadConfigKeyIsOneLine(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("lookup.cfg");
        Files.writeString(cfg, "tcp_adress = \"127.0.0.1:6160\"\n");
        assertThat(usageError("--config", cfg.toString()))
                .isEqualTo("nodeq-lookup: config file " + cfg + ": unknown option tcp_adress");
    }

    @Test
    void badFlagsAreOneLine() {
        assertThat(usageError("--nope")).isEqualTo("nodeq-lookup: unknown flag --nope (see --help)");
        assertThat(usageError("--tombstone-lifetime", "45"))
                .isEqualTo("nodeq-lookup: invalid value \"45\" for flag --tombstone-lifetime: not a duration (examples: 60s, 250ms, 1h30m)");
        assertThat(usageError("--tombstone-lifetime", "0s")).isEqualTo("nodeq-lookup: --tombstone-lifetime must be positive");
        assertThat(usageError("--tcp-address", "nohost"))
                .isEqualTo("nodeq-lookup: invalid address \"nohost\" (want host:port)");
        assertThat(usageError("--log-level", "loud")).contains("invalid log level");
        assertThat(usageError("--http-address")).isEqualTo("nodeq-lookup: flag needs a value: --http-address");
    }

    @Test
    void usageListsEveryFlagWithItsDefault() {
        FlagTable.Exit<LookupFlags.Parsed> help = (FlagTable.Exit<LookupFlags.Parsed>) LookupFlags.parse("--help");
        assertThat(help.code()).isZero();
        String u = help.stdout();
        for (String f : new String[] {"tcp-address", "http-address", "broadcast-address", "inactive-producer-timeout",
                "tombstone-lifetime", "log-level", "log-prefix", "cluster-name", "cluster-bind", "cluster-member",
                "config", "help", "version"}) {
            assertThat(u).contains("--" + f);
        }
        assertThat(u).contains("(default \"0.0.0.0:4160\")").contains("(default 5m0s)").contains("(default 45s)");
        assertThat(((FlagTable.Exit<LookupFlags.Parsed>) LookupFlags.parse("-version")).stdout())
                .startsWith("nodeq-lookup v");
    }
}
