package io.nodeq.daemon;

import io.nodeq.daemon.storage.Metadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Rewrites nsqd.dat when topics or channels are created, deleted or paused, as nsqd does. Changes
 * are coalesced: at most one write runs, and one more follows if anything changed meanwhile.
 * Nothing is written while the daemon is still loading the file.
 */
final class MetadataSaver {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataSaver.class);
    private final Vertx vertx;
    private final Path dataPath;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean enabled;
    private Supplier<Future<List<Metadata.TopicMetadata>>> source;

    MetadataSaver(Vertx vertx, Path dataPath) {
        this.vertx = vertx;
        this.dataPath = dataPath;
    }

    void source(Supplier<Future<List<Metadata.TopicMetadata>>> source) {
        this.source = source;
    }

    void enable() {
        enabled = true;
        changed();
    }

    /** Stops saving on changes (shutdown writes the final state itself). */
    void disable() {
        enabled = false;
    }

    /** Any thread. */
    void changed() {
        dirty.set(true);
        if (enabled && running.compareAndSet(false, true)) {
            vertx.runOnContext(v -> saveLoop());
        }
    }

    private void saveLoop() {
        dirty.set(false);
        saveNow().onComplete(ar -> {
            if (dirty.get()) {
                saveLoop();
            } else {
                running.set(false);
                if (dirty.get()) {
                    changed();
                }
            }
        });
    }

    /** Writes the current topic list now. */
    Future<Void> saveNow() {
        return source.get().compose(this::write);
    }

    Future<Void> write(List<Metadata.TopicMetadata> topics) {
        return vertx.executeBlocking(() -> {
            Metadata.of(topics).write(dataPath);
            return null;
        }, false).<Void>mapEmpty().onFailure(e -> LOG.error("writing {} failed: {}", Metadata.FILE_NAME, e.toString()));
    }
}
