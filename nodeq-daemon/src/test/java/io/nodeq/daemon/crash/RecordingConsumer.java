package io.nodeq.daemon.crash;

import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Frames;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One consumer connection: SUB, RDY, then for every message records its body in the ledger
 * <em>before</em> it sends the FIN ("FIN after recording"), so a message counts as received as soon
 * as the test saw it, whatever happens to the FIN. Reads on its own thread; writes (FIN, NOP, CLS)
 * are serialized on the RawClient's monitor, so {@link #close()} may send CLS from another thread.
 */
final class RecordingConsumer implements Runnable {
    private final String topic;
    private final String channel;
    private final int rdy;
    private final Ledger ledger;
    /** Bodies whose FIN was written, in order; guarded by the client's monitor. */
    private final List<String> finSent = new ArrayList<>();
    private volatile List<String> finSentBeforeCls;
    private volatile boolean closeWaitSeen;
    private volatile String failure;
    private RawClient client;
    private Thread thread;

    RecordingConsumer(String topic, String channel, int rdy, Ledger ledger) {
        this.topic = topic;
        this.channel = channel;
        this.rdy = rdy;
        this.ledger = ledger;
    }

    /** Connects, subscribes and starts reading; returns once SUB was answered OK. */
    void start(int tcpPort) throws IOException {
        client = new RawClient(tcpPort);
        client.setTimeout(120_000);
        String sub = client.sub(topic, channel);
        if (!sub.equals("OK")) {
            client.close();
            throw new IOException("SUB " + topic + " " + channel + " -> " + sub);
        }
        client.rdy(rdy);
        thread = new Thread(this, "consumer-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                RawClient.Frame f = client.read();
                if (f.isMessage()) {
                    String body = f.body();
                    ledger.delivered(body);
                    synchronized (client) {
                        if (finSentBeforeCls == null) {
                            client.fin(f.id());
                            finSent.add(body);
                        } // after CLS: left in flight, to come back once the connection is gone
                    }
                } else if (f.type() == Frames.FRAME_TYPE_RESPONSE && f.text().equals(Frames.HEARTBEAT)) {
                    synchronized (client) {
                        client.nop();
                    }
                } else if (f.type() == Frames.FRAME_TYPE_RESPONSE && f.text().equals(Frames.CLOSE_WAIT)) {
                    closeWaitSeen = true;
                    return;
                } else {
                    failure = "consumer got " + f;
                    return;
                }
            }
        } catch (IOException e) {
            // the daemon died (EOF / reset) or the socket was closed
        } finally {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * Stops consuming cleanly: CLS, then waits for CLOSE_WAIT. Every FIN written before the CLS was
     * read by the daemon before it answered, so those bodies are recorded as finished.
     */
    void close() throws IOException, InterruptedException {
        synchronized (client) {
            finSentBeforeCls = List.copyOf(finSent);
            client.send("CLS\n");
        }
        thread.join(30_000);
        if (!closeWaitSeen) {
            throw new AssertionError("no CLOSE_WAIT after CLS" + (failure == null ? "" : ": " + failure));
        }
        ledger.finished(finSentBeforeCls);
    }

    /** Waits for the reading thread to end (it does when the daemon died); fails after 15 s. */
    void join() throws InterruptedException {
        thread.join(15_000);
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " still reading");
        }
    }

    String failure() {
        return failure;
    }
}
