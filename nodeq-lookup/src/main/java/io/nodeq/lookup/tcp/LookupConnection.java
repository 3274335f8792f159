package io.nodeq.lookup.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.lookup.registry.PeerInfo;
import io.nodeq.lookup.registry.RegistryLane;
import io.nodeq.protocol.Names;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon's connection speaking lookup protocol V1 (nsq-protocol.md §3.1). Owned by the server
 * context that accepted it. Commands run strictly one after another, each answered
 * {@code [int32 size][data]} with no frame-type word; every error is fatal: sent, then the socket
 * closes (NSQ's exact texts).
 */
public final class LookupConnection implements V1Decoder.Sink {
    private static final Logger LOG = LoggerFactory.getLogger("io.nodeq.lookup.TCP");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final int MAX_LINE = 4096;
    /** nsqd's default --max-body-size. */
    public static final int MAX_BODY = 5 * 1024 * 1024;
    private static final Buffer OK = Buffer.buffer("OK");

    private final NetSocket sock;
    private final RegistryLane lane;
    private final String remoteAddress;
    private final String id;
    private final Supplier<String> identifyResponse;
    private final BooleanSupplier serverClosing;
    private final V1Decoder decoder;

    private Future<Void> tail = Future.succeededFuture();
    private boolean identifySeen;
    private boolean done;
    private PeerInfo peer;

    /**
     * @param idScope          appended to the remote address to make the producer id ("" standalone)
     * @param identifyResponse the lookup's own info JSON, the answer to IDENTIFY
     * @param serverClosing    true while the lookup shuts down: closing connections then keep their
     *                         registrations (in a cluster the daemons are still alive)
     */
    public LookupConnection(NetSocket sock, RegistryLane lane, String idScope, Supplier<String> identifyResponse,
                            BooleanSupplier serverClosing) {
        this.sock = sock;
        this.lane = lane;
        this.remoteAddress = format(sock.remoteAddress());
        this.id = remoteAddress + idScope;
        this.identifyResponse = identifyResponse;
        this.serverClosing = serverClosing;
        this.decoder = new V1Decoder(this, MAX_LINE, MAX_BODY, "IDENTIFY");
        LOG.info("TCP: new client({})", remoteAddress);
        sock.handler(decoder);
        sock.closeHandler(v -> closed());
        sock.exceptionHandler(e -> LOG.debug("CLIENT({}): {}", remoteAddress, e.toString()));
    }

    static String format(SocketAddress a) {
        if (a == null) {
            return "unknown";
        }
        String host = a.hostAddress() != null ? a.hostAddress() : a.host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.port();
    }

    // ---- decoder events: queue work in arrival order ----

    @Override
    public boolean line(String line) {
        String[] params = line.strip().split(" ", -1);
        if ("IDENTIFY".equals(params[0])) {
            if (identifySeen) {
                enqueue(() -> Future.failedFuture(new Fatal("E_INVALID cannot IDENTIFY again")));
                return false;
            }
            identifySeen = true;
            return true;
        }
        enqueue(() -> exec(params));
        return false;
    }

    @Override
    public void body(Buffer body) {
        enqueue(() -> identify(body));
    }

    @Override
    public void error(String error) {
        enqueue(() -> Future.failedFuture(new Fatal(error)));
    }

    private void enqueue(Supplier<Future<Buffer>> command) {
        tail = tail.compose(v -> {
            if (done) {
                return Future.succeededFuture();
            }
            return command.get().transform(ar -> {
                if (ar.succeeded()) {
                    respond(ar.result());
                } else if (ar.cause() instanceof Fatal f) {
                    LOG.warn("ERROR: [{}] - {}", remoteAddress, f.getMessage());
                    respond(Buffer.buffer(f.getMessage()));
                    done = true;
                    sock.end();
                } else {
                    LOG.error("CLIENT({}): registry failure: {}", remoteAddress, ar.cause().toString());
                    done = true;
                    sock.close();
                }
                return Future.succeededFuture();
            });
        });
    }

    private void respond(Buffer data) {
        if (data != null) {
            sock.write(Buffer.buffer(4 + data.length()).appendInt(data.length()).appendBuffer(data));
        }
    }

    // ---- commands ----

    private Future<Buffer> exec(String[] params) {
        switch (params[0]) {
            case "PING":
                if (peer != null) {
                    String pid = peer.id();
                    LOG.debug("CLIENT({}): pinged", remoteAddress);
                    return lane.call(ops -> {
                        ops.ping(pid);
                        return OK;
                    });
                }
                return Future.succeededFuture(OK);
            case "REGISTER":
            case "UNREGISTER":
                return registration(params[0], Arrays.copyOfRange(params, 1, params.length));
            default:
                return Future.failedFuture(new Fatal("E_INVALID invalid command " + params[0]));
        }
    }

    private Future<Buffer> registration(String command, String[] args) {
        if (peer == null) {
            return Future.failedFuture(new Fatal("E_INVALID client must IDENTIFY"));
        }
        if (args.length == 0) {
            return Future.failedFuture(new Fatal("E_INVALID " + command + " insufficient number of params"));
        }
        String topic = args[0];
        String channel = args.length >= 2 && !args[1].isEmpty() ? args[1] : null;
        if (!Names.isValidTopicName(topic)) {
            return Future.failedFuture(new Fatal("E_BAD_TOPIC " + command + " topic name '" + topic + "' is not valid"));
        }
        if (channel != null && !Names.isValidChannelName(channel)) {
            return Future.failedFuture(
                    new Fatal("E_BAD_CHANNEL " + command + " channel name '" + channel + "' is not valid"));
        }
        PeerInfo p = peer;
        boolean register = "REGISTER".equals(command);
        return lane.call(ops -> {
            if (register) {
                ops.register(p, topic, channel);
            } else {
                ops.unregister(p, topic, channel);
            }
            return OK;
        });
    }

    private Future<Buffer> identify(Buffer body) {
        PeerInfo info;
        try {
            info = decodePeer(body);
        } catch (IOException | IllegalArgumentException e) {
            return Future.failedFuture(new Fatal("E_BAD_BODY IDENTIFY failed to decode JSON body"));
        }
        if (info.broadcastAddress().isEmpty() || info.tcpPort() == 0 || info.httpPort() == 0
                || info.version().isEmpty()) {
            return Future.failedFuture(new Fatal("E_BAD_BODY IDENTIFY missing fields"));
        }
        LOG.info("CLIENT({}): IDENTIFY Address:{} TCP:{} HTTP:{} Version:{}", remoteAddress,
                info.broadcastAddress(), info.tcpPort(), info.httpPort(), info.version());
        return lane.call(ops -> {
            ops.identify(info);
            return Buffer.buffer(identifyResponse.get());
        }).onSuccess(r -> peer = info);
    }

    /** Go's json.Unmarshal into nsqlookupd's PeerInfo: keys match case-insensitively, unknown ones are ignored. */
    private PeerInfo decodePeer(Buffer body) throws IOException {
        JsonNode root = JSON.readTree(body.toString(StandardCharsets.UTF_8));
        String broadcast = "";
        String hostname = "";
        String version = "";
        String region = "";
        String zone = "";
        int tcp = 0;
        int http = 0;
        if (root == null || root.isMissingNode()) {
            throw new IOException("empty body");
        }
        if (!root.isNull()) {
            if (!root.isObject()) {
                throw new IOException("not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                switch (f.getKey().toLowerCase(java.util.Locale.ROOT)) {
                    case "broadcast_address" -> broadcast = text(v, broadcast);
                    case "hostname" -> hostname = text(v, hostname);
                    case "version" -> version = text(v, version);
                    case "topology_region" -> region = text(v, region);
                    case "topology_zone" -> zone = text(v, zone);
                    case "tcp_port" -> tcp = integer(v, tcp);
                    case "http_port" -> http = integer(v, http);
                    default -> { }
                }
            }
        }
        return new PeerInfo(id, remoteAddress, hostname, broadcast, tcp, http, version, region, zone);
    }

    private static String text(JsonNode v, String dflt) throws IOException {
        if (v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new IOException("not a string");
        }
        return v.textValue();
    }

    private static int integer(JsonNode v, int dflt) throws IOException {
        if (v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IOException("not an int");
        }
        return v.intValue();
    }

    private void closed() {
        LOG.info("CLIENT({}): closing", remoteAddress);
        done = true;
        tail.onComplete(ar -> {
            if (peer != null && !serverClosing.getAsBoolean()) {
                String pid = peer.id();
                lane.call(ops -> {
                    ops.disconnect(pid, remoteAddress);
                    return null;
                }).onFailure(e -> LOG.error("CLIENT({}): cleanup failed: {}", remoteAddress, e.toString()));
            }
        });
    }

    /** A protocol error: answer it, then close. */
    static final class Fatal extends RuntimeException {
        Fatal(String message) {
            super(message, null, false, false);
        }
    }
}
