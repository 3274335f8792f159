package io.nodeq.admin;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may run actions (reading is always open): with {@code --admin-user}, a request whose
 * {@code --acl-http-header} (set by an authenticating proxy) names one of them, as nsqadmin does;
 * with {@code --admin-token}, a request carrying {@code Authorization: Bearer <token>}. Either
 * configured check that passes is enough. Immutable.
 */
final class AdminGuard {
    private final AdminOptions options;

    AdminGuard(AdminOptions options) {
        this.options = options;
    }

    boolean allowed(HttpServerRequest req) {
        if (!options.actionsProtected()) {
            return true;
        }
        String user = req.getHeader(options.aclHttpHeader());
        if (user != null && options.adminUsers().contains(user.trim())) {
            return true;
        }
        String auth = req.getHeader("Authorization");
        if (options.adminToken() != null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(given, options.adminToken().getBytes(StandardCharsets.UTF_8));
        }
        return false;
    }

    /** Who acted, for the action log line. */
    String who(HttpServerRequest req) {
        String user = req.getHeader(options.aclHttpHeader());
        String remote = req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress();
        return (user == null ? "anonymous" : user) + "@" + remote;
    }
}
