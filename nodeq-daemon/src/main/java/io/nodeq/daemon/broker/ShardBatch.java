package io.nodeq.daemon.broker;

import io.nodeq.protocol.Bodies;
import io.nodeq.protocol.ErrorCodes;
import io.nodeq.protocol.ProtocolError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The commands one read of a connection produced for one shard, carried there in a single hop and
 * back with their outcomes in a single hop: a connection that sends 2000 FINs in a read costs two
 * context switches, not 4000.
 *
 * <p>Ownership moves: built by the connection, executed by the shard, read again by the
 * connection; never touched by two threads at once.
 */
public final class ShardBatch {

    public enum Kind { PUB, SUB, RDY, FIN, REQ, TOUCH, CLS, UNSUB }

    /** One command. {@code reply} is the connection's slot for its answer (null: never answers). */
    public static final class Op {
        public final Kind kind;
        public final Object reply;
        String command;
        String topic;
        String channel;
        /** PUB: the decoded bodies; the connection releases them when the batch is back. */
        Bodies bodies;
        long arg;
        /** PUB: each body starts with a header block (the connection checked it). */
        boolean withHeaders;
        long id;
        String rawId;
        /** Set when the command failed; the connection sends it (and closes if fatal). */
        public ProtocolError error;

        Op(Kind kind, Object reply) {
            this.kind = kind;
            this.reply = reply;
        }

        public String topic() {
            return topic;
        }

        /** How many messages a PUB/MPUB/DPUB carried (read before {@link #releaseBodies}). */
        public int messageCount() {
            return bodies == null ? 0 : bodies.count();
        }

        /**
         * Gives a PUB's bodies back to the blocks they were decoded into (on the connection's loop,
         * once the batch is back: the shard copied them into the tail or refused them).
         */
        public void releaseBodies() {
            if (bodies != null) {
                bodies.release();
                bodies = null;
            }
        }
    }

    private final List<Op> ops = new ArrayList<>(4); // one read makes one or a few ops, or many (FIN bursts) that grow it
    private final Object owner;
    private io.nodeq.daemon.broker.Consumer consumer;
    private boolean publishes;

    /** {@code consumer} is the connection's subscription, if any (for RDY/FIN/REQ/TOUCH/CLS). */
    public ShardBatch(Object owner, io.nodeq.daemon.broker.Consumer consumer) {
        this.owner = owner;
        this.consumer = consumer;
    }

    public int size() {
        return ops.size();
    }

    public Object owner() {
        return owner;
    }

    public List<Op> ops() {
        return ops;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /**
     * PUB, MPUB or DPUB ({@code command} names it in error texts); {@code withHeaders}: the bodies
     * start with a checked header block (a nodeq_headers connection).
     */
    public void publish(String command, String topic, Bodies bodies, long deferMs, boolean withHeaders,
                        Object reply) {
        Op op = new Op(Kind.PUB, reply);
        op.command = command;
        op.topic = topic;
        op.bodies = bodies;
        op.arg = deferMs;
        op.withHeaders = withHeaders;
        ops.add(op);
        publishes = true;
    }

    public void sub(String topic, String channel, io.nodeq.daemon.broker.Consumer subscriber, Object reply) {
        this.consumer = subscriber;
        Op op = new Op(Kind.SUB, reply);
        op.topic = topic;
        op.channel = channel;
        ops.add(op);
    }

    public void rdy(int count) {
        Op op = new Op(Kind.RDY, null);
        op.arg = count;
        ops.add(op);
    }

    public void fin(long id, String rawId, Object reply) {
        ops.add(idOp(Kind.FIN, id, rawId, 0, reply));
    }

    public void req(long id, String rawId, long delayMs, Object reply) {
        ops.add(idOp(Kind.REQ, id, rawId, delayMs, reply));
    }

    public void touch(long id, String rawId, Object reply) {
        ops.add(idOp(Kind.TOUCH, id, rawId, 0, reply));
    }

    /** CLS: answered (CLOSE_WAIT) only once the shard stopped delivering to this consumer. */
    public void cls(Object reply) {
        ops.add(new Op(Kind.CLS, reply));
    }

    public void unsub() {
        ops.add(new Op(Kind.UNSUB, null));
    }

    private static Op idOp(Kind kind, long id, String rawId, long arg, Object reply) {
        Op op = new Op(kind, reply);
        op.id = id;
        op.rawId = rawId;
        op.arg = arg;
        return op;
    }

    /**
     * Runs the batch on {@code shard} (call from a shard task) and hands it to {@code done} once
     * every publish in it is queued — after its disk write when it spilled.
     */
    public void execute(Shard shard, Consumer<ShardBatch> done) {
        for (Op op : ops) {
            try {
                apply(shard, op);
            } catch (PublishException e) {
                // refused by the storage (a failed write, no memory for the hot tail): as a failed write's publishers
                op.error = e.storage()
                        ? ProtocolError.of("E_" + op.command + "_FAILED", op.command + " failed " + e.getMessage())
                        : ProtocolError.of(ErrorCodes.E_INVALID, op.kind + " failed " + e.getMessage());
            } catch (RuntimeException e) {
                op.error = ProtocolError.of(ErrorCodes.E_INVALID, op.kind + " failed " + e.getMessage());
            }
        }
        if (!publishes) {
            done.accept(this);
            return;
        }
        shard.onDurable(err -> {
            if (err != null) {
                for (Op op : ops) {
                    if (op.kind == Kind.PUB && op.error == null) {
                        op.error = ProtocolError.of("E_" + op.command + "_FAILED", op.command + " failed " + err.getMessage());
                    }
                }
            }
            done.accept(this);
        });
    }

    private void apply(Shard shard, Op op) {
        io.nodeq.daemon.broker.Consumer c = consumer;
        switch (op.kind) {
            case PUB -> shard.getOrCreateTopic(op.topic).publish(op.bodies, op.arg, op.withHeaders, true);
            case SUB -> {
                Topic t = shard.getOrCreateTopic(op.topic);
                Channel ch = shard.getOrCreateChannel(t, op.channel);
                int max = shard.options.maxChannelConsumers();
                if (max > 0 && ch.consumers.size() >= max) {
                    op.error = ProtocolError.of(ErrorCodes.E_SUB_FAILED,
                            "SUB failed consumers for " + op.topic + ":" + op.channel + " exceeds limit of " + max);
                    c.gone = true;
                    return;
                }
                ch.addConsumer(c);
            }
            case RDY -> {
                if (c.channel != null && !c.gone) {
                    c.channel.setRdy(c, (int) op.arg);
                }
            }
            case FIN, REQ, TOUCH -> {
                String failure;
                if (c.channel == null) {
                    failure = "ID not in flight";
                } else if (op.kind == Kind.FIN) {
                    failure = c.channel.fin(c, op.id);
                } else if (op.kind == Kind.REQ) {
                    failure = c.channel.req(c, op.id, op.arg);
                } else {
                    failure = c.channel.touch(c, op.id);
                }
                if (failure != null) {
                    op.error = ProtocolError.of("E_" + op.kind + "_FAILED", op.kind + " " + op.rawId + " failed " + failure);
                }
            }
            case CLS -> {
                if (c.channel != null) {
                    c.channel.close(c);
                }
            }
            case UNSUB -> shard.removeConsumer(c);
        }
    }
}
