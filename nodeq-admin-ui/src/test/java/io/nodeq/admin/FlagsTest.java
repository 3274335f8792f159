package io.nodeq.admin;

import io.nodeq.config.FlagTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** nsqadmin's flag names and defaults (nsq-protocol.md §5.3), Go flag forms, and Main's exit codes. */
class FlagsTest {

    private static AdminOptions run(String... args) {
        FlagTable.Outcome<AdminOptions> o = Flags.parse(args);
        assertThat(o).as("outcome of %s", String.join(" ", args)).isInstanceOf(FlagTable.Run.class);
        return ((FlagTable.Run<AdminOptions>) o).value();
    }

    private static String usageError(String... args) {
        FlagTable.Outcome<AdminOptions> o = Flags.parse(args);
        assertThat(o).isInstanceOf(FlagTable.Exit.class);
        FlagTable.Exit<AdminOptions> exit = (FlagTable.Exit<AdminOptions>) o;
        assertThat(exit.code()).isEqualTo(2);
        assertThat(exit.stderr()).hasLineCount(1).startsWith("nodeq-admin-ui: ");
        return exit.stderr().strip();
    }

    @Test
    void defaultsAreNsqadmins() {
        AdminOptions o = run("--lookupd-http-address", "127.0.0.1:4161");

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
    void repeatableListsAndGoForms() {
        AdminOptions o = run("-nsqd-http-address=127.0.0.1:4151", "--nsqd-http-address",
                "127.0.0.1:4251", "--http-address=127.0.0.1:0", "--http-client-request-timeout", "750ms",
                "--admin-user", "alice", "--admin-user=bob", "--acl-http-header", "X-User", "--admin-token", "t0k");

        assertThat(o.nsqdHttpAddresses()).containsExactly("127.0.0.1:4151", "127.0.0.1:4251");
        assertThat(o.httpPort()).isZero();
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(o.adminUsers()).containsExactly("alice", "bob");
        assertThat(o.aclHttpHeader()).isEqualTo("X-User");
        assertThat(o.adminToken()).isEqualTo("t0k");
        assertThat(o.actionsProtected()).isTrue();
    }

    @Test
    void configFileWithCommentsAndArrays(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("nsqadmin.cfg");
        Files.writeString(cfg, """
                # nsqadmin style
                nsqd_http_address = ["127.0.0.1:4151", # first
                                     "127.0.0.1:4251"]
                http_client_request_timeout = "750ms"  # per node
                admin_user = ["alice"]
                """);
        AdminOptions o = run("--config", cfg.toString(), "--admin-user", "bob");
        assertThat(o.nsqdHttpAddresses()).containsExactly("127.0.0.1:4151", "127.0.0.1:4251");
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(o.adminUsers()).containsExactly("bob");
        Files.writeString(cfg, "nsqd_http_adress = [\"127.0.0.1:4151\"]\n");
        assertThat(usageError("--config", cfg.toString()))
                .isEqualTo("nodeq-admin-ui: config file " + cfg + ": unknown option nsqd_http_adress");
    }

    @Test
    void exactlyOneKindOfUpstreamIsRequired() {
        assertThat(usageError()).contains("exactly one");
        assertThat(usageError("--lookupd-http-address", "a:1", "--nsqd-http-address", "b:2")).contains("exactly one");
    }

    @Test
    void badValuesAreOneLine() {
        assertThat(usageError("--lookupd-http-address", "a:1", "--http-client-connect-timeout", "soon"))
                .contains("http-client-connect-timeout");
        assertThat(usageError("--lookupd-http-address", "nope")).contains("host:port");
        assertThat(usageError("--what")).isEqualTo("nodeq-admin-ui: unknown flag --what (see --help)");
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        FlagTable.Exit<AdminOptions> help = (FlagTable.Exit<AdminOptions>) Flags.parse("--help");
        assertThat(help.code()).isZero();
        String usage = help.stdout();
        for (String flag : List.of("--http-address", "--lookupd-http-address", "--nsqd-http-address",
                "--http-client-connect-timeout", "--http-client-request-timeout", "--admin-user", "--acl-http-header",
                "--admin-token", "--sample-interval", "--history-window", "--refresh-interval", "--lost-node-timeout",
                "--config")) {
            assertThat(usage).contains(flag);
        }
        assertThat(usage).contains("(default \"0.0.0.0:4171\")").contains("(default 2s)")
                .contains("(default 5s)").contains("(default 15m0s)").contains("(default \"X-Forwarded-User\")");
    }

    @Test
    void mainExitsWithTwoAndOneLineOnABadFlag() throws Exception {
        Result r = runMain("--no-such-flag");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr.strip()).isEqualTo("nodeq-admin-ui: unknown flag --no-such-flag (see --help)");
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
