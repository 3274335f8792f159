package io.nodeq.protocol;

/**
 * Topic and channel name rules, shared by daemon, lookup and clients (nsq-protocol.md §1.16):
 * 1..64 bytes of {@code [.a-zA-Z0-9_-]}, optionally ending in {@code #ephemeral} (the suffix counts
 * toward the 64). {@code :} is illegal because nsqd uses {@code topic:channel} in file names.
 */
public final class Names {
    public static final int MAX_LENGTH = 64;
    public static final String EPHEMERAL_SUFFIX = "#ephemeral";

    private Names() {
    }

    public static boolean isValidTopicName(String name) {
        return isValid(name);
    }

    public static boolean isValidChannelName(String name) {
        return isValid(name);
    }

    public static boolean isEphemeral(String name) {
        return name.endsWith(EPHEMERAL_SUFFIX);
    }

    /** Hand-rolled instead of a regex: this runs for every PUB on the hot path. */
    private static boolean isValid(String name) {
        if (name == null) {
            return false;
        }
        int len = name.length();
        if (len < 1 || len > MAX_LENGTH) {
            return false;
        }
        int end = len;
        if (name.endsWith(EPHEMERAL_SUFFIX)) {
            end = len - EPHEMERAL_SUFFIX.length();
            if (end == 0) {
                return false;
            }
        }
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
