package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.DaemonView;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * nsqd's HTTP API (nsq-protocol.md §2) on vertx-web: /ping, /info, /pub, /mpub, /stats,
 * /topic/*, /channel/*, /config/:opt, plus nodeq's Prometheus /metrics, its peek and replay
 * endpoints (/channel/peek, /channel/rewind) and /topic/redrive. Parameters come from the
 * query string only; every V1 endpoint answers with {@code X-NSQ-Content-Type: nsq; version=1.0};
 * unknown paths are 404 NOT_FOUND and known paths with the wrong method 405 METHOD_NOT_ALLOWED
 * with an Allow header. Handlers run on the server's event loop and never block: the broker answers
 * with futures and the one blocking call (the hostname lookup for /info) is made once, on a worker,
 * before listening.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String CONFIG_PREFIX = "/config/";

    private final DaemonView view;
    private final String hostname;
    private final AtomicInteger httpPort = new AtomicInteger(-1);
    private volatile IntSupplier infoHttpPort;
    /** path → allowed methods, for 405 vs 404; written once while building the router. */
    private final Map<String, Set<HttpMethod>> routes = new LinkedHashMap<>();

    private HttpApi(DaemonView view, String hostname) {
        this.view = view;
        this.hostname = hostname;
    }

    /** Starts the HTTP API on host:port (0 = any free port); completes once it is listening. */
    public static Future<HttpServer> start(Vertx vertx, DaemonView view, String host, int port) {
        return start(vertx, view, host, port, new HttpServerOptions(), null);
    }

    /**
     * Starts the API with {@code serverOptions} (HTTPS when they say so). {@code infoHttpPort}: what
     * /info reports as {@code http_port} (the plain listener, as nsqd), or null for this server's port.
     */
    public static Future<HttpServer> start(Vertx vertx, DaemonView view, String host, int port,
                                           HttpServerOptions serverOptions, IntSupplier infoHttpPort) {
        return vertx.executeBlocking(io.nodeq.config.Hostname::get).compose(hostname -> {
            HttpApi api = new HttpApi(view, hostname);
            Router router = api.router(vertx);
            return vertx.createHttpServer(serverOptions).requestHandler(router).listen(port, host)
                    .onSuccess(server -> api.httpPort.set(server.actualPort()))
                    .onSuccess(server -> api.infoHttpPort = infoHttpPort);
        });
    }

    /**
     * The plain listener of a daemon with {@code --tls-required=true}: every request gets nsqd's 403
     * with the HTTPS port, which nsq's own HTTP client follows (nsq-protocol.md §2.1).
     */
    public static Future<HttpServer> startTlsRequired(Vertx vertx, String host, int port, int httpsPort) {
        // byte for byte what nsqd 1.3.0 sends, space after each colon included
        String body = "{\"message\": \"TLS_REQUIRED\", \"https_port\": " + httpsPort + "}";
        return vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(403)
                        .putHeader("Content-Type", V1.JSON)
                        .putHeader(V1.NSQ_CONTENT_TYPE, V1.NSQ_CONTENT_TYPE_V1)
                        .end(body))
                .listen(port, host);
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        PublishHandlers publish = new PublishHandlers(view);
        TopicChannelHandlers tc = new TopicChannelHandlers(view::broker);
        StatsHandler stats = new StatsHandler(view);
        ConfigHandler config = new ConfigHandler(view);
        MetricsHandler metrics = new MetricsHandler(view);
        ReplayHandlers replay = new ReplayHandlers(view::broker);

        route(router, HttpMethod.GET, "/ping", this::ping);
        route(router, HttpMethod.GET, "/info", this::info);
        route(router, HttpMethod.POST, "/pub", publish::pub);
        route(router, HttpMethod.POST, "/mpub", publish::mpub);
        route(router, HttpMethod.GET, "/stats", stats::handle);
        route(router, HttpMethod.GET, "/metrics", metrics::handle);
        route(router, HttpMethod.POST, "/topic/create", tc::createTopic);
        route(router, HttpMethod.POST, "/topic/config", tc::configureTopic);
        route(router, HttpMethod.POST, "/topic/delete", tc::deleteTopic);
        route(router, HttpMethod.POST, "/topic/empty", tc::emptyTopic);
        route(router, HttpMethod.POST, "/topic/redrive", new RedriveHandler(view::broker)::redrive);
        route(router, HttpMethod.POST, "/topic/pause", ctx -> tc.pauseTopic(ctx, true));
        route(router, HttpMethod.POST, "/topic/unpause", ctx -> tc.pauseTopic(ctx, false));
        route(router, HttpMethod.POST, "/channel/create", tc::createChannel);
        route(router, HttpMethod.POST, "/channel/config", tc::configureChannel);
        route(router, HttpMethod.POST, "/channel/delete", tc::deleteChannel);
        route(router, HttpMethod.POST, "/channel/empty", tc::emptyChannel);
        route(router, HttpMethod.POST, "/channel/pause", ctx -> tc.pauseChannel(ctx, true));
        route(router, HttpMethod.POST, "/channel/unpause", ctx -> tc.pauseChannel(ctx, false));
        route(router, HttpMethod.GET, "/channel/peek", replay::peek);
        route(router, HttpMethod.POST, "/channel/rewind", replay::rewind);
        route(router, HttpMethod.GET, "/config/:opt", config::get);
        route(router, HttpMethod.PUT, "/config/:opt", config::put);

        router.route().handler(this::notRouted);
        router.errorHandler(500, ctx -> {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            V1.error(ctx, 500, "INTERNAL_ERROR");
        });
        return router;
    }

    private void route(Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
        routes.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
        boolean readsQuery = !path.equals("/ping") && !path.equals("/info") && !path.startsWith(CONFIG_PREFIX);
        router.route(method, path).handler(ctx -> {
            try {
                if (readsQuery) {
                    parseQuery(ctx);
                }
                handler.handle(ctx);
            } catch (HttpError e) {
                V1.error(ctx, e);
            }
        });
    }

    /** A query string that does not decode (bad %-escape) is nsqd's 400 INVALID_REQUEST. */
    private static void parseQuery(RoutingContext ctx) {
        try {
            ctx.queryParams();
        } catch (RuntimeException e) {
            throw HttpError.badRequest("INVALID_REQUEST");
        }
    }

    /**
     * Last route: nothing matched. Like Go's httprouter (which nsqd uses): OPTIONS on a known path
     * is 200 with an Allow header, another method is 405 METHOD_NOT_ALLOWED with Allow, an unknown
     * path 404 NOT_FOUND.
     */
    private void notRouted(RoutingContext ctx) {
        String path = ctx.request().path();
        Set<HttpMethod> allowed = routes.get(path);
        if (allowed == null && path.startsWith(CONFIG_PREFIX) && path.length() > CONFIG_PREFIX.length()
                && path.indexOf('/', CONFIG_PREFIX.length()) < 0) {
            allowed = routes.get(CONFIG_PREFIX + ":opt");
        }
        if (allowed == null) {
            V1.error(ctx, 404, "NOT_FOUND");
            return;
        }
        StringBuilder allow = new StringBuilder();
        for (HttpMethod m : allowed) {
            allow.append(m.name()).append(", ");
        }
        ctx.response().putHeader("Allow", allow.append("OPTIONS").toString());
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(200).end();
            return;
        }
        V1.error(ctx, 405, "METHOD_NOT_ALLOWED");
    }

    /** Plain text, no V1 header: 200 OK, or 500 with the health text. */
    private void ping(RoutingContext ctx) {
        String health = view.broker().health();
        ctx.response().setStatusCode("OK".equals(health) ? 200 : 500)
                .putHeader("Content-Type", V1.TEXT).end(health);
    }

    private void info(RoutingContext ctx) {
        DaemonOptions o = view.options();
        V1.json(ctx, new JsonObject()
                .put("version", DaemonOptions.VERSION)
                .put("broadcast_address", o.broadcastAddress())
                .put("hostname", hostname)
                .put("http_port", infoHttpPort != null ? infoHttpPort.getAsInt() : httpPort.get())
                .put("tcp_port", view.tcpPort())
                .put("start_time", view.startTime())
                .put("max_heartbeat_interval", o.maxHeartbeatInterval().toNanos())
                .put("max_output_buffer_size", o.maxOutputBufferSize())
                .put("max_output_buffer_timeout", o.maxOutputBufferTimeout().toNanos())
                .put("max_deflate_level", o.maxDeflateLevel())
                .put("topology_zone", "")
                .put("topology_region", "")
                .encode());
    }
}
