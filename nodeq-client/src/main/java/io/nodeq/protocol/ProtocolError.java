package io.nodeq.protocol;

/**
 * An error as sent in an error frame: {@code "<code> <description>"}. A null description renders
 * the bare code ({@code E_BAD_PROTOCOL}); an empty one keeps the space, as nsqd's
 * {@code "E_INVALID invalid command "} for an empty line does.
 */
public record ProtocolError(String code, String description) {

    public ProtocolError {
        if (code == null || code.isEmpty()) {
            throw new IllegalArgumentException("error code required");
        }
    }

    public static ProtocolError of(String code, String description) {
        return new ProtocolError(code, description);
    }

    public boolean fatal() {
        return ErrorCodes.isFatal(code);
    }

    @Override
    public String toString() {
        return description == null ? code : code + " " + description;
    }
}
