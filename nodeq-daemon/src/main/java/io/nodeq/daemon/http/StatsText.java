package io.nodeq.daemon.http;

import io.nodeq.protocol.GoDuration;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.stats.StatsSnapshot.ChannelStats;
import io.nodeq.daemon.stats.StatsSnapshot.ClientStats;
import io.nodeq.daemon.stats.StatsSnapshot.E2eLatency;
import io.nodeq.daemon.stats.StatsSnapshot.TopicStats;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human-readable {@code /stats} (the default format), laid out column for column like nsqd's
 * {@code printStats} so that eyes and scrapers used to nsqd read it the same way.
 */
final class StatsText {
    private StatsText() {
    }

    static String render(StatsSnapshot s, JvmMemory.Stats memory, long nowMillis) {
        StringBuilder w = new StringBuilder(1024);
        long nowSec = nowMillis / 1000;
        w.append("nsqd v").append(DaemonOptions.VERSION).append(" (built w/java").append(Runtime.version()).append(")\n");
        w.append("start_time ").append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                Instant.ofEpochSecond(s.startTime()).atZone(ZoneId.systemDefault()).toOffsetDateTime())).append('\n');
        w.append("uptime ").append(GoDuration.format(Duration.ofMillis(Math.max(0, nowMillis - s.startTime() * 1000)))).append('\n');
        w.append("\nHealth: ").append(s.health()).append('\n');
        if (memory != null) {
            w.append("\nMemory:\n");
            memLine(w, "heap_objects", memory.heapObjects());
            memLine(w, "heap_idle_bytes", memory.heapIdleBytes());
            memLine(w, "heap_in_use_bytes", memory.heapInUseBytes());
            memLine(w, "heap_released_bytes", memory.heapReleasedBytes());
            memLine(w, "gc_pause_usec_100", memory.gcPauseUsec100());
            memLine(w, "gc_pause_usec_99", memory.gcPauseUsec99());
            memLine(w, "gc_pause_usec_95", memory.gcPauseUsec95());
            memLine(w, "next_gc_bytes", memory.nextGcBytes());
            memLine(w, "gc_total_runs", memory.gcTotalRuns());
        }
        List<TopicStats> topics = s.topics() == null ? List.of() : s.topics();
        w.append(topics.isEmpty() ? "\nTopics: None\n" : "\nTopics:");
        for (TopicStats t : topics) {
            w.append(String.format(Locale.ROOT, "\n%s[%-15s] depth: %-5d be-depth: %-5d msgs: %-8d e2e%%: %s\n",
                    t.paused() ? "*P " : "   ", t.topicName(), t.depth(), t.backendDepth(), t.messageCount(),
                    e2e(t.e2eProcessingLatency())));
            for (ChannelStats c : t.channels() == null ? List.<ChannelStats>of() : t.channels()) {
                w.append(String.format(Locale.ROOT,
                        "%s[%-25s] depth: %-5d be-depth: %-5d inflt: %-4d def: %-4d re-q: %-5d timeout: %-5d msgs: %-8d e2e%%: %s\n",
                        c.paused() ? "   *P " : "      ", c.channelName(), c.depth(), c.backendDepth(),
                        c.inFlightCount(), c.deferredCount(), c.requeueCount(), c.timeoutCount(), c.messageCount(),
                        e2e(c.e2eProcessingLatency())));
                if (c.clients() != null) {
                    for (ClientStats client : c.clients()) {
                        w.append("        ").append(client(client, nowSec)).append('\n');
                    }
                }
            }
        }
        List<ClientStats> producers = s.producers() == null ? List.of() : s.producers();
        if (producers.isEmpty()) {
            w.append("\nProducers: None\n");
        } else {
            w.append("\nProducers:\n");
            for (ClientStats p : producers) {
                w.append("   ").append(client(p, nowSec)).append('\n');
            }
        }
        return w.toString();
    }

    private static void memLine(StringBuilder w, String name, long value) {
        w.append(String.format(Locale.ROOT, "   %-25s\t%d\n", name, value));
    }

    static String client(ClientStats c, long nowSec) {
        String remote = c.remoteAddress() == null ? "" : c.remoteAddress();
        String port = remote.substring(remote.lastIndexOf(':') + 1);
        String id = c.hostname() + ":" + port + " " + c.userAgent();
        String connected = GoDuration.format(Duration.ofSeconds(Math.max(0, nowSec - c.connectTs())));
        if (c.pubCounts() != null && !c.pubCounts().isEmpty()) {
            long total = 0;
            List<String> topics = new ArrayList<>();
            for (StatsSnapshot.PubCount p : c.pubCounts()) {
                total += p.count();
                topics.add(p.topic() + "=" + p.count());
            }
            return String.format(Locale.ROOT, "[%s %-21s] msgs: %-8d topics: %s connected: %s",
                    c.version(), id, total, String.join(",", topics), connected);
        }
        return String.format(Locale.ROOT,
                "[%s %-21s] state: %d inflt: %-4d rdy: %-4d fin: %-8d re-q: %-8d msgs: %-8d connected: %s",
                c.version(), id, c.state(), c.inFlightCount(), c.readyCount(), c.finishCount(), c.requeueCount(),
                c.messageCount(), connected);
    }

    /** Percentile values joined by ", ", each like nsq's NanoSecondToHuman ({@code 2.1ms}). */
    static String e2e(E2eLatency e2e) {
        if (e2e == null || e2e.percentiles() == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (StatsSnapshot.Quantile q : e2e.percentiles()) {
            double v = q.value();
            String suffix;
            if (v > 1e9) {
                v /= 1e9;
                suffix = "s";
            } else if (v > 1e6) {
                v /= 1e6;
                suffix = "ms";
            } else if (v > 1e3) {
                v /= 1e3;
                suffix = "us";
            } else {
                suffix = "ns";
            }
            parts.add(String.format(Locale.ROOT, "%.1f%s", v, suffix));
        }
        return String.join(", ", parts);
    }

}
