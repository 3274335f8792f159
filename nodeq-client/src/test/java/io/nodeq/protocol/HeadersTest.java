package io.nodeq.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadersTest {

    @Test
    void encodesTheDocumentedLayoutByteByByte() {
        byte[] block = Headers.of("Ab", "xé").encode();
        // H = 1 + 2 + 2 + 3 = 8; entry: nameLen 2, "Ab", valueLen 3, "x" + é (2 bytes)
        assertArrayEquals(new byte[]{0, 8, 2, 'A', 'b', 0, 3, 'x', (byte) 0xC3, (byte) 0xA9}, block);
        assertEquals(block.length, Headers.of("Ab", "xé").encodedLength());
        assertArrayEquals(new byte[]{0, 0}, Headers.NONE.encode());
    }

    @Test
    void roundTripsInOrderAndFindsIgnoringCase() {
        Headers h = Headers.of("Trace-Id", "t-1", Headers.MSG_ID, "order-42", "empty", "");
        byte[] body = h.frame("payload".getBytes(StandardCharsets.UTF_8));
        int len = Headers.blockLength(body, 0, body.length);
        assertEquals(h.encodedLength(), len);
        assertEquals("payload", new String(body, len, body.length - len, StandardCharsets.UTF_8));
        Headers back = Headers.decode(body, 0);
        assertEquals(h, back);
        assertEquals(List.of("Trace-Id", "Nodeq-Msg-Id", "empty"), List.copyOf(back.asMap().keySet()));
        assertEquals("order-42", back.get("nodeq-msg-id"));
        assertEquals("order-42", Headers.find(body, 0, "NODEQ-MSG-ID"));
        assertEquals("", Headers.find(body, 0, "Empty"));
        assertNull(Headers.find(body, 0, "missing"));
        assertEquals("t-2", h.with("trace-id", "t-2").get("Trace-Id"));
    }

    @Test
    void refusesMalformedBlocksWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> Headers.blockLength(new byte[]{0}, 0, 1));
        // H says 9 bytes, body has 4
        assertThrows(IllegalArgumentException.class, () -> Headers.blockLength(new byte[]{0, 9, 1, 'a'}, 0, 4));
        // value length overruns the block
        assertThrows(IllegalArgumentException.class,
                () -> Headers.blockLength(new byte[]{0, 4, 1, 'a', 0, 5}, 0, 6));
        // zero-length name, bad character, duplicate ignoring case
        assertThrows(IllegalArgumentException.class, () -> Headers.blockLength(new byte[]{0, 3, 0, 0, 0}, 0, 5));
        assertThrows(IllegalArgumentException.class,
                () -> Headers.blockLength(new byte[]{0, 4, 1, ' ', 0, 0}, 0, 6));
        assertThrows(IllegalArgumentException.class,
                () -> Headers.blockLength(new byte[]{0, 8, 1, 'a', 0, 0, 1, 'A', 0, 0}, 0, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Headers.of("a b", "v"));
        assertTrue(e.getMessage().contains("A-Z a-z 0-9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Headers.of("X", "1", "x", "2"));
        assertThrows(IllegalArgumentException.class, () -> Headers.of("X", "v".repeat(70_000)));
    }

    @Test
    void anEmptyBlockIsTwoZeroBytes() {
        byte[] body = {0, 0, 'h', 'i'};
        assertEquals(2, Headers.blockLength(body, 0, body.length));
        assertTrue(Headers.decode(body, 0).isEmpty());
    }
}
