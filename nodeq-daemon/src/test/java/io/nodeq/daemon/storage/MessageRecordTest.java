package io.nodeq.daemon.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MessageRecordTest {

    private static final byte[] ID = "18a4efabe0269000".getBytes(StandardCharsets.US_ASCII);

    @Test
    void encodesNsqsLayoutByteByByte() {
        byte[] p = MessageRecord.encode(0x0102030405060708L, 0xFFFE, ID, "hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(p)).isEqualTo("0102030405060708" + "fffe"
                + HexFormat.of().formatHex(ID) + HexFormat.of().formatHex("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(p).hasSize(31);
    }

    @Test
    void decodeIsTheInverseWithUnsignedAttempts() {
        MessageRecord m = new MessageRecord(-5L, 65535, ID, new byte[]{1, 2, 3});
        assertThat(MessageRecord.decode(m.encode())).isEqualTo(m);
        MessageRecord empty = new MessageRecord(7, 0, ID, new byte[0]);
        assertThat(MessageRecord.decode(empty.encode())).isEqualTo(empty);
    }

    @Test
    void attemptsWrapLikeAUint16WhenEncodingRaw() {
        byte[] p = MessageRecord.encode(1, 65536, ID, new byte[0]);
        assertThat(MessageRecord.decode(p).attempts()).isZero();
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> MessageRecord.decode(new byte[25])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageRecord(1, 0, new byte[15], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageRecord(1, -1, ID, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
