package io.nodeq.lookup;

import java.time.Duration;

/** Go's time.ParseDuration/String for flags: {@code 300s}, {@code 250ms}, {@code 1h30m}, {@code 1.5s}. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"\"");
        }
        String in = s;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if ("0".equals(s)) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + in + "\"");
        }
        double nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("invalid duration \"" + in + "\"");
            }
            double value;
            try {
                value = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid duration \"" + in + "\"");
            }
            int u = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(u, i);
            nanos += value * switch (unit) {
                case "ns" -> 1d;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "" -> throw new IllegalArgumentException("missing unit in duration \"" + in + "\"");
                default -> throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + in + "\"");
            };
        }
        long n = Math.round(nanos);
        return Duration.ofNanos(negative ? -n : n);
    }

    /** Go's Duration.String() for whole units: {@code 5m0s}, {@code 45s}, {@code 250ms}. */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        if (n % 1_000_000_000L != 0 && Math.abs(n) < 1_000_000_000L) {
            if (n % 1_000_000 == 0) {
                return (n / 1_000_000) + "ms";
            }
            if (n % 1_000 == 0) {
                return (n / 1_000) + "µs";
            }
            return n + "ns";
        }
        StringBuilder b = new StringBuilder();
        long secsTotal = n / 1_000_000_000L;
        long frac = n % 1_000_000_000L;
        long h = secsTotal / 3600;
        long m = (secsTotal % 3600) / 60;
        long sec = secsTotal % 60;
        if (h > 0) {
            b.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            b.append(m).append('m');
        }
        b.append(sec);
        if (frac != 0) {
            b.append('.').append(String.format("%09d", frac).replaceAll("0+$", ""));
        }
        return b.append('s').toString();
    }
}
