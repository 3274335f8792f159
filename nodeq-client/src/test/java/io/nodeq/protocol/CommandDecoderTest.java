package io.nodeq.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandDecoderTest {

    private static final CommandDecoder.Limits LIMITS = new CommandDecoder.Limits(100, 1000, 3_600_000);

    /** Records what the decoder emits, as strings, for easy comparison across splits. */
    private static final class Recorder implements CommandDecoder.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public void command(Command c) {
            StringBuilder b = new StringBuilder(c.toString());
            if (c.body() != null) {
                b.append(" body=").append(new String(c.body(), StandardCharsets.ISO_8859_1));
            }
            if (c.bodies() != null) {
                String label = c.name().equals(Command.MPUB) ? " msg=" : " body=";
                for (byte[] m : c.messages()) {
                    b.append(label).append(new String(m, StandardCharsets.ISO_8859_1));
                }
            }
            if (c.deferMs() != 0) {
                b.append(" defer=").append(c.deferMs());
            }
            events.add(b.toString());
        }

        @Override
        public void error(ProtocolError e) {
            events.add("ERROR " + e);
        }
    }

    private static Buffer sample() {
        Buffer b = Buffer.buffer("  V2");
        Commands.identify(b, "{\"feature_negotiation\":true}".getBytes(StandardCharsets.UTF_8));
        b.appendString("SUB t1 c1\r\nRDY 10\nNOP\n");
        Commands.pub(b, "t1", "hello".getBytes(StandardCharsets.UTF_8));
        Commands.mpub(b, "t1", List.of("a".getBytes(), "bb".getBytes(), "x".repeat(100).getBytes()));
        Commands.dpub(b, "t1", 1500, "later".getBytes());
        b.appendString("FIN 0123456789abcdef\nREQ 0123456789abcdef 10\nTOUCH 0123456789abcdef\nCLS\n");
        return b;
    }

    /** A sink that keeps every command and fails the test on any error. */
    private static CommandDecoder.Sink collecting(List<Command> into) {
        return new CommandDecoder.Sink() {
            @Override
            public void command(Command c) {
                into.add(c);
            }

            @Override
            public void error(ProtocolError e) {
                throw new AssertionError(e.toString());
            }
        };
    }

    private static List<String> decode(Buffer input, int[] splits) {
        return decode(input, splits, BodyBlocks.UNPOOLED);
    }

    @Test
    void decodesEveryCommandWhole() {
        assertThat(decode(sample(), new int[0])).containsExactly(
                "IDENTIFY body={\"feature_negotiation\":true}",
                "SUB t1 c1",
                "RDY 10",
                "NOP",
                "PUB t1 body=hello",
                "MPUB t1 msg=a msg=bb msg=" + "x".repeat(100),
                "DPUB t1 1500 body=later defer=1500",
                "FIN 0123456789abcdef",
                "REQ 0123456789abcdef 10",
                "TOUCH 0123456789abcdef",
                "CLS");
    }

    @Test
    void consecutiveLinesWithTheSameParametersShareOneArrayAndOthersGetTheirOwn() {
        List<Command> seen = new ArrayList<>();
        CommandDecoder d = new CommandDecoder(LIMITS, true, collecting(seen), BodyBlocks.UNPOOLED);
        Buffer b = Buffer.buffer("  V2");
        Commands.pub(b, "orders", "1".getBytes());
        Commands.pub(b, "orders", "2".getBytes());
        Commands.pub(b, "orderz", "3".getBytes()); // same length, other bytes
        Commands.pub(b, "order", "4".getBytes());
        b.appendString("FIN 0123456789abcdef\nFIN 0123456789abcdee\n");
        d.handle(b);
        assertThat(seen).hasSize(6);
        assertThat(seen.get(1).params()).isSameAs(seen.get(0).params()).containsExactly("orders");
        assertThat(seen.get(2).params()).containsExactly("orderz");
        assertThat(seen.get(3).params()).containsExactly("order");
        assertThat(seen.get(4).params()).containsExactly("0123456789abcdef");
        assertThat(seen.get(5).params()).containsExactly("0123456789abcdee");
    }

    @Test
    void keepsNoReferenceToAChunkOnceHandled() {
        // the daemon hands the decoder Netty's read buffers and frees them when handle returns: a
        // chunk that ends inside a command must be copied, not kept, or freed bytes get decoded
        Buffer input = sample();
        Recorder r = new Recorder();
        CommandDecoder d = new CommandDecoder(LIMITS, true, r);
        for (int pos = 0; pos < input.length(); pos += 7) {
            Buffer chunk = input.getBuffer(pos, Math.min(input.length(), pos + 7));
            d.handle(chunk);
            for (int i = 0; i < chunk.length(); i++) {
                chunk.setByte(i, (byte) '#'); // the freed buffer is reused for something else
            }
        }
        assertThat(r.events).isEqualTo(decode(input, new int[0]));
    }

    @Test
    void sameResultFedOneByteAtATime() {
        Buffer input = sample();
        int[] splits = new int[input.length() - 1];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = i + 1;
        }
        assertThat(decode(input, splits)).isEqualTo(decode(input, new int[0]));
    }

    @Test
    void sameResultWithRandomSplits() {
        Buffer input = sample();
        List<String> expected = decode(input, new int[0]);
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(12);
            int[] splits = random.ints(n, 0, input.length() + 1).sorted().toArray();
            assertThat(decode(input, splits)).as("splits %s", java.util.Arrays.toString(splits)).isEqualTo(expected);
        }
    }

    /** The events of decoding {@code input} cut at {@code splits}; each command's bodies are released once recorded. */
    private static List<String> decode(Buffer input, int[] splits, BodyBlocks blocks) {
        Recorder r = new Recorder();
        CommandDecoder d = new CommandDecoder(LIMITS, true, new CommandDecoder.Sink() {
            @Override
            public void command(Command c) {
                r.command(c);
                if (c.bodies() != null) {
                    c.bodies().release(); // the next body may now overwrite these spans
                }
            }

            @Override
            public void error(ProtocolError e) {
                r.error(e);
            }
        }, blocks);
        int pos = 0;
        for (int s : splits) {
            d.handle(input.getBuffer(pos, s));
            pos = s;
        }
        d.handle(input.getBuffer(pos, input.length()));
        return r.events;
    }

    @Test
    void pooledBlocksDecodeTheSameWhateverTheSplitAndAreReused() {
        Buffer input = sample();
        List<String> expected = decode(input, new int[0]);
        // 256-byte blocks: "hello", "a", "bb" and "later" share one; the 100-byte body gets its own array
        BodyBlocks blocks = new BodyBlocks(256, 4);
        assertThat(decode(input, new int[0], blocks)).isEqualTo(expected);
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int[] splits = random.ints(1 + random.nextInt(12), 0, input.length() + 1).sorted().toArray();
            assertThat(decode(input, splits, blocks)).as("splits %s", java.util.Arrays.toString(splits))
                    .isEqualTo(expected);
        }
        assertThat(blocks.blocksMade()).as("every body was released before the next: one block serves all").isEqualTo(1);
    }

    @Test
    void heldBodiesKeepTheirBytesAndTheirBlocksComeBackWhenReleased() {
        BodyBlocks blocks = new BodyBlocks(1024, 2);
        List<Command> held = new ArrayList<>();
        CommandDecoder d = new CommandDecoder(LIMITS, false, collecting(held), blocks);
        Buffer in = Buffer.buffer();
        for (int i = 0; i < 100; i++) {
            Commands.pub(in, "t", String.format("body-%03d-%s", i, "x".repeat(50)).getBytes(StandardCharsets.UTF_8));
        }
        d.handle(in);
        assertThat(held).hasSize(100);
        for (int i = 0; i < 100; i++) {
            Bodies b = held.get(i).bodies();
            assertThat(b.count()).isEqualTo(1);
            assertThat(new String(b.array(0), b.offset(0), b.length(0), StandardCharsets.UTF_8))
                    .isEqualTo(String.format("body-%03d-%s", i, "x".repeat(50)));
        }
        long made = blocks.blocksMade();
        assertThat(made).as("100 x 59 bytes in 1 KiB blocks").isEqualTo(6);
        held.forEach(c -> c.bodies().release());
        assertThat(blocks.freeBlocks()).as("kept for reuse, up to maxFree").isEqualTo(2);
        held.clear();
        d.handle(in.getBuffer(0, in.length()));
        held.forEach(c -> c.bodies().release());
        assertThat(blocks.blocksMade()).as("the second round reuses and makes only what the free list lacks")
                .isEqualTo(made + 3);
        assertThatThrownBy(() -> held.get(0).bodies().array(0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("released");
    }

    @Test
    void anMpubCutShortByAnErrorGivesItsSpansBack() {
        BodyBlocks blocks = new BodyBlocks(1024, 2);
        Recorder r = new Recorder();
        CommandDecoder d = new CommandDecoder(LIMITS, false, r, blocks);
        Buffer in = Buffer.buffer("MPUB t\n").appendInt(4 + 4 + 3 + 4).appendInt(2).appendInt(3).appendString("abc")
                .appendInt(-1);
        d.handle(in);
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE MPUB invalid message(1) body size -1");
        Recorder r2 = new Recorder();
        CommandDecoder d2 = new CommandDecoder(LIMITS, false, r2, blocks);
        d2.handle(Commands.pub(Buffer.buffer(), "t", "again".getBytes(StandardCharsets.UTF_8)));
        assertThat(r2.events).containsExactly("PUB t body=again");
        assertThat(blocks.blocksMade()).as("the failed MPUB's block was rewound, not lost").isEqualTo(1);
    }

    @Test
    void largeBodyFilledInPlaceAcrossChunks() {
        CommandDecoder.Limits limits = new CommandDecoder.Limits(1 << 20, 5 << 20, 1000);
        Recorder r = new Recorder();
        CommandDecoder d = new CommandDecoder(limits, false, r);
        byte[] body = new byte[200_000];
        new Random(1).nextBytes(body);
        Buffer in = Commands.pub(Buffer.buffer(), "big", body).appendString("NOP\n");
        List<Command> seen = new ArrayList<>();
        CommandDecoder d2 = new CommandDecoder(limits, false, collecting(seen));
        for (int p = 0; p < in.length(); p += 7000) {
            d2.handle(in.getBuffer(p, Math.min(in.length(), p + 7000)));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).messages()).containsExactly(body);
        assertThat(seen.get(1).name()).isEqualTo("NOP");
        assertThat(r.events).isEmpty();
        assertThat(d.failed()).isFalse();
    }

    private static List<String> decodeLines(String... parts) {
        Buffer b = Buffer.buffer();
        for (String p : parts) {
            b.appendString(p);
        }
        Recorder r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(b);
        return r.events;
    }

    @Test
    void badMagicIsBadProtocol() {
        Recorder r = new Recorder();
        new CommandDecoder(LIMITS, true, r).handle(Buffer.buffer("  V1PUB"));
        assertThat(r.events).containsExactly("ERROR E_BAD_PROTOCOL");
    }

    @Test
    void emptyLineIsAnEmptyCommandName() {
        assertThat(decodeLines("\n")).containsExactly("");
    }

    @Test
    void pubErrorsUseNsqdTexts() {
        assertThat(decodeLines("PUB\n")).containsExactly("ERROR E_INVALID PUB insufficient number of parameters");
        assertThat(decodeLines("PUB bad:topic\n")).containsExactly("ERROR E_BAD_TOPIC PUB topic name \"bad:topic\" is not valid");
        Buffer b = Buffer.buffer("PUB t\n").appendInt(0);
        Recorder r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(b);
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE PUB invalid message body size 0");
        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("PUB t\n").appendInt(105));
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE PUB message too big 105 > 100");
        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("PUB t\n").appendInt(-7));
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE PUB invalid message body size -7");
    }

    @Test
    void dpubErrorsUseNsqdTexts() {
        assertThat(decodeLines("DPUB t\n")).containsExactly("ERROR E_INVALID DPUB insufficient number of parameters");
        assertThat(decodeLines("DPUB t -1\n")).containsExactly("ERROR E_INVALID DPUB could not parse timeout -1");
        assertThat(decodeLines("DPUB t 3600100\n")).containsExactly("ERROR E_INVALID DPUB timeout 3600100 out of range 0-3600000");
    }

    @Test
    void mpubErrorsUseNsqdTexts() {
        assertThat(decodeLines("MPUB\n")).containsExactly("ERROR E_INVALID MPUB insufficient number of parameters");
        assertThat(decodeLines("MPUB a$\n")).containsExactly("ERROR E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"a$\" is not valid");
        List<byte[]> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new byte[100]);
        }
        Recorder r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Commands.mpub(Buffer.buffer(), "t", eleven));
        assertThat(r.events).containsExactly("ERROR E_BAD_BODY MPUB body too big 1148 > 1000");

        Buffer emptySixth = Buffer.buffer("MPUB t\n").appendInt(100).appendInt(6);
        for (int i = 0; i < 5; i++) {
            emptySixth.appendInt(1).appendByte((byte) 'x');
        }
        emptySixth.appendInt(0);
        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(emptySixth);
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE MPUB invalid message(5) body size 0");

        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("MPUB t\n").appendInt(200).appendInt(1).appendInt(101));
        assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE MPUB message too big 101 > 100");

        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("MPUB t\n").appendInt(200).appendInt(0));
        assertThat(r.events).containsExactly("ERROR E_BAD_BODY MPUB invalid message count 0");

        // count 3, two messages, body size exact: refused at once, not after waiting for a third
        Buffer short3 = Buffer.buffer("MPUB t\n").appendInt(4 + 6 + 6).appendInt(3)
                .appendInt(2).appendString("aa").appendInt(2).appendString("bb");
        for (int split = 1; split < short3.length(); split++) {
            r = new Recorder();
            CommandDecoder d = new CommandDecoder(LIMITS, false, r);
            d.handle(short3.getBuffer(0, split));
            d.handle(short3.getBuffer(split, short3.length()));
            assertThat(r.events).containsExactly("ERROR E_BAD_MESSAGE MPUB failed to read message(2) body size");
        }

        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("MPUB t\n").appendInt(-1));
        assertThat(r.events).containsExactly("ERROR E_BAD_BODY MPUB invalid body size -1");
    }

    @Test
    void identifyAndAuthBodyErrors() {
        Recorder r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("IDENTIFY\n").appendInt(1001));
        assertThat(r.events).containsExactly("ERROR E_BAD_BODY IDENTIFY body too big 1001 > 1000");
        r = new Recorder();
        new CommandDecoder(LIMITS, false, r).handle(Buffer.buffer("IDENTIFY\n").appendInt(0));
        assertThat(r.events).containsExactly("ERROR E_BAD_BODY IDENTIFY invalid body size 0");
        assertThat(decodeLines("AUTH x\n")).containsExactly("ERROR E_INVALID AUTH invalid number of parameters");
    }

    @Test
    void stopsAfterTheFirstErrorAndIgnoresTheRest() {
        assertThat(decodeLines("PUB bad:t\nNOP\nNOP\n")).hasSize(1);
    }

    @Test
    void overlongLineIsRejected() {
        assertThat(decodeLines("X".repeat(CommandDecoder.MAX_LINE + 10)))
                .containsExactly("ERROR E_INVALID command line too long");
    }

    @Test
    void doubleSpacesGiveEmptyParams() {
        assertThat(decodeLines("SUB  c\n")).containsExactly("SUB  c");
    }

    @Test
    void takeRemainingHandsBackUnparsedBytes() {
        List<Command> seen = new ArrayList<>();
        CommandDecoder[] holder = new CommandDecoder[1];
        Buffer[] rest = new Buffer[1];
        holder[0] = new CommandDecoder(LIMITS, false, new CommandDecoder.Sink() {
            public void command(Command c) {
                seen.add(c);
                if (c.name().equals("IDENTIFY")) {
                    rest[0] = holder[0].takeRemaining();
                }
            }

            public void error(ProtocolError e) {
                throw new AssertionError(e.toString());
            }
        });
        holder[0].handle(Commands.identify(Buffer.buffer(), "{}".getBytes()).appendString("NOP\n"));
        assertThat(seen).extracting(Command::name).containsExactly("IDENTIFY");
        assertThat(rest[0].toString()).isEqualTo("NOP\n");
    }

    @Test
    void takeRemainingAlsoHandsBackTheChunkBehindACommandCutInTwo() {
        Buffer input = Commands.identify(Buffer.buffer(), "{\"a\":1}".getBytes()).appendString("NOP\nRDY 5\n");
        int identifyEnd = input.length() - "NOP\nRDY 5\n".length();
        // every cut inside IDENTIFY: its end is finished from the second chunk, whose tail must come back whole
        for (int cut = 1; cut < identifyEnd; cut++) {
            List<String> seen = new ArrayList<>();
            CommandDecoder[] holder = new CommandDecoder[1];
            Buffer[] rest = new Buffer[1];
            holder[0] = new CommandDecoder(LIMITS, false, new CommandDecoder.Sink() {
                public void command(Command c) {
                    seen.add(c.name());
                    if (c.name().equals("IDENTIFY")) {
                        rest[0] = holder[0].takeRemaining();
                    }
                }

                public void error(ProtocolError e) {
                    throw new AssertionError(e.toString());
                }
            });
            holder[0].handle(input.getBuffer(0, cut));
            holder[0].handle(input.getBuffer(cut, input.length()));
            assertThat(seen).as("cut at %d", cut).containsExactly("IDENTIFY");
            assertThat(rest[0].toString()).as("cut at %d", cut).isEqualTo("NOP\nRDY 5\n");
        }
    }

    @Test
    void parseBase10MatchesNsqd() {
        assertThat(CommandDecoder.parseBase10("")).isZero();
        assertThat(CommandDecoder.parseBase10("1500")).isEqualTo(1500);
        assertThat(CommandDecoder.parseBase10("-1")).isEqualTo(-1);
        assertThat(CommandDecoder.parseBase10("1x")).isEqualTo(-1);
        assertThat(CommandDecoder.parseBase10("99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }
}
