package io.nodeq.daemon.storage;

import java.io.IOException;

/** A segment whose bytes cannot be parsed as records from the current position on. */
final class CorruptSegmentException extends IOException {
    CorruptSegmentException(String message) {
        super(message);
    }
}
