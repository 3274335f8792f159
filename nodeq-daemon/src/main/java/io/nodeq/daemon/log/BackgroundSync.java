package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * fsyncs that a thread beside the disk lane runs for it (a memory-first topic's periodic sync):
 * the channels a {@link TopicLog} and its {@link CursorStore}s had written to, captured on the lane,
 * and what the lane marks clean once they are done. A file written again meanwhile stays dirty, so a
 * synchronous {@code force} (a durable path, a close) never takes a background fsync for its own.
 */
public final class BackgroundSync {
    private final List<FileChannel> channels = new ArrayList<>();
    private final List<Runnable> onSynced = new ArrayList<>();

    void add(FileChannel channel, Runnable marksClean) {
        channels.add(channel);
        onSynced.add(marksClean);
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    /** On the sync thread: fsyncs the data of every channel; one closed meanwhile (a deleted segment) has nothing left to keep. */
    public Void fsync() throws IOException {
        for (FileChannel ch : channels) {
            try {
                ch.force(false);
            } catch (ClosedChannelException closed) {
                // deleted or closed by the lane since: what it held is gone or was forced by the close
            }
        }
        return null;
    }

    /** Back on the lane, after {@link #fsync} returned: the files not written since are clean. */
    public void synced() {
        onSynced.forEach(Runnable::run);
    }
}
