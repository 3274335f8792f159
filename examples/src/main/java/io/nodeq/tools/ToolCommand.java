package io.nodeq.tools;

import java.util.Set;

/** One {@code nodeq} subcommand. Stateless; {@link #run} owns everything it creates and releases it before returning. */
interface ToolCommand {
    String name();

    /** One line for {@code nodeq --help}. */
    String summary();

    /** The full {@code --help} text. */
    String usage();

    /** Flag names without dashes. */
    Set<String> flags();

    /** Runs to completion (or until {@code io.stop()} completes) and returns the exit code. */
    int run(ToolFlags flags, ToolIo io) throws ToolUsageException, Exception;
}
