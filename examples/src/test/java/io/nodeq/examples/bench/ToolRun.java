package io.nodeq.examples.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What one run of a bench tool's command line printed, for the tools' tests. */
record ToolRun(int code, String out, String err) {
    /** A tool's {@code run(args, out, err)}. */
    interface Tool {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    /** Runs {@code tool} in this thread, capturing both streams. */
    static ToolRun of(Tool tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ToolRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The first match of {@code p} in the output; fails the test, showing the output, when there is none. */
    Matcher find(Pattern p) {
        Matcher m = p.matcher(out);
        assertThat(m.find()).as("output has %s:%n%s%s", p, out, err).isTrue();
        return m;
    }
}
