package io.nodeq.daemon.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of one {@link DiskQueue}, with nsqd's defaults ({@code --max-bytes-per-file},
 * {@code --max-msg-size}, {@code --sync-every}, {@code --sync-timeout}).
 *
 * @param maxBytesPerFile segment size at which the writer rolls to the next segment (nsq-disk-queue.md §2.3)
 * @param minMsgSize      smallest legal record payload (26 = the message header of an empty body)
 * @param maxMsgSize      largest legal record payload (nsqd: --max-msg-size + 26)
 * @param syncEvery       fsync + metadata after this many reads + writes
 * @param syncTimeout     period of the owner's timer calling {@link DiskQueue#syncIfDirty()}; the queue
 *                        itself keeps no timer
 */
public record DiskQueueOptions(long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery,
                               Duration syncTimeout) {

    public static final long DEFAULT_MAX_BYTES_PER_FILE = 100L * 1024 * 1024;
    /** nsqd's --max-msg-size default. */
    public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;
    public static final long DEFAULT_SYNC_EVERY = 2500;
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(2);

    public static final DiskQueueOptions DEFAULTS = forMaxBodySize(DEFAULT_MAX_BODY_SIZE);

    public DiskQueueOptions {
        Objects.requireNonNull(syncTimeout, "syncTimeout");
        if (maxBytesPerFile <= 0) {
            throw new IllegalArgumentException("maxBytesPerFile must be > 0, got " + maxBytesPerFile);
        }
        if (minMsgSize < 0 || maxMsgSize < minMsgSize || maxMsgSize > Integer.MAX_VALUE - 4) {
            throw new IllegalArgumentException(
                    "need 0 <= minMsgSize <= maxMsgSize, got " + minMsgSize + ".." + maxMsgSize);
        }
        if (syncEvery <= 0) {
            throw new IllegalArgumentException("syncEvery must be > 0, got " + syncEvery);
        }
        if (syncTimeout.isNegative() || syncTimeout.isZero()) {
            throw new IllegalArgumentException("syncTimeout must be > 0, got " + syncTimeout);
        }
    }

    /** Defaults, with record bounds derived from the daemon's --max-msg-size as nsqd does (26..max+26). */
    public static DiskQueueOptions forMaxBodySize(int maxBodySize) {
        if (maxBodySize < 0 || maxBodySize > Integer.MAX_VALUE - 4 - MessageRecord.HEADER_SIZE) {
            throw new IllegalArgumentException("max message size out of range: " + maxBodySize);
        }
        return new DiskQueueOptions(DEFAULT_MAX_BYTES_PER_FILE, MessageRecord.HEADER_SIZE,
                maxBodySize + MessageRecord.HEADER_SIZE, DEFAULT_SYNC_EVERY, DEFAULT_SYNC_TIMEOUT);
    }

    public DiskQueueOptions withMaxBytesPerFile(long value) {
        return new DiskQueueOptions(value, minMsgSize, maxMsgSize, syncEvery, syncTimeout);
    }

    public DiskQueueOptions withMsgSizes(int min, int max) {
        return new DiskQueueOptions(maxBytesPerFile, min, max, syncEvery, syncTimeout);
    }

    public DiskQueueOptions withSyncEvery(long value) {
        return new DiskQueueOptions(maxBytesPerFile, minMsgSize, maxMsgSize, value, syncTimeout);
    }

    public DiskQueueOptions withSyncTimeout(Duration value) {
        return new DiskQueueOptions(maxBytesPerFile, minMsgSize, maxMsgSize, syncEvery, value);
    }
}
