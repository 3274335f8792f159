package io.nodeq.daemon.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.protocol.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nsqd's list of topics and channels, {@code <data-path>/nsqd.dat} (nsq-disk-queue.md §4), same JSON as
 * nsqd 1.3.0 writes so a data directory moves between nsqd and nodeq:
 * <pre>
 * {"topics":[{"name":"dq","paused":true,"channels":[{"name":"c","paused":true}]}],"version":"1.3.0"}
 * </pre>
 * Immutable value. Ephemeral topics and channels are never written; invalid names are skipped on load.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Metadata(List<TopicMetadata> topics, String version) {

    public static final String FILE_NAME = "nsqd.dat";
    /** The nsqd version whose format this is; nsqd does not check it on load. */
    public static final String VERSION = "1.3.0";

    private static final Logger log = LoggerFactory.getLogger(Metadata.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public Metadata {
        topics = topics == null ? List.of() : List.copyOf(topics);
        version = version == null ? VERSION : version;
    }

    public static Metadata of(List<TopicMetadata> topics) {
        return new Metadata(topics, VERSION);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record TopicMetadata(String name, boolean paused, List<ChannelMetadata> channels, String durability,
                                @JsonProperty("dedup_window") String dedupWindow, String retention) {
        public TopicMetadata {
            // nsqd writes "channels":null for a topic without channels
            channels = channels == null ? List.of() : List.copyOf(channels);
        }

        /** A topic at the daemon's default level (nsqd's entries carry no level; nsqd ignores nodeq's). */
        public TopicMetadata(String name, boolean paused, List<ChannelMetadata> channels) {
            this(name, paused, channels, null);
        }

        /** A topic without nodeq's dedup window and retention (Go durations; null = off). */
        public TopicMetadata(String name, boolean paused, List<ChannelMetadata> channels, String durability) {
            this(name, paused, channels, durability, null, null);
        }

        TopicMetadata withChannels(List<ChannelMetadata> kept) {
            return new TopicMetadata(name, paused, kept, durability, dedupWindow, retention);
        }
    }

    /** nodeq's {@code max_attempts} and {@code dead_letter_topic} are left out when unset, as nsqd has none. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ChannelMetadata(String name, boolean paused, @JsonProperty("max_attempts") Integer maxAttempts,
                                  @JsonProperty("dead_letter_topic") String deadLetterTopic) {
        public ChannelMetadata(String name, boolean paused) {
            this(name, paused, null, null);
        }
    }

    /** Reads {@code nsqd.dat}; a missing file is an empty list. Unparseable JSON is an IOException. */
    public static Metadata load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return of(List.of());
        }
        Metadata raw;
        try {
            raw = JSON.readValue(bytes, Metadata.class);
        } catch (JsonProcessingException e) {
            throw new IOException("failed to parse metadata " + file + " - " + e.getOriginalMessage(), e);
        }
        List<TopicMetadata> topics = new ArrayList<>();
        for (TopicMetadata t : raw.topics()) {
            if (!Names.isValidTopicName(t.name())) {
                log.warn("skipping creation of invalid topic {} from {}", t.name(), file);
                continue;
            }
            List<ChannelMetadata> channels = new ArrayList<>();
            for (ChannelMetadata c : t.channels()) {
                if (!Names.isValidChannelName(c.name())) {
                    log.warn("skipping creation of invalid channel {} of topic {} from {}", c.name(), t.name(), file);
                    continue;
                }
                channels.add(c);
            }
            topics.add(t.withChannels(channels));
        }
        return new Metadata(topics, raw.version());
    }

    /** Writes {@code nsqd.dat} atomically (tmp, fsync, rename, directory fsync), without ephemerals. */
    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileOps.atomicWrite(dataDir.resolve(FILE_NAME), toJson());
    }

    /** The bytes {@link #write} stores: ephemeral topics and channels left out. */
    public byte[] toJson() throws JsonProcessingException {
        List<TopicMetadata> durable = new ArrayList<>();
        for (TopicMetadata t : topics) {
            if (Names.isEphemeral(t.name())) {
                continue;
            }
            List<ChannelMetadata> channels = t.channels().stream().filter(c -> !Names.isEphemeral(c.name())).toList();
            durable.add(t.withChannels(channels));
        }
        return JSON.writeValueAsBytes(new Metadata(durable, version));
    }
}
