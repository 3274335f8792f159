package io.nodeq.protocol;

/**
 * Go's {@code %q} for the names nsqd quotes in error texts ({@code topic name "x" is not valid}):
 * double quotes around the value, with backslash escapes for quotes, backslashes and bytes that
 * are not printable ASCII.
 */
public final class GoQuote {
    private GoQuote() {
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append(c);
                    } else {
                        b.append(String.format("\\x%02x", (int) c & 0xff));
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
