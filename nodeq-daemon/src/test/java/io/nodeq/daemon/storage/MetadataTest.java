package io.nodeq.daemon.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeq.daemon.storage.Metadata.ChannelMetadata;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataTest {

    @TempDir
    Path dir;

    @Test
    void missingFileIsEmpty() throws Exception {
        assertThat(Metadata.load(dir).topics()).isEmpty();
    }

    @Test
    void roundTripInNsqdsJsonLayout() throws Exception {
        Metadata m = Metadata.of(List.of(
                new TopicMetadata("dq", true, List.of(new ChannelMetadata("c", true))),
                new TopicMetadata("h1", false, List.of())));
        m.write(dir);
        assertThat(Files.readString(dir.resolve("nsqd.dat"), StandardCharsets.UTF_8)).isEqualTo(
                "{\"topics\":[{\"name\":\"dq\",\"paused\":true,\"channels\":[{\"name\":\"c\",\"paused\":true}]},"
                        + "{\"name\":\"h1\",\"paused\":false,\"channels\":[]}],\"version\":\"1.3.0\"}");
        assertThat(Metadata.load(dir)).isEqualTo(m);
        assertThat(Records.files(dir)).containsExactly("nsqd.dat");
    }

    @Test
    void readsTheFileNsqdWrites() throws Exception {
        Files.writeString(dir.resolve("nsqd.dat"), """
                {"topics":[{"name":"dq","paused":true,"channels":[{"name":"c","paused":true}]},
                           {"name":"h1","paused":false,"channels":null}],
                 "version":"1.3.0"}""");
        Metadata m = Metadata.load(dir);
        assertThat(m.topics()).containsExactly(
                new TopicMetadata("dq", true, List.of(new ChannelMetadata("c", true))),
                new TopicMetadata("h1", false, List.of()));
        assertThat(m.version()).isEqualTo("1.3.0");
    }

    @Test
    void ephemeralTopicsAndChannelsAreNeverWritten() throws Exception {
        Metadata.of(List.of(
                new TopicMetadata("t", false, List.of(new ChannelMetadata("durable", false),
                        new ChannelMetadata("tail#ephemeral", false))),
                new TopicMetadata("gone#ephemeral", false, List.of(new ChannelMetadata("c", false)))))
                .write(dir);
        assertThat(Metadata.load(dir).topics()).containsExactly(
                new TopicMetadata("t", false, List.of(new ChannelMetadata("durable", false))));
        assertThat(Files.readString(dir.resolve("nsqd.dat"))).doesNotContain("ephemeral");
    }

    @Test
    void invalidNamesAreSkippedOnLoad() throws Exception {
        Files.writeString(dir.resolve("nsqd.dat"), """
                {"topics":[{"name":"bad name","paused":false,"channels":[]},
                           {"name":"ok","paused":false,"channels":[{"name":"a:b","paused":false},{"name":"c","paused":true}]}],
                 "version":"1.3.0","extra":1}""");
        assertThat(Metadata.load(dir).topics()).containsExactly(
                new TopicMetadata("ok", false, List.of(new ChannelMetadata("c", true))));
    }

    @Test
    void unparseableFileIsAClearError() throws Exception {
        Files.writeString(dir.resolve("nsqd.dat"), "{\"topics\":[");
        assertThatThrownBy(() -> Metadata.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("nsqd.dat");
    }

    @Test
    void rewriteReplacesAtomicallyWithoutLeftovers() throws Exception {
        Metadata.of(List.of(new TopicMetadata("a", false, List.of()))).write(dir);
        Metadata.of(List.of(new TopicMetadata("b", false, List.of()))).write(dir);
        assertThat(Metadata.load(dir).topics()).extracting(TopicMetadata::name).containsExactly("b");
        assertThat(Records.files(dir)).containsExactly("nsqd.dat");
    }
}
