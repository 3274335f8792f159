package io.nodeq.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of TOML that nsqd config files use: {@code key = value} lines, {@code #} comments,
 * values that are basic ("...") or literal ('...') strings, integers, floats, booleans and arrays
 * of those (which may span lines, trailing comma allowed). Tables and dates are rejected. Values
 * come back as String, Long, Double, Boolean or List&lt;Object&gt;, keys in file order.
 */
public final class ConfigFile {

    /** A syntax error, with the 1-based line it was found on. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private int pos;
    private int line = 1;

    private ConfigFile(String text) {
        this.text = text;
    }

    public static Map<String, Object> read(Path path) throws IOException, ConfigException {
        return parse(Files.readString(path, StandardCharsets.UTF_8));
    }

    public static Map<String, Object> parse(String text) throws ConfigException {
        return new ConfigFile(text).document();
    }

    private Map<String, Object> document() throws ConfigException {
        Map<String, Object> values = new LinkedHashMap<>();
        while (true) {
            skipBlankAndComments(true);
            if (pos >= text.length()) {
                return values;
            }
            char c = text.charAt(pos);
            if (c == '[') {
                throw error("tables ([...]) are not supported");
            }
            int keyLine = line;
            String key = key();
            skipSpaces();
            expect('=');
            skipSpaces();
            Object value = value();
            skipSpaces();
            if (pos < text.length() && text.charAt(pos) == '#') {
                skipComment();
            }
            if (pos < text.length() && !atLineEnd()) {
                throw error("unexpected text after the value of " + key);
            }
            if (values.put(key, value) != null) {
                throw new ConfigException("line " + keyLine + ": duplicate key " + key);
            }
        }
    }

    private String key() throws ConfigException {
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            return c == '"' ? basicString() : literalString();
        }
        int start = pos;
        while (pos < text.length() && isBareKeyChar(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected key = value");
        }
        return text.substring(start, pos);
    }

    private Object value() throws ConfigException {
        if (pos >= text.length() || atLineEnd()) {
            throw error("missing value");
        }
        char c = text.charAt(pos);
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            return literalString();
        }
        if (c == '[') {
            return array();
        }
        int start = pos;
        while (pos < text.length() && !atLineEnd() && " \t,]#".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.equals("true") || word.equals("false")) {
            return Boolean.valueOf(word);
        }
        String number = word.replace("_", "");
        try {
            return Long.parseLong(number.startsWith("+") ? number.substring(1) : number);
        } catch (NumberFormatException e) {
            try {
                if (!number.isEmpty() && !number.contains("x") && !Character.isLetter(number.charAt(number.length() - 1))) {
                    return Double.parseDouble(number);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw error("invalid value " + word + " (strings must be quoted)");
    }

    private List<Object> array() throws ConfigException {
        expect('[');
        List<Object> items = new ArrayList<>();
        while (true) {
            skipBlankAndComments(true);
            if (pos >= text.length()) {
                throw error("unterminated array");
            }
            if (text.charAt(pos) == ']') {
                pos++;
                return items;
            }
            items.add(value());
            skipBlankAndComments(true);
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < text.length() && text.charAt(pos) != ']') {
                throw error("expected , or ] in array");
            }
        }
    }

    private String basicString() throws ConfigException {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length() || atLineEnd()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> b.append(unicode(4));
                case 'U' -> b.append(unicode(8));
                default -> throw error("invalid escape \\" + e);
            }
        }
    }

    private String unicode(int digits) throws ConfigException {
        if (pos + digits > text.length()) {
            throw error("invalid unicode escape");
        }
        try {
            int cp = Integer.parseInt(text.substring(pos, pos + digits), 16);
            pos += digits;
            return new String(Character.toChars(cp));
        } catch (IllegalArgumentException e) {
            throw error("invalid unicode escape");
        }
    }

    private String literalString() throws ConfigException {
        expect('\'');
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != '\'' && !atLineEnd()) {
            pos++;
        }
        if (pos >= text.length() || text.charAt(pos) != '\'') {
            throw error("unterminated string");
        }
        return text.substring(start, pos++);
    }

    private void skipBlankAndComments(boolean newlines) {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\n' && newlines) {
                pos++;
                line++;
            } else if (c == '#') {
                skipComment();
            } else {
                return;
            }
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipComment() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private boolean atLineEnd() {
        char c = text.charAt(pos);
        return c == '\n' || c == '\r';
    }

    private void expect(char c) throws ConfigException {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error(c == '=' ? "expected key = value" : "expected " + c);
        }
        pos++;
    }

    private ConfigException error(String message) {
        return new ConfigException("line " + line + ": " + message);
    }

    private static boolean isBareKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
