package io.nodeq.admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An admin server tuned for browser tests (fast refresh and sampling; upstream deadlines generous
 * enough that a healthy node never times out on a loaded machine: stopped nodes fail at once anyway)
 * and a headless Chromium pointed at it.
 */
final class AdminSession implements AutoCloseable {
    final AdminServer admin;
    final Browser browser;
    final String base;

    private AdminSession(AdminServer admin, Browser browser) {
        this.admin = admin;
        this.browser = browser;
        this.base = "http://127.0.0.1:" + admin.httpPort();
    }

    static AdminSession start(AdminOptions options, Path profileDir) throws Exception {
        AdminServer admin = AdminServer.start(options
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withSampling(Duration.ofMillis(500), Duration.ofMinutes(5), Duration.ofMillis(400)))
                .await(10, TimeUnit.SECONDS);
        try {
            return new AdminSession(admin, new Browser(profileDir));
        } catch (RuntimeException e) {
            admin.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            browser.close();
        } finally {
            admin.close().await(10, TimeUnit.SECONDS);
        }
    }
}
