package io.nodeq.config;

/**
 * A bad command line, config file or option value: each line of the message becomes one line on
 * stderr, prefixed with the program's name, and the program exits with code 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
