package io.nodeq.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Message headers, a nodeq extension (PROTOCOL-EXTENSIONS.md): an ordered set of name/value pairs
 * carried in front of the body by connections that negotiated {@code nodeq_headers} in IDENTIFY,
 * and stored that way in the topic's log. Clients that did not negotiate it never see them.
 *
 * <pre>
 *   body as a negotiating client sends and receives it (PUB, DPUB, each MPUB message, the
 *   message frame's body):
 *   +---------+--------------------------------------+------------------+
 *   | H (u16) | H bytes: entries                     | payload          |
 *   +---------+--------------------------------------+------------------+
 *   entry:
 *   +-----------------+-------------------+------------------+----------------------+
 *   | nameLen (u8)    | name (ASCII token) | valueLen (u16)   | value (UTF-8)        |
 *   +-----------------+-------------------+------------------+----------------------+
 * </pre>
 *
 * All integers big-endian. {@code H = 0} means no headers. Names are 1–255 characters of
 * {@code A-Z a-z 0-9 - _ .}, unique ignoring case, and compared ignoring case; a whole block is at
 * most {@link #MAX_BLOCK} bytes. Immutable.
 */
public final class Headers {
    public static final Headers NONE = new Headers(Collections.emptyMap());
    /** Largest encoded block, the u16 length included. */
    public static final int MAX_BLOCK = 2 + 0xFFFF;

    /** The idempotency key: a repeat inside the topic's dedup window is not stored again. */
    public static final String MSG_ID = "Nodeq-Msg-Id";
    /** Set on a dead-lettered message: where it came from and how often it was tried there. */
    public static final String ORIGIN_TOPIC = "Nodeq-Origin-Topic";
    public static final String ORIGIN_CHANNEL = "Nodeq-Origin-Channel";
    public static final String ORIGIN_ID = "Nodeq-Origin-Id";
    public static final String ORIGIN_ATTEMPTS = "Nodeq-Origin-Attempts";

    private final Map<String, String> values;

    private Headers(Map<String, String> values) {
        this.values = values;
    }

    /** Headers from name/value pairs: {@code of("Trace-Id", "abc", "Nodeq-Msg-Id", "42")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return of(m);
    }

    /** Headers from a map, in its iteration order; validated (names, duplicates, size). */
    public static Headers of(Map<String, String> map) {
        if (map.isEmpty()) {
            return NONE;
        }
        Map<String, String> copy = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            String problem = nameProblem(e.getKey());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (!seen.add(e.getKey().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + e.getKey() + " given twice");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("header " + e.getKey() + " has no value");
            }
            copy.put(e.getKey(), e.getValue());
        }
        Headers h = new Headers(Collections.unmodifiableMap(copy));
        if (h.encodedLength() > MAX_BLOCK) {
            throw new IllegalArgumentException("headers take " + h.encodedLength() + " bytes, more than " + MAX_BLOCK);
        }
        return h;
    }

    /** Why {@code name} cannot be a header name, or null when it can. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) {
            return "header name must be 1-255 characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return "header name " + GoQuote.quote(name) + " may hold only A-Z a-z 0-9 - _ .";
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public int size() {
        return values.size();
    }

    /** The value of {@code name}, compared ignoring case; null when absent. */
    public String get(String name) {
        String v = values.get(name);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The headers in order, unmodifiable. */
    public Map<String, String> asMap() {
        return values;
    }

    /** A copy with {@code name} set to {@code value} (replacing any header of that name). */
    public Headers with(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().equalsIgnoreCase(name)) {
                m.put(e.getKey(), e.getValue());
            }
        }
        m.put(name, value);
        return of(m);
    }

    /** Bytes of the encoded block, its u16 length included (2 when empty). */
    public int encodedLength() {
        int n = 2;
        for (Map.Entry<String, String> e : values.entrySet()) {
            n += 1 + e.getKey().length() + 2 + utf8Length(e.getValue());
        }
        return n;
    }

    /** The encoded block (u16 length + entries). */
    public byte[] encode() {
        byte[] out = new byte[encodedLength()];
        encodeTo(out, 0);
        return out;
    }

    /** Writes the encoded block at {@code off}; returns the offset after it. */
    public int encodeTo(byte[] out, int off) {
        int start = off;
        off += 2;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String name = e.getKey();
            out[off++] = (byte) name.length();
            for (int i = 0; i < name.length(); i++) {
                out[off++] = (byte) name.charAt(i);
            }
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            if (v.length > 0xFFFF) {
                throw new IllegalArgumentException("header " + name + " value longer than 65535 bytes");
            }
            out[off++] = (byte) (v.length >>> 8);
            out[off++] = (byte) v.length;
            System.arraycopy(v, 0, out, off, v.length);
            off += v.length;
        }
        int h = off - start - 2;
        out[start] = (byte) (h >>> 8);
        out[start + 1] = (byte) h;
        return off;
    }

    /** The body a negotiating client sends: this block, then {@code payload}. */
    public byte[] frame(byte[] payload) {
        byte[] out = new byte[encodedLength() + payload.length];
        int off = encodeTo(out, 0);
        System.arraycopy(payload, 0, out, off, payload.length);
        return out;
    }

    /**
     * Checks the block at the start of {@code a[off, off+len)} and returns its length (u16 prefix
     * included): where the payload starts. Throws {@link IllegalArgumentException} with the reason
     * when the block is malformed (too short, an entry overrunning it, a bad name, a duplicate).
     */
    public static int blockLength(byte[] a, int off, int len) {
        if (len < 2) {
            throw new IllegalArgumentException("body too short for its headers length");
        }
        int h = ((a[off] & 0xFF) << 8) | (a[off + 1] & 0xFF);
        if (2 + h > len) {
            throw new IllegalArgumentException("headers length " + h + " exceeds body size " + len);
        }
        int p = off + 2;
        int end = p + h;
        java.util.Set<String> seen = null;
        while (p < end) {
            int n = a[p++] & 0xFF;
            if (n == 0 || p + n + 2 > end) {
                throw new IllegalArgumentException("malformed header entry at byte " + (p - 1 - off));
            }
            for (int i = 0; i < n; i++) {
                byte c = a[p + i];
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '.';
                if (!ok) {
                    throw new IllegalArgumentException("bad character in header name at byte " + (p + i - off));
                }
            }
            String lower = new String(a, p, n, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            if (seen == null) {
                seen = new java.util.HashSet<>();
            }
            if (!seen.add(lower)) {
                throw new IllegalArgumentException("header " + lower + " given twice");
            }
            p += n;
            int v = ((a[p] & 0xFF) << 8) | (a[p + 1] & 0xFF);
            p += 2;
            if (p + v > end) {
                throw new IllegalArgumentException("header value overruns the headers at byte " + (p - off));
            }
            p += v;
        }
        return 2 + h;
    }

    /** Decodes the block at {@code off} (trusted: checked by {@link #blockLength} or written by us). */
    public static Headers decode(byte[] a, int off) {
        int h = ((a[off] & 0xFF) << 8) | (a[off + 1] & 0xFF);
        if (h == 0) {
            return NONE;
        }
        Map<String, String> m = new LinkedHashMap<>();
        int p = off + 2;
        int end = p + h;
        while (p < end) {
            int n = a[p++] & 0xFF;
            String name = new String(a, p, n, StandardCharsets.US_ASCII);
            p += n;
            int v = ((a[p] & 0xFF) << 8) | (a[p + 1] & 0xFF);
            p += 2;
            m.put(name, new String(a, p, v, StandardCharsets.UTF_8));
            p += v;
        }
        return new Headers(Collections.unmodifiableMap(m));
    }

    /**
     * The value of {@code name} in the block at {@code off} without decoding the rest (for the
     * publish path's dedup lookup); null when absent.
     */
    public static String find(byte[] a, int off, String name) {
        int h = ((a[off] & 0xFF) << 8) | (a[off + 1] & 0xFF);
        int p = off + 2;
        int end = p + h;
        while (p < end) {
            int n = a[p++] & 0xFF;
            boolean match = n == name.length();
            for (int i = 0; match && i < n; i++) {
                match = Character.toLowerCase((char) a[p + i]) == Character.toLowerCase(name.charAt(i));
            }
            p += n;
            int v = ((a[p] & 0xFF) << 8) | (a[p + 1] & 0xFF);
            p += 2;
            if (match) {
                return new String(a, p, v, StandardCharsets.UTF_8);
            }
            p += v;
        }
        return null;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
