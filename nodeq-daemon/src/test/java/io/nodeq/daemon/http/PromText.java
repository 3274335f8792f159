package io.nodeq.daemon.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser of Prometheus text format 0.0.4 for tests: samples as name, labels, value. It
 * also checks the shape a scraper relies on: every sample follows the {@code # TYPE} of its family,
 * and no family is declared twice. Test-only, immutable after parsing.
 */
final class PromText {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                family = parts[2];
                if (p.types.put(family, parts[3]) != null) {
                    throw new AssertionError("family declared twice: " + family);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Sample s = sample(line);
            if (family == null || !(s.name().equals(family) || s.name().startsWith(family + "_"))) {
                throw new AssertionError("sample outside its family (" + family + "): " + line);
            }
            p.samples.add(s);
        }
        return p;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;   // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = line.charAt(j + 1) == ',' ? j + 2 : j + 1;
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] tail = line.substring(rest).trim().split(" ");
        return new Sample(name, labels, Double.parseDouble(tail[0]));
    }

    String type(String family) {
        return types.get(family);
    }

    Set<String> names() {
        Set<String> out = new HashSet<>();
        samples.forEach(s -> out.add(s.name()));
        return out;
    }

    /** Samples of {@code name} whose labels include all of {@code labels} (name, value pairs). */
    List<Sample> find(String name, String... labels) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && hasLabels(s, labels)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The one sample's value; fails when there is none or more than one. */
    double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labels));
        }
        return found.get(0).value();
    }

    /** The one sample's value, which must be a whole number (a count or a depth). */
    long whole(String name, String... labels) {
        double v = value(name, labels);
        if (v != Math.rint(v)) {
            throw new AssertionError(name + " " + List.of(labels) + " is not whole: " + v);
        }
        return (long) v;
    }

    /** Every sample carrying {@code label=value}, whatever its name. */
    List<Sample> withLabel(String label, String value) {
        return samples.stream().filter(s -> value.equals(s.labels().get(label))).toList();
    }

    private static boolean hasLabels(Sample s, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
