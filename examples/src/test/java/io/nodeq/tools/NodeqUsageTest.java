package io.nodeq.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Help and bad usage of every subcommand: exit 2 and exactly one line on stderr, nothing started. */
class NodeqUsageTest {

    @Test
    void helpListsTheCommands() {
        ToolMesh.Run r = ToolMesh.run("", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("usage: nodeq <command>").contains("  tail ").contains("  pub ").contains("  stat ");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tail", "pub", "stat"})
    void everySubcommandHasHelp(String command) {
        ToolMesh.Run r = ToolMesh.run("", command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: nodeq " + command + " [flags]").contains("nodeq " + command + " --topic T")
                .contains("  --topic <string>");
        assertThat(r.err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|nodeq: missing command; try nodeq --help",
            "frob|nodeq: unknown command \"frob\"; try nodeq --help",
            "tail|nodeq tail: --topic is required",
            "tail --topic|nodeq tail: flag needs a value: --topic",
            "tail --topic t --bogus 1|nodeq tail: unknown flag --bogus (see --help)",
            "tail --topic t --n -3|nodeq tail: --n must be a non-negative integer, got \"-3\"",
            "tail --topic bad/name --nsqd-tcp-address 127.0.0.1:1|nodeq tail: invalid topic name \"bad/name\"",
            "tail --topic t stray|nodeq tail: unexpected argument \"stray\" (see --help)",
            "pub|nodeq pub: --topic is required",
            "pub --topic t --delimiter ab|nodeq pub: --delimiter must be one ASCII character, got \"ab\"",
            "pub --topic t --nsqd-tcp-address h:notaport|nodeq pub: --nsqd-tcp-address: invalid address \"h:notaport\" (want host:port)",
            "stat --channel c|nodeq stat: --topic is required",
            "stat --topic t --interval soon|nodeq stat: invalid value \"soon\" for flag --interval: not a duration (examples: 60s, 250ms, 1h30m)",
            "stat --topic t --interval 0s|nodeq stat: --interval must be a positive duration such as 2s or 500ms, got \"0s\"",
            "stat --topic t --nsqd-http-address a:1 --lookupd-http-address b:2|nodeq stat: use --nsqd-http-address or --lookupd-http-address, not both",
    })
    void badUsageIsOneLineAndExitCodeTwo(String commandLine, String expected) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        ToolMesh.Run r = ToolMesh.run("", args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(expected + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }
}
