package io.nodeq.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nsqlookupd's flags, defaults and Go durations. */
class LookupFlagsTest {

    @Test
    void defaultsAreNsqlookupds() {
        LookupFlags.Parsed p = LookupFlags.parse(new String[0]);
        LookupOptions o = p.options();
        assertThat(o.tcpAddress()).isEqualTo("0.0.0.0:4160");
        assertThat(o.httpAddress()).isEqualTo("0.0.0.0:4161");
        assertThat(o.broadcastAddress()).isEqualTo(HostPort.hostname());
        assertThat(o.inactiveProducerTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.tombstoneLifetime()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.cluster()).isNull();
        assertThat(p.logLevel()).isEqualTo("info");
        assertThat(p.logPrefix()).isEqualTo("[nsqlookupd] ");
    }

    @Test
    void flagSpellings() {
        LookupFlags.Parsed p = LookupFlags.parse(new String[] {"--tcp-address", "127.0.0.1:5160",
                "-http-address=127.0.0.1:5161", "--broadcast-address=lk1", "--inactive-producer-timeout", "2m",
                "--tombstone-lifetime=250ms", "--log-level", "WARN", "--log-prefix="});
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
        LookupOptions o = LookupFlags.parse(new String[] {"--cluster-name", "prod", "--cluster-bind", "10.0.0.5:5801",
                "--cluster-member", "10.0.0.6:5801", "--cluster-member", "10.0.0.7:5801,10.0.0.8:5801"}).options();
        assertThat(o.cluster().clusterName()).isEqualTo("prod");
        assertThat(o.cluster().bindHost()).isEqualTo("10.0.0.5");
        assertThat(o.cluster().bindPort()).isEqualTo(5801);
        assertThat(o.cluster().members()).containsExactly("10.0.0.6:5801", "10.0.0.7:5801", "10.0.0.8:5801");
        // any cluster flag turns it on, with defaults for the rest
        LookupOptions d = LookupFlags.parse(new String[] {"--cluster-member", "127.0.0.1:5702"}).options();
        assertThat(d.cluster().clusterName()).isEqualTo("nodeq-lookup");
        assertThat(d.cluster().bindPort()).isEqualTo(5701);
    }

    @Test
    void configFileThenCommandLine(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("lookup.cfg");
        Files.writeString(cfg, """
                # nsqlookupd style
                tcp_address = "127.0.0.1:6160"
                tombstone_lifetime = "10s"
                cluster_member = ["127.0.0.1:5801", "127.0.0.1:5802"]
                """);
        LookupOptions o = LookupFlags.parse(new String[] {"--config", cfg.toString(), "--tombstone-lifetime", "20s"}).options();
        assertThat(o.tcpAddress()).isEqualTo("127.0.0.1:6160");
        assertThat(o.tombstoneLifetime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.cluster().members()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    }

    @Test
    void badFlagsAreOneLine() {
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--nope"}))
                .hasMessage("flag provided but not defined: -nope");
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--tombstone-lifetime", "45"}))
                .hasMessage("missing unit in duration \"45\"");
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--tombstone-lifetime", "0s"}))
                .hasMessage("--tombstone-lifetime must be positive");
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--tcp-address", "nohost"}))
                .hasMessage("address nohost: missing port");
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--log-level", "loud"}))
                .hasMessageContaining("invalid log level");
        assertThatThrownBy(() -> LookupFlags.parse(new String[] {"--http-address"}))
                .hasMessage("flag needs an argument: -http-address");
    }

    @Test
    void usageListsEveryFlagWithItsDefault() {
        String u = LookupFlags.usage();
        for (String f : new String[] {"tcp-address", "http-address", "broadcast-address", "inactive-producer-timeout",
                "tombstone-lifetime", "log-level", "log-prefix", "cluster-name", "cluster-bind", "cluster-member",
                "config", "help"}) {
            assertThat(u).contains("--" + f);
        }
        assertThat(u).contains("(default \"0.0.0.0:4160\")").contains("(default \"300s\")").contains("(default \"45s\")");
    }

    @Test
    void goDurations() {
        assertThat(Durations.parse("300s")).isEqualTo(Duration.ofSeconds(300));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h30m10.5s")).isEqualTo(Duration.ofSeconds(5410, 500_000_000));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Durations.parse("5x")).hasMessage("unknown unit \"x\" in duration \"5x\"");
        assertThatThrownBy(() -> Durations.parse("s")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.format(Duration.ofSeconds(300))).isEqualTo("5m0s");
        assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }
}
