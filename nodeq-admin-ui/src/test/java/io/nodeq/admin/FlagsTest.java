package io.nodeq.admin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** nsqadmin's flag names and defaults (nsq-protocol.md §5.3), Go flag forms, and Main's exit codes. */
class FlagsTest {

    @Test
    void defaultsAreNsqadmins() throws Exception {
        AdminOptions o = Flags.parse(new String[]{"--lookupd-http-address", "127.0.0.1:4161"}).options();

        assertThat(o.httpHost()).isEqualTo("0.0.0.0");
        assertThat(o.httpPort()).isEqualTo(4171);
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.aclHttpHeader()).isEqualTo("X-Forwarded-User");
        assertThat(o.adminUsers()).isEmpty();
        assertThat(o.actionsProtected()).isFalse();
        assertThat(o.lookupdMode()).isTrue();
    }

    @Test
    void repeatableListsAndGoForms() throws Exception {
        AdminOptions o = Flags.parse(new String[]{"-nsqd-http-address=127.0.0.1:4151", "--nsqd-http-address",
                "127.0.0.1:4251", "--http-address=127.0.0.1:0", "--http-client-request-timeout", "750ms",
                "--admin-user", "alice", "--admin-user=bob", "--acl-http-header", "X-User", "--admin-token", "t0k"})
                .options();

        assertThat(o.nsqdHttpAddresses()).containsExactly("127.0.0.1:4151", "127.0.0.1:4251");
        assertThat(o.httpPort()).isZero();
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(o.adminUsers()).containsExactly("alice", "bob");
        assertThat(o.aclHttpHeader()).isEqualTo("X-User");
        assertThat(o.adminToken()).isEqualTo("t0k");
        assertThat(o.actionsProtected()).isTrue();
    }

    @Test
    void exactlyOneKindOfUpstreamIsRequired() {
        assertThatThrownBy(() -> Flags.parse(new String[0])).isInstanceOf(Flags.FlagException.class)
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Flags.parse(new String[]{"--lookupd-http-address", "a:1", "--nsqd-http-address", "b:2"}))
                .isInstanceOf(Flags.FlagException.class).hasMessageContaining("exactly one");
    }

    @Test
    void badValuesAreOneLine() {
        assertThatThrownBy(() -> Flags.parse(new String[]{"--lookupd-http-address", "a:1", "--http-client-connect-timeout",
                "soon"})).isInstanceOf(Flags.FlagException.class).hasMessageContaining("http-client-connect-timeout");
        assertThatThrownBy(() -> Flags.parse(new String[]{"--lookupd-http-address", "nope"}))
                .isInstanceOf(Flags.FlagException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> Flags.parse(new String[]{"--what"})).isInstanceOf(Flags.FlagException.class)
                .hasMessage("flag provided but not defined: -what");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() throws Exception {
        assertThat(Flags.parse(new String[]{"--help"}).help()).isTrue();
        String usage = Flags.usage();
        for (String flag : List.of("--http-address", "--lookupd-http-address", "--nsqd-http-address",
                "--http-client-connect-timeout", "--http-client-request-timeout", "--admin-user", "--acl-http-header",
                "--admin-token", "--sample-interval", "--history-window", "--refresh-interval", "--lost-node-timeout")) {
            assertThat(usage).contains(flag);
        }
        assertThat(usage).contains("(default \"0.0.0.0:4171\")").contains("(default \"2s\")")
                .contains("(default \"5s\")").contains("(default \"X-Forwarded-User\")");
    }

    @Test
    void mainExitsWithTwoAndOneLineOnABadFlag() throws Exception {
        Result r = runMain("--no-such-flag");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr.strip()).isEqualTo("flag provided but not defined: -no-such-flag");
        assertThat(r.stdout).isEmpty();
    }

    @Test
    void mainPrintsHelpAndExitsZero() throws Exception {
        Result r = runMain("--help");
        assertThat(r.exit).isZero();
        assertThat(r.stdout).contains("--lookupd-http-address").contains("--admin-user");
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result runMain(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Main did not exit");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
