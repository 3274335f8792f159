package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.protocol.Frames;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken input (nsq-protocol.md §1.1, §1.2, §1.5, §1.6, pitfalls 2 and 14): each is
 * answered as nsqd answers it, a fatal one closes only its own connection, and meanwhile a
 * producer/consumer pair keeps exchanging messages without losing one that was OK'd. nsqd's
 * TestFatalError, TestEmptyCommand, TestIOLoopReturnsClientErr*, plus seeded random input.
 */
class BadInputTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    private static final byte[] MAGIC = {' ', ' ', 'V', '2'};
    private static final String ID = "0123456789abcdef";

    /** Bytes sent on a fresh connection and the frames expected back (error frames as "ERROR ..."). */
    record Case(String what, Buffer input, List<String> answers, boolean closes) {
    }

    static Buffer v2(String text) {
        return Buffer.buffer(MAGIC).appendString(text, "ISO-8859-1");
    }

    static Case fatal(String what, Buffer input, String... answers) {
        return new Case(what, input, List.of(answers), true);
    }

    /** The deterministic cases; {@code t} names a topic they may publish to. */
    static List<Case> cases(String t) {
        List<Case> c = new ArrayList<>();
        c.add(fatal("wrong magic", Buffer.buffer("  V1"), "ERROR E_BAD_PROTOCOL"));
        c.add(fatal("http on the tcp port", Buffer.buffer("GET / HTTP/1.1\r\n\r\n"), "ERROR E_BAD_PROTOCOL"));
        c.add(fatal("garbage after magic", v2("\u0001\u0002junk here\n"), "ERROR E_INVALID invalid command \u0001\u0002junk"));
        c.add(fatal("unknown command", v2("ASDF\n"), "ERROR E_INVALID invalid command ASDF"));
        // nsqd echoes the raw bytes of the name, whatever their encoding
        c.add(fatal("binary command", v2("\u00e9\u00ff\u0080\n"), "ERROR E_INVALID invalid command \u00e9\u00ff\u0080"));
        c.add(fatal("io loop error", v2("INVALID_COMMAND\n"), "ERROR E_INVALID invalid command INVALID_COMMAND"));
        c.add(fatal("empty line", v2("\n\n"), "ERROR E_INVALID invalid command "));
        c.add(fatal("names are case-sensitive", v2("nop\n"), "ERROR E_INVALID invalid command nop"));
        c.add(fatal("RDY before SUB", v2("RDY 1\n"), "ERROR E_INVALID cannot RDY in current state"));
        c.add(fatal("FIN before SUB", v2("FIN " + ID + "\n"), "ERROR E_INVALID cannot FIN in current state"));
        c.add(fatal("REQ before SUB", v2("REQ " + ID + " 0\n"), "ERROR E_INVALID cannot REQ in current state"));
        c.add(fatal("TOUCH before SUB", v2("TOUCH " + ID + "\n"), "ERROR E_INVALID cannot TOUCH in current state"));
        c.add(fatal("CLS before SUB", v2("CLS\n"), "ERROR E_INVALID cannot CLS in current state"));
        c.add(fatal("second SUB", v2("SUB " + t + " ch\nSUB " + t + " ch\n"), "OK",
                "ERROR E_INVALID cannot SUB in current state"));
        c.add(fatal("SUB without channel", v2("SUB " + t + "\n"), "ERROR E_INVALID SUB insufficient number of parameters"));
        c.add(fatal("bad topic", v2("SUB a:b ch\n"), "ERROR E_BAD_TOPIC SUB topic name \"a:b\" is not valid"));
        c.add(fatal("bad channel", v2("SUB " + t + " a:b\n"), "ERROR E_BAD_CHANNEL SUB channel name \"a:b\" is not valid"));
        c.add(fatal("topic too long", v2("PUB " + "x".repeat(65) + "\n"),
                "ERROR E_BAD_TOPIC PUB topic name \"" + "x".repeat(65) + "\" is not valid"));
        c.add(fatal("empty topic", v2("PUB  " + t + "\n"), "ERROR E_BAD_TOPIC PUB topic name \"\" is not valid"));
        c.add(fatal("PUB without topic", v2("PUB\n"), "ERROR E_INVALID PUB insufficient number of parameters"));
        c.add(fatal("MPUB without topic", v2("MPUB\n"), "ERROR E_INVALID MPUB insufficient number of parameters"));
        c.add(fatal("MPUB bad topic", v2("MPUB bad/topic\n"),
                "ERROR E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"bad/topic\" is not valid"));
        c.add(fatal("DPUB bad topic", v2("DPUB a:b 10\n"), "ERROR E_BAD_TOPIC DPUB topic name \"a:b\" is not valid"));
        c.add(fatal("huge PUB", v2("PUB " + t + "\n").appendInt(Integer.MAX_VALUE),
                "ERROR E_BAD_MESSAGE PUB message too big 2147483647 > 1048576"));
        c.add(fatal("negative PUB", v2("PUB " + t + "\n").appendInt(Integer.MIN_VALUE),
                "ERROR E_BAD_MESSAGE PUB invalid message body size -2147483648"));
        c.add(fatal("negative MPUB", v2("MPUB " + t + "\n").appendInt(-1), "ERROR E_BAD_BODY MPUB invalid body size -1"));
        c.add(fatal("huge MPUB", v2("MPUB " + t + "\n").appendInt(Integer.MAX_VALUE),
                "ERROR E_BAD_BODY MPUB body too big 2147483647 > 5242880"));
        c.add(fatal("negative IDENTIFY", v2("IDENTIFY\n").appendInt(-7), "ERROR E_BAD_BODY IDENTIFY invalid body size -7"));
        c.add(fatal("negative AUTH", v2("AUTH\n").appendInt(-7), "ERROR E_BAD_BODY AUTH invalid body size -7"));
        c.add(fatal("AUTH with a parameter", v2("AUTH secret\n"), "ERROR E_INVALID AUTH invalid number of parameters"));
        c.add(fatal("RDY not a number", v2("SUB " + t + " ch\nRDY many\n"), "OK", "ERROR E_INVALID RDY could not parse count many"));
        c.add(fatal("REQ timeout not a number", v2("SUB " + t + " ch\nREQ " + ID + " x\n"), "OK",
                "ERROR E_INVALID REQ could not parse timeout x"));
        // the count says 3 but only 2 fit the declared body: refused as soon as the body is used up.
        // (nsqd reads on into the next command, here "NOP\n" as a size: "message too big 1313820682";
        // without further bytes it waits 2 heartbeats and then sends this text)
        c.add(fatal("MPUB count lies upwards", v2("MPUB " + t + "\n").appendInt(4 + 5 + 5).appendInt(3)
                        .appendInt(1).appendString("a").appendInt(1).appendString("b").appendString("NOP\n"),
                "ERROR E_BAD_MESSAGE MPUB failed to read message(2) body size"));
        c.add(fatal("MPUB count lies upwards, nothing after", v2("MPUB " + t + "\n").appendInt(4 + 5 + 5).appendInt(3)
                        .appendInt(1).appendString("a").appendInt(1).appendString("b"),
                "ERROR E_BAD_MESSAGE MPUB failed to read message(2) body size"));
        // the count says 1 but 2 follow: one message is published, the rest is read as a command line
        c.add(fatal("MPUB count lies downwards", v2("MPUB " + t + "\n").appendInt(4 + 5 + 5).appendInt(1)
                        .appendInt(1).appendString("a").appendInt(1).appendString("b").appendString("NOP\n"),
                "OK", "ERROR E_INVALID invalid command \u0000\u0000\u0000\u0001bNOP"));
        // the declared MPUB body size is not cross-checked (pitfall 14): a larger one is harmless
        c.add(new Case("MPUB body size lies", v2("MPUB " + t + "\n").appendInt(1000).appendInt(1)
                .appendInt(1).appendString("c").appendString("PUB " + t + " extra params\n").appendInt(1).appendString("d"),
                List.of("OK", "OK"), false));
        c.add(new Case("CRLF lines", v2("NOP\r\nPUB " + t + "\r\n").appendInt(1).appendString("e"), List.of("OK"), false));
        c.add(new Case("truncated PUB body", v2("PUB " + t + "\n").appendInt(10).appendString("12345"), List.of(), true));
        c.add(new Case("truncated size", v2("PUB " + t + "\n").appendByte((byte) 0).appendByte((byte) 0), List.of(), true));
        c.add(new Case("truncated line", v2("PUB " + t), List.of(), true));
        return c;
    }

    @Test
    void wrongMagicGetsAFramedBadProtocolError() throws Exception {
        try (RawClient c = new RawClient(D.tcpPort(), false)) {
            c.send(Buffer.buffer("  V1"));
            RawClient.Frame f = c.read();
            assertThat(f.type()).isEqualTo(Frames.FRAME_TYPE_ERROR);
            assertThat(f.text()).isEqualTo("E_BAD_PROTOCOL");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    @Test
    void eachBadInputIsAnsweredAsNsqdAnswersIt() throws Exception {
        String topic = unique("bad");
        for (Case c : cases(topic)) {
            check(c);
        }
        // "MPUB count lies downwards" published 1, "body size lies" 1 + 1, "CRLF" 1; nothing else got in
        assertThat(DaemonStats.topic(D.daemon(), topic).messageCount()).isEqualTo(4);
        assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").depth()).isEqualTo(4);
    }

    @Test
    void aVeryLongLineClosesTheConnection() throws Exception {
        try (RawClient c = D.client()) {
            c.send(Buffer.buffer("A".repeat(20_000)));
            List<RawClient.Frame> frames = c.readUntilClosed(5000);
            // nsqd drops it without a frame; an error frame first is just as final
            assertThat(frames).allMatch(f -> f.type() == Frames.FRAME_TYPE_ERROR).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void hostileClientsDoNotDisturbOthersAndNoAcceptedMessageIsLost() throws Exception {
        String steady = unique("steady-pair");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RawClient consumer = D.client(); RawClient producer = D.client()) {
            assertThat(consumer.sub(steady, "ch")).isEqualTo("OK");
            consumer.rdy(20);
            Future<?> pub = pool.submit(() -> {
                for (int i = 0; i < 5000 && !stop.get(); i++) {
                    String body = "steady-" + i;
                    assertThat(producer.pub(steady, body)).isEqualTo("OK");
                    accepted.add(body);
                }
                return null;
            });
            Future<?> sub = pool.submit(() -> {
                consumer.setTimeout(200);
                long deadline = System.nanoTime() + 60_000_000_000L;
                // until the producer has finished (its last OK may still be on the way after stop)
                while (!(pub.isDone() && received.containsAll(accepted))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("consumer starved: accepted " + accepted.size() + ", received "
                                + received.size() + ", channel " + DaemonStats.channel(D.daemon(), steady, "ch"));
                    }
                    RawClient.Frame m;
                    try {
                        m = consumer.readMessage();
                    } catch (java.net.SocketTimeoutException idle) {
                        continue; // look at the stop flag again
                    }
                    received.add(m.body());
                    consumer.fin(m.id());
                }
                return null;
            });

            String topic = unique("bad");
            for (Case c : cases(topic)) {
                check(c);
            }
            fuzz(new Random(20261123L), 80);
            stop.set(true);
            pub.get(30, TimeUnit.SECONDS);
            sub.get(70, TimeUnit.SECONDS);
            assertThat(accepted).isNotEmpty();
            assertThat(received).isEqualTo(accepted);
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), steady, "ch");
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), steady, "ch").inFlightCount() == 0);
            assertThat(ch.depth()).isZero();
            assertThat(D.daemon().broker().health()).isEqualTo("OK");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Sends the case, half-closes, and expects exactly its answers, then the server's close. */
    private static void check(Case c) throws IOException {
        try (RawClient client = new RawClient(D.tcpPort(), false)) {
            client.send(c.input());
            if (c.closes() && c.answers().isEmpty()) {
                client.shutdownOutput(); // a client that stops mid-command: the server just closes
            }
            List<String> got = new ArrayList<>();
            if (c.closes()) {
                for (RawClient.Frame f : client.readUntilClosed(5000)) {
                    got.add(text(f));
                }
                assertThat(got).as(c.what()).isEqualTo(c.answers());
            } else {
                for (int i = 0; i < c.answers().size(); i++) {
                    got.add(text(client.read(5000)));
                }
                assertThat(got).as(c.what()).isEqualTo(c.answers());
                client.nop();
                assertThat(client.quietFor(100)).as(c.what() + ": still open and quiet").isTrue();
            }
        }
    }

    private static String text(RawClient.Frame f) {
        String t = new String(f.data(), StandardCharsets.ISO_8859_1);
        return f.type() == Frames.FRAME_TYPE_ERROR ? "ERROR " + t : t;
    }

    /**
     * Seeded random input, bounded in count and size. Whatever arrives, each connection must end
     * closed by the server after we half-close, with at most one error frame and that one last.
     */
    private static void fuzz(Random r, int connections) throws IOException {
        String[] names = {"PUB", "MPUB", "DPUB", "SUB", "RDY", "FIN", "REQ", "TOUCH", "IDENTIFY", "AUTH", "CLS", "NOP"};
        for (int n = 0; n < connections; n++) {
            Buffer b = Buffer.buffer();
            int kind = r.nextInt(4);
            if (kind > 0) {
                b.appendBytes(MAGIC);
            }
            switch (kind) {
                case 0, 1 -> b.appendBytes(randomBytes(r, 1 + r.nextInt(200)));
                case 2 -> b.appendString(names[r.nextInt(names.length)] + " " + token(r) + (r.nextBoolean() ? " " + token(r) : "") + "\n")
                        .appendInt(r.nextInt(64) - 8).appendBytes(randomBytes(r, r.nextInt(64)));
                default -> b.appendString("MPUB " + token(r) + "\n").appendInt(r.nextInt(100) - 4)
                        .appendInt(r.nextInt(6) - 1).appendInt(r.nextInt(10) - 2).appendBytes(randomBytes(r, r.nextInt(16)));
            }
            try (RawClient client = new RawClient(D.tcpPort(), false)) {
                client.send(b);
                client.shutdownOutput();
                List<RawClient.Frame> frames = client.readUntilClosed(5000);
                for (int i = 0; i < frames.size(); i++) {
                    RawClient.Frame f = frames.get(i);
                    assertThat(f.type()).as("fuzz case %d: %s", n, f).isIn(Frames.FRAME_TYPE_RESPONSE, Frames.FRAME_TYPE_ERROR);
                    if (f.type() == Frames.FRAME_TYPE_ERROR) {
                        assertThat(i).as("fuzz case %d: the error is the last frame", n).isEqualTo(frames.size() - 1);
                        assertThat(f.text()).matches("(?s)E_[A-Z_]+( .*)?");
                    }
                }
            }
        }
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static String token(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }
}
