package io.nodeq.config;

import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This machine's name, as Go's {@code os.Hostname} gives it to nsqd and nsqlookupd: the kernel's
 * name, and a DNS lookup ({@link InetAddress#getLocalHost}) only when there is none. Either may
 * block, so call it off the event loops (in {@code executeBlocking} or before Vert.x starts); it
 * counts and logs calls made on an event-loop thread, which tests check stay at zero. The answer
 * is kept after the first call.
 */
public final class Hostname {
    private static final Logger LOG = LoggerFactory.getLogger(Hostname.class);
    private static final AtomicLong CALLS_ON_EVENT_LOOP = new AtomicLong();
    private static volatile String cached;

    private Hostname() {
    }

    public static String get() {
        if (Context.isOnEventLoopThread()) {
            CALLS_ON_EVENT_LOOP.incrementAndGet();
            LOG.warn("hostname asked for on event loop {} (may block on DNS)", Thread.currentThread().getName(),
                    new IllegalStateException("called here"));
        }
        String h = cached;
        if (h == null) {
            h = lookup();
            cached = h;
        }
        return h;
    }

    /** How many calls ran on an event-loop thread since the JVM started; tests expect 0. */
    public static long callsOnEventLoop() {
        return CALLS_ON_EVENT_LOOP.get();
    }

    private static String lookup() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String h = Files.readString(kernel).strip();
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (IOException e) {
            // fall through to the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}
