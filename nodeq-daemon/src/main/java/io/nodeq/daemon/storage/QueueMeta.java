package io.nodeq.daemon.storage;

import java.nio.charset.StandardCharsets;

/**
 * Content of {@code <name>.diskqueue.meta.dat}, go-diskqueue's text format {@code "%d\n%d,%d\n%d,%d\n"}
 * (nsq-disk-queue.md §2.4):
 * <pre>
 * depth
 * readFileNum,readPos
 * writeFileNum,writePos
 * </pre>
 */
record QueueMeta(long depth, long readFileNum, long readPos, long writeFileNum, long writePos) {

    byte[] format() {
        return (depth + "\n" + readFileNum + "," + readPos + "\n" + writeFileNum + "," + writePos + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Strict parse; Go's Fscanf accepts the same files we write and nsqd writes. */
    static QueueMeta parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length < 3) {
            throw new IllegalArgumentException("expected 3 lines, got " + (lines.length - 1));
        }
        long depth = Long.parseLong(lines[0].trim());
        long[] read = pair(lines[1]);
        long[] write = pair(lines[2]);
        if (read[0] < 0 || read[1] < 0 || write[0] < 0 || write[1] < 0) {
            throw new IllegalArgumentException("negative position");
        }
        return new QueueMeta(depth, read[0], read[1], write[0], write[1]);
    }

    private static long[] pair(String line) {
        int comma = line.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("expected fileNum,pos, got '" + line + "'");
        }
        return new long[]{Long.parseLong(line.substring(0, comma).trim()),
                Long.parseLong(line.substring(comma + 1).trim())};
    }
}
