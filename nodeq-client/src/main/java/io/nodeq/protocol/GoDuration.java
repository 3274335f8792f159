package io.nodeq.protocol;

import java.time.Duration;

/**
 * Durations in Go's syntax, as NSQ's flags and config files take them: {@code 60s}, {@code 250ms},
 * {@code 1h30m}, {@code 1.5s}, {@code 100us}, {@code 0}. Also formats the other way for --help.
 */
public final class GoDuration {
    private GoDuration() {
    }

    public static Duration parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"\"");
        }
        String in = s.trim();
        boolean negative = false;
        if (in.startsWith("-") || in.startsWith("+")) {
            negative = in.charAt(0) == '-';
            in = in.substring(1);
        }
        if (in.equals("0")) {
            return Duration.ZERO;
        }
        double totalNanos = 0;
        int i = 0;
        if (in.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + s + "\"");
        }
        while (i < in.length()) {
            int start = i;
            while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("invalid duration \"" + s + "\"");
            }
            double value;
            try {
                value = Double.parseDouble(in.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid duration \"" + s + "\"");
            }
            int unitStart = i;
            while (i < in.length() && !Character.isDigit(in.charAt(i)) && in.charAt(i) != '.') {
                i++;
            }
            String unit = in.substring(unitStart, i);
            long scale = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException(unit.isEmpty()
                        ? "missing unit in duration \"" + s + "\""
                        : "unknown unit \"" + unit + "\" in duration \"" + s + "\"");
            };
            totalNanos += value * scale;
        }
        long nanos = Math.round(totalNanos);
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    /**
     * What Go's {@code time.Duration.String()} prints: {@code 1.5s}, {@code 1m30s}, {@code 2h0m0s},
     * {@code 1.5ms}, {@code 1µs}, {@code 0s} (the same algorithm: below a second the largest unit
     * below it with a fraction, above it h/m/s with the seconds' fraction, trailing zeros dropped).
     */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        // Long.MIN_VALUE has no positive counterpart: go through its magnitude as unsigned text
        boolean negative = n < 0;
        long u = negative ? -n : n;
        StringBuilder b = new StringBuilder(negative ? "-" : "");
        if (u > 0 && u < 1_000_000_000L) {
            if (u < 1_000L) {
                b.append(u).append("ns");
            } else if (u < 1_000_000L) {
                b.append(u / 1_000L).append(fraction(u % 1_000L, 3)).append("µs");
            } else {
                b.append(u / 1_000_000L).append(fraction(u % 1_000_000L, 6)).append("ms");
            }
            return b.toString();
        }
        long seconds = Long.divideUnsigned(u, 1_000_000_000L);
        String secondsText = Long.remainderUnsigned(seconds, 60) + fraction(Long.remainderUnsigned(u, 1_000_000_000L), 9) + "s";
        long minutes = seconds / 60;
        if (minutes > 0) {
            long hours = minutes / 60;
            if (hours > 0) {
                b.append(hours).append('h');
            }
            b.append(minutes % 60).append('m');
        }
        return b.append(secondsText).toString();
    }

    /** {@code .5} for 500 of 3 digits; empty for 0. */
    private static String fraction(long value, int digits) {
        if (value == 0) {
            return "";
        }
        String s = String.valueOf(value);
        s = "0".repeat(digits - s.length()) + s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return "." + s.substring(0, end);
    }
}
