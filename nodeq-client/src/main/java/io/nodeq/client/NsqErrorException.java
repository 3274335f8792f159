package io.nodeq.client;

import io.nodeq.protocol.ErrorCodes;

/**
 * The daemon answered a command with an error frame ({@code "E_CODE description"},
 * nsq-protocol.md §1.7). {@link #code()} is the part before the first space.
 */
public class NsqErrorException extends NsqException {
    private final String code;

    public NsqErrorException(String frameText) {
        super(frameText);
        int sp = frameText.indexOf(' ');
        this.code = sp < 0 ? frameText : frameText.substring(0, sp);
    }

    public String code() {
        return code;
    }

    /** Whether the daemon closes the connection after this error. */
    public boolean isFatal() {
        return ErrorCodes.isFatal(code);
    }
}
