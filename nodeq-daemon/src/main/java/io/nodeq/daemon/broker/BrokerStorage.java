package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FileLayer;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;

import java.nio.file.Path;

/**
 * Where the broker keeps its topics' logs and cursors, and how: the data path, the file layer
 * (a fault-injecting one in tests), segment size and the daemon's default durability.
 * Immutable; shared by the shards.
 */
public record BrokerStorage(Path dataPath, FileLayer files, long maxBytesPerFile, int maxMsgSize,
                            Durability defaultDurability) {

    public static BrokerStorage of(DaemonOptions options, FileLayer files) {
        Durability d = Durability.parse(options.durability());
        return new BrokerStorage(options.dataPath(), files, options.maxBytesPerFile(), options.maxMsgSize(),
                d == null ? Durability.MEMORY_FIRST : d);
    }

    public Path topicsDir() {
        return TopicFiles.topicsDir(dataPath);
    }

    /** How topic logs are written: by the shards, and by the importer of old queue files at start. */
    public TopicLog.LogOptions logOptions() {
        return new TopicLog.LogOptions(maxBytesPerFile, LogRecord.size(maxMsgSize), files);
    }

    TopicFiles filesFor(String topic) {
        return new TopicFiles(topicsDir(), topic, logOptions());
    }
}
