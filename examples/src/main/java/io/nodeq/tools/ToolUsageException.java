package io.nodeq.tools;

/** A bad command line: {@link Nodeq} prints {@code nodeq <command>: <message>} as one line and exits 2. */
final class ToolUsageException extends Exception {
    private static final long serialVersionUID = 1L;

    ToolUsageException(String message) {
        super(message);
    }
}
