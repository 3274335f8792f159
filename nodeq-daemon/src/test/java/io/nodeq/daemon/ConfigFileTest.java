package io.nodeq.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TOML subset of nsqd config files. */
class ConfigFileTest {

    @Test
    void valuesOfEveryType() throws Exception {
        Map<String, Object> v = ConfigFile.parse("""
                a = "x \\"q\\" \\u00e9 # not a comment"
                b = 'C:\\path'
                c = 10_000
                d = -3
                e = 0.5
                f = true
                g = false
                h = ["x", 'y', 1, 2.5, true,]
                i = []
                "quoted-key" = 1
                """);
        assertThat(v).containsExactly(
                Map.entry("a", "x \"q\" é # not a comment"),
                Map.entry("b", "C:\\path"),
                Map.entry("c", 10_000L),
                Map.entry("d", -3L),
                Map.entry("e", 0.5),
                Map.entry("f", true),
                Map.entry("g", false),
                Map.entry("h", List.of("x", "y", 1L, 2.5, true)),
                Map.entry("i", List.of()),
                Map.entry("quoted-key", 1L));
    }

    @Test
    void commentsBlankLinesAndMultiLineArrays() throws Exception {
        Map<String, Object> v = ConfigFile.parse("# header\n\n  k = [ # open\n  \"a\", # one\n\n  \"b\"\n] # done\r\nn = 1\n");
        assertThat(v).containsExactly(Map.entry("k", List.of("a", "b")), Map.entry("n", 1L));
        assertThat(ConfigFile.parse("")).isEmpty();
    }

    @Test
    void errorsNameTheLine() {
        assertError("a = 1\nb = nope\n", "line 2: invalid value nope (strings must be quoted)");
        assertError("a = \"open\n", "line 1: unterminated string");
        assertError("\n\n[nsqd]\n", "line 3: tables ([...]) are not supported");
        assertError("a 1\n", "line 1: expected key = value");
        assertError("a =\n", "line 1: missing value");
        assertError("a = 1 2\n", "line 1: unexpected text after the value of a");
        assertError("a = [1,\n2\n", "line 3: unterminated array");
        assertError("a = 1\na = 2\n", "line 2: duplicate key a");
        assertError("a = \"\\q\"\n", "line 1: invalid escape \\q");
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> ConfigFile.parse(text)).isInstanceOf(ConfigFile.ConfigException.class)
                .hasMessage(message);
    }
}
