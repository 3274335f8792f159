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
                case "us", "µs" -> 1_000L;
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

    /** Go's Duration.String() for round values: 2s, 250ms, 1h0m0s, 15m0s. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 1_000_000_000L != 0) {
            if (nanos % 1_000_000L == 0) {
                return (nanos / 1_000_000L) + "ms";
            }
            if (nanos % 1_000L == 0) {
                return (nanos / 1_000L) + "µs";
            }
            return nanos + "ns";
        }
        long secs = nanos / 1_000_000_000L;
        long h = secs / 3600;
        long m = (secs % 3600) / 60;
        long sec = secs % 60;
        if (h > 0) {
            return h + "h" + m + "m" + sec + "s";
        }
        if (m > 0) {
            return m + "m" + sec + "s";
        }
        return sec + "s";
    }
}
