package io.nodeq.daemon.crash;

import io.nodeq.daemon.RawClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One publisher connection's closed loop: PUB or MPUB (1-20 bodies), chosen by a seeded Random,
 * then wait for the answer. A body is {@code p<index>-<n>}, unique across restarts because the
 * counter lives in this object, not in the connection. A message counts as acknowledged only once
 * its {@code OK} arrived; a command whose answer never came (the daemon died) is left unknown.
 * Runs on its own thread per {@link #start}; ends on {@link #stop}, at a dead connection, or at
 * its caps.
 */
final class LoadPublisher implements Runnable {
    private static final int MAX_MESSAGES_PER_RUN = 200_000;
    private static final long MAX_RUN_NANOS = 60_000_000_000L;

    private final int index;
    private final String topic;
    private final Ledger ledger;
    private final Random random;
    private long next;
    private volatile int port;
    private volatile boolean stopping;
    private volatile String failure;
    private Thread thread;

    LoadPublisher(int index, String topic, Ledger ledger, long seed) {
        this.index = index;
        this.topic = topic;
        this.ledger = ledger;
        this.random = new Random(seed + index);
    }

    void start(int tcpPort) {
        port = tcpPort;
        stopping = false;
        thread = new Thread(this, "publisher-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the loop to end after the current command's answer, and waits for it. */
    void stop() throws InterruptedException {
        stopping = true;
        join();
    }

    /** Waits for the loop to end (it does at once when the daemon died); fails after 15 s. */
    void join() throws InterruptedException {
        thread.join(15_000);
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " still running");
        }
    }

    /** An unexpected answer (an error frame), or null. A dead connection is no failure. */
    String failure() {
        return failure;
    }

    @Override
    public void run() {
        long end = System.nanoTime() + MAX_RUN_NANOS;
        int published = 0;
        try (RawClient c = new RawClient(port)) {
            c.setTimeout(20_000);
            while (!stopping && published < MAX_MESSAGES_PER_RUN && System.nanoTime() < end) {
                int n = random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(20);
                List<String> bodies = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    bodies.add("p" + index + "-" + next++);
                }
                ledger.sent(n);
                String answer;
                if (n == 1 && random.nextBoolean()) {
                    answer = c.pub(topic, bodies.get(0));
                } else {
                    List<byte[]> raw = new ArrayList<>(n);
                    bodies.forEach(b -> raw.add(b.getBytes(StandardCharsets.UTF_8)));
                    answer = c.mpub(topic, raw);
                }
                if (!answer.equals("OK")) {
                    failure = "publisher " + index + ": " + answer;
                    return;
                }
                ledger.acked(bodies, System.nanoTime());
                published += n;
            }
        } catch (IOException e) {
            // the daemon died (or refused the connection while dying): the last command is unknown
        }
    }
}
