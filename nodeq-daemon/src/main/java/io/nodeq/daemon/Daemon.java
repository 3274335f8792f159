package io.nodeq.daemon;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Hostname;
import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.broker.BrokerClock;
import io.nodeq.daemon.broker.BrokerListener;
import io.nodeq.daemon.broker.BrokerStorage;
import io.nodeq.daemon.log.FileLayer;
import io.nodeq.daemon.broker.ShardedBroker;
import io.nodeq.daemon.lookup.LookupPeers;
import io.nodeq.daemon.lookup.NodeInfo;
import io.nodeq.daemon.metrics.DaemonMetrics;
import io.nodeq.daemon.storage.DataDirLock;
import io.nodeq.daemon.storage.Metadata;
import io.nodeq.daemon.tcp.TcpServer;
import io.nodeq.protocol.GoDuration;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running nodeq daemon: the data directory (locked), the sharded broker restored from nsqd.dat,
 * the protocol V2 listener, the HTTP API, and the lookup registrations.
 *
 * <p>Start with {@link #start(DaemonOptions)}; {@link #close()} saves every queued, in-flight and
 * deferred message for the next start.
 */
public final class Daemon implements DaemonView {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final DaemonOptions options;
    private final Vertx vertx;
    /**
     * The JIT warm-up's scratch daemon: runs on the real daemon's Vert.x (and leaves it running when
     * it closes) and saves no metadata.
     */
    private final boolean scratch;
    private final DaemonMetrics metrics;
    private final DataDirLock lock;
    private final MetadataSaver metadataSaver;
    private final ShardedBroker broker;
    private final TcpServer tcp;
    private final List<BrokerListener> listeners = new CopyOnWriteArrayList<>();
    private volatile List<String> lookupdTcpAddresses;
    private volatile String logLevel;
    private volatile int httpPort = -1;
    private int httpsPort = -1;
    private Runnable httpClose = () -> { };
    private final Registrations registrations = new Registrations();
    private volatile LookupPeers lookupPeers;

    private Daemon(DaemonOptions options, Vertx vertx, boolean scratch, DaemonMetrics metrics, DataDirLock lock,
                   BrokerStorage storage, BrokerClock clock) {
        this.options = options;
        this.vertx = vertx;
        this.scratch = scratch;
        this.metrics = metrics;
        this.lock = lock;
        this.lookupdTcpAddresses = options.lookupdTcpAddresses();
        this.logLevel = options.logLevel();
        this.metadataSaver = new MetadataSaver(vertx, options.dataPath());
        this.broker = new ShardedBroker(vertx, options, storage, new Fanout(), clock);
        this.tcp = new TcpServer(vertx, broker, options);
        this.metadataSaver.source(broker::metadata);
        broker.setProducers(tcp::producers);
    }

    /** Starts a daemon; fails if the options are invalid, the data path is locked or a port is taken. */
    public static Future<Daemon> start(DaemonOptions options) {
        return start(options, FileLayer.DEFAULT);
    }

    /** Starts a daemon whose storage goes through {@code files} (a fault-injecting layer in tests). */
    public static Future<Daemon> start(DaemonOptions options, FileLayer files) {
        return start(options, files, BrokerClock.system());
    }

    /** Starts a daemon whose broker tells time by {@code clock} (a clock tests move by hand). */
    public static Future<Daemon> start(DaemonOptions options, FileLayer files, BrokerClock clock) {
        return start(options, files, clock, false);
    }

    /**
     * Starts a daemon as {@code java -jar} does: with {@code warmUp}, the {@code --jit-warmup} runs
     * once the data path is locked and restored, before the listeners open (see {@link JitWarmup}).
     */
    static Future<Daemon> start(DaemonOptions options, FileLayer files, BrokerClock clock, boolean warmUp) {
        List<String> problems = options.validate();
        if (!problems.isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException(String.join("; ", problems)));
        }
        DataDirLock lock;
        Metadata metadata;
        try {
            Files.createDirectories(options.dataPath());
            lock = DataDirLock.acquire(options.dataPath());
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        try {
            metadata = Metadata.load(options.dataPath());
            // nsqd's (or an older nodeq's) queue files become the new logs, once
            io.nodeq.daemon.log.LegacyImport.importAll(options.dataPath(), metadata,
                    BrokerStorage.of(options, files).logOptions(), (long) options.nodeId() << 12);
        } catch (IOException e) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the failure to report is the first one
            }
            return Future.failedFuture(e);
        }
        // /metrics: JVM and Vert.x meters need the registry in place before Vert.x starts
        DaemonMetrics metrics = new DaemonMetrics();
        Vertx vertx = metrics.createVertx(new VertxOptions().setEventLoopPoolSize(options.eventLoopCount())
                .setPreferNativeTransport(true));
        schedSlice(vertx, options.schedSlice());
        Daemon d = new Daemon(options, vertx, false, metrics, lock, BrokerStorage.of(options, files), clock);
        return d.open(metadata, warmUp);
    }

    /**
     * --sched-slice: every event loop of {@code vertx} asks for the slice (the disk lanes ask when
     * they start); one log line says whether the kernel took it.
     */
    private static void schedSlice(Vertx vertx, Duration slice) {
        if (slice.isZero()) {
            return;
        }
        String unavailable = LinuxScheduling.unavailable(); // loads the C library here, not on a loop
        if (unavailable != null) {
            LOG.info("--sched-slice: the event loops keep the kernel's slice: {}", unavailable);
            return;
        }
        List<Future<String>> outcomes = new ArrayList<>();
        for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            Promise<String> outcome = Promise.promise();
            loop.execute(() -> outcome.complete(LinuxScheduling.setSliceOfCurrentThread(slice.toNanos())));
            outcomes.add(outcome.future());
        }
        Future.all(outcomes).onComplete(ar -> {
            String failure = outcomes.stream().map(Future::result).filter(Objects::nonNull).findFirst().orElse(null);
            if (failure == null) {
                LOG.info("event loops and disk lanes at a {} scheduler slice (--sched-slice)",
                        GoDuration.format(slice));
            } else {
                LOG.info("--sched-slice: the event loops keep the kernel's slice: {}", failure);
            }
        });
    }

    /**
     * The JIT warm-up's scratch daemon: on {@code vertx} (the real daemon's, whose event loops and
     * their code paths it warms), which its {@link #close} leaves running.
     */
    static Future<Daemon> startScratch(Vertx vertx, DaemonOptions options) {
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(options.dataPath());
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        Daemon d = new Daemon(options, vertx, true, new DaemonMetrics(), lock,
                BrokerStorage.of(options, FileLayer.DEFAULT), BrokerClock.system());
        return d.open(Metadata.of(List.of()), false);
    }

    /** Restores the broker, warms the JIT up if asked, then opens the listeners. */
    private Future<Daemon> open(Metadata metadata, boolean warmUp) {
        Daemon d = this;
        NsqAddress tcpAddr = listenAddress(options.tcpAddress(), "--tcp-address");
        d.broker.start();
        return d.broker.restore(metadata.topics())
                .compose(v -> warmUp ? warmUp(options, vertx) : Future.<Void>succeededFuture())
                .compose(v -> {
                    if (!scratch) {
                        d.metadataSaver.enable();
                    }
                    return d.tcp.start(tcpAddr.host(), tcpAddr.port(), options.eventLoopCount());
                })
                .compose(port -> {
                    LOG.info("TCP: listening on {}:{}", tcpAddr.host(), port);
                    return d.startHttp();
                })
                // the hostname may take a DNS lookup: not on an event loop
                .compose(v -> vertx.executeBlocking(Hostname::get, false))
                .map(hostname -> {
                    d.startLookupPeers(hostname);
                    return hostname;
                })
                .map(v -> d)
                .recover(err -> d.close().transform(ar -> Future.failedFuture(err)));
    }

    /**
     * The --jit-warmup, then --jit-nice, on a thread of their own (the warm-up's clients block): the
     * compiler threads lose priority only once the warm-up has had them compile at full speed.
     */
    private static Future<Void> warmUp(DaemonOptions options, Vertx vertx) {
        if (options.jitWarmup().isZero() && options.jitNice() == 0 && options.schedSlice().isZero()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        Thread t = new Thread(() -> {
            try {
                JitWarmup.Result result = options.jitWarmup().isZero() ? null
                        : JitWarmup.run(vertx, options, options.jitWarmup());
                if (result != null) {
                    LOG.info("JIT warm-up: {} messages published and {} delivered, {} rounds of new connections and "
                            + "topics, through a scratch daemon in {} ms (--jit-warmup)",
                            result.published(), result.consumed(), result.rounds(), result.took().toMillis());
                }
                JitPriority.apply(options.jitNice(), options.schedSlice().toNanos());
            } catch (RuntimeException | Error e) {
                LOG.warn("JIT warm-up failed: {}", e.toString()); // start-up goes on without it
            } finally {
                done.complete();
            }
        }, "jit-warmup");
        t.setDaemon(true);
        t.start();
        return done.future();
    }

    private Future<Void> startHttp() {
        return startHttps().compose(v -> {
            if (options.httpAddress() == null || options.httpAddress().isEmpty()) {
                return Future.succeededFuture();
            }
            NsqAddress addr = listenAddress(options.httpAddress(), "--http-address");
            Future<io.vertx.core.http.HttpServer> started = options.tlsEnabled() && options.tlsRequiredHttp()
                    ? io.nodeq.daemon.http.HttpApi.startTlsRequired(vertx, addr.host(), addr.port(), httpsPort)
                    : io.nodeq.daemon.http.HttpApi.start(vertx, this, addr.host(), addr.port());
            return started.map(server -> {
                httpPort = server.actualPort();
                Runnable before = httpClose;
                httpClose = () -> {
                    before.run();
                    server.close();
                };
                LOG.info("HTTP: listening on {}:{}{}", addr.host(), httpPort,
                        options.tlsEnabled() && options.tlsRequiredHttp() ? " (TLS required: 403 to every request)" : "");
                return null;
            });
        });
    }

    /** HTTPS on --https-address, only with a certificate and key (nsqd). */
    private Future<Void> startHttps() {
        io.nodeq.daemon.tls.TlsSettings tls = io.nodeq.daemon.tls.TlsSettings.of(options);
        if (tls == null || options.httpsAddress() == null || options.httpsAddress().isEmpty()) {
            return Future.succeededFuture();
        }
        NsqAddress addr = listenAddress(options.httpsAddress(), "--https-address");
        return io.nodeq.daemon.http.HttpApi.start(vertx, this, addr.host(), addr.port(), tls.httpsServerOptions(),
                () -> httpPort).map(server -> {
            httpsPort = server.actualPort();
            httpClose = server::close;
            LOG.info("HTTPS: listening on {}:{}", addr.host(), httpsPort);
            return null;
        });
    }

    /**
     * Registers with every --lookupd-tcp-address (also later ones set over HTTP), and lets new
     * topics ask the lookups for their channels before messages flow.
     */
    private void startLookupPeers(String hostname) {
        int tcpPort = options.broadcastTcpPort() > 0 ? options.broadcastTcpPort() : tcp.port();
        int http = options.broadcastHttpPort() > 0 ? options.broadcastHttpPort() : httpPort;
        NodeInfo self = new NodeInfo(options.broadcastAddress(), hostname, tcpPort, http,
                DaemonOptions.VERSION);
        LookupPeers peers = new LookupPeers(vertx, lookupdTcpAddresses, self, registrations::snapshot);
        lookupPeers = peers;
        peers.start();
        if (!lookupdTcpAddresses.isEmpty()) {
            broker.setChannelLookup(peers::channelsOf);
        }
    }

    private static NsqAddress listenAddress(String address, String flag) {
        try {
            return NsqAddress.listen(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** Saves everything and stops. Safe to call more than once. */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        metadataSaver.disable();
        LookupPeers peers = lookupPeers;
        Future<Void> lookupsStopped = peers == null ? Future.succeededFuture() : peers.stop();
        lookupsStopped.transform(ar -> tcp.close())
                .transform(ar -> {
                    httpClose.run();
                    return broker.metadata();
                })
                .transform(meta -> broker.close().transform(ar -> {
                    if (ar.failed()) {
                        LOG.error("saving messages failed: {}", ar.cause().toString());
                    }
                    return meta.succeeded() && !scratch ? metadataSaver.write(meta.result()) : Future.succeededFuture();
                }))
                .onComplete(ar -> {
                    try {
                        lock.close();
                    } catch (IOException e) {
                        LOG.warn("releasing the data path lock failed: {}", e.toString());
                    }
                    if (scratch) {
                        done.complete();
                    } else {
                        vertx.close().onComplete(v -> done.complete());
                    }
                });
        return done.future();
    }

    public Vertx vertx() {
        return vertx;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The HTTPS port, or -1 when TLS is not configured. */
    public int httpsPort() {
        return httpsPort;
    }

    public ShardedBroker shardedBroker() {
        return broker;
    }

    /** Listens to topic/channel events (lookup registration); called on shard threads. */
    public void addListener(BrokerListener listener) {
        listeners.add(listener);
    }

    // ---- DaemonView ----

    @Override
    public DaemonOptions options() {
        return options;
    }

    @Override
    public Broker broker() {
        return broker;
    }

    /** The TCP listener (its refused-connection count, for tests and stats). */
    public TcpServer tcpServer() {
        return tcp;
    }

    @Override
    public int tcpPort() {
        return tcp.port();
    }

    @Override
    public long startTime() {
        return broker.startTime();
    }

    @Override
    public List<String> lookupdTcpAddresses() {
        return lookupdTcpAddresses;
    }

    @Override
    public void setLookupdTcpAddresses(List<String> addresses) {
        lookupdTcpAddresses = List.copyOf(addresses);
        LookupPeers peers = lookupPeers;
        if (peers != null) {
            peers.setAddresses(lookupdTcpAddresses);
            broker.setChannelLookup(lookupdTcpAddresses.isEmpty() ? null : peers::channelsOf);
        }
    }

    @Override
    public String logLevel() {
        return logLevel;
    }

    @Override
    public void setLogLevel(String level) {
        logLevel = level;
        LogLevels.apply(level);
    }

    @Override
    public DaemonMetrics metrics() {
        return metrics;
    }

    private void toPeers(java.util.function.Consumer<LookupPeers> action) {
        LookupPeers peers = lookupPeers;
        if (peers != null) {
            action.accept(peers);
        }
    }

    /** Forwards broker events to the lookups, the metadata saver and every registered listener. */
    private final class Fanout implements BrokerListener {
        @Override
        public void topicCreated(String topic) {
            registrations.topicCreated(topic);
            toPeers(p -> p.register(topic, null));
            listeners.forEach(l -> l.topicCreated(topic));
        }

        @Override
        public void topicDeleted(String topic) {
            registrations.topicDeleted(topic);
            toPeers(p -> p.unregister(topic, null));
            listeners.forEach(l -> l.topicDeleted(topic));
        }

        @Override
        public void channelCreated(String topic, String channel) {
            registrations.channelCreated(topic, channel);
            toPeers(p -> p.register(topic, channel));
            listeners.forEach(l -> l.channelCreated(topic, channel));
        }

        @Override
        public void channelDeleted(String topic, String channel) {
            registrations.channelDeleted(topic, channel);
            toPeers(p -> p.unregister(topic, channel));
            listeners.forEach(l -> l.channelDeleted(topic, channel));
        }

        @Override
        public void metadataChanged() {
            metadataSaver.changed();
        }
    }
}
