package io.nodeq.daemon.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * File names of one queue, go-diskqueue's layout (nsq-disk-queue.md §2.1): segments
 * {@code <name>.diskqueue.<NNNNNN>.dat}, metadata {@code <name>.diskqueue.meta.dat}, set-aside
 * segments {@code ….dat.bad}. Immutable.
 */
record QueueFiles(Path dir, String name) {

    Path segment(long fileNum) {
        return dir.resolve(segmentName(fileNum));
    }

    String segmentName(long fileNum) {
        return name + ".diskqueue." + pad6(fileNum) + ".dat";
    }

    Path badSegment(long fileNum) {
        return dir.resolve(segmentName(fileNum) + ".bad");
    }

    Path meta() {
        return dir.resolve(name + ".diskqueue.meta.dat");
    }

    /** Numbers of the segment files of this queue that exist now, ascending. */
    TreeSet<Long> existingSegments() throws IOException {
        String prefix = name + ".diskqueue.";
        TreeSet<Long> nums = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob(prefix) + "*.dat")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                String mid = f.substring(prefix.length(), f.length() - ".dat".length());
                if (!mid.isEmpty() && mid.length() <= 18 && mid.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    nums.add(Long.parseLong(mid));
                }
            }
        }
        return nums;
    }

    /** Temporary metadata files left by a crash between write and rename. */
    List<Path> staleMetaTmpFiles() throws IOException {
        String metaName = meta().getFileName().toString();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob(metaName + ".") + "*.tmp")) {
            ds.forEach(out::add);
        }
        return out;
    }

    private static String pad6(long n) {
        String s = Long.toString(n);
        return s.length() >= 6 ? s : "000000".substring(s.length()) + s;
    }

    /** Topic names may hold '.', '-', '_' only besides letters and digits; escape glob specials anyway. */
    private static String glob(String literal) {
        StringBuilder sb = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
