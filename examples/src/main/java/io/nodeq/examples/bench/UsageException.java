package io.nodeq.examples.bench;

/** A bad command line: the tool prints the message as one line and exits with code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
