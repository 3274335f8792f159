package io.nodeq.tools;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * Where a command reads and writes, and the signal that asks it to stop (Ctrl-C in the real
 * program, the test's hand in tests). Passing these in keeps {@code System.*} out of the commands.
 */
record ToolIo(InputStream in, PrintStream out, PrintStream err, CompletableFuture<Void> stop) {
}
