package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every page URL opened directly in a real headless Chromium, in lookupd mode over a fake lookup
 * and two fake daemons (they make up consumers, TLS flags and latencies the real daemons would
 * need live clients for). The actions and the real-daemon numbers are {@link RealDaemonBrowserTest}.
 * Screenshots of every page go to target/screenshots.
 */
class BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private Vertx vertx;
    private FakeLookupd lookupd;
    private FakeNsqd a;
    private FakeNsqd b;
    private AdminSession session;
    private Browser browser;
    private String base;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Browser.CHROMIUM), "no /usr/bin/chromium: browser test skipped");
        vertx = Vertx.vertx();
        lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        a = new FakeNsqd(vertx, "nsqd-a").start().await(5, TimeUnit.SECONDS);
        b = new FakeNsqd(vertx, "nsqd-b").start().await(5, TimeUnit.SECONDS);
        lookupd.register(a);
        lookupd.register(b);
        for (FakeNsqd n : List.of(a, b)) {
            n.channel("orders", "billing");
            n.channel("orders", "audit");
            n.channel("clicks", "stats");
        }
        a.channel("orders", "billing").clients.add(FakeNsqd.statsClient("billing-1", "127.0.0.1:50100", 10, 3, true));
        b.channel("orders", "billing").clients.add(FakeNsqd.statsClient("billing-2", "127.0.0.1:50101", 10, 1, false));
        session = AdminSession.start(AdminOptions.forLookupds(List.of(lookupd.address())), tmp.resolve("profile"));
        browser = session.browser;
        base = session.base;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyPageRendersWhenOpenedDirectly(TestInfo test) throws Exception {
        try {
            a.publish("orders", 30, 100);
            b.publish("orders", 12, 100);
            a.publish("signups", 4, 10);
            String[][] pages = {
                {"/", "#page-body tr[data-topic=orders]", "topics"},
                {"/topics/orders", "#page-body tr[data-channel=billing]", "topic"},
                {"/topics/orders/billing", "#page-body tr[data-client='127.0.0.1:50100']", "channel"},
                {"/nodes", "#page-body tr[data-node='" + a.httpAddress() + "']", "nodes"},
                {"/nodes/" + a.httpAddress(), "#page-body tr[data-topic=orders]", "node"},
                {"/lookup", "#page-body tr[data-topic=signups]", "lookup"},
                {"/counter", "#page-body [data-stat=counter]", "counter"},
            };
            for (String[] p : pages) {
                browser.open(base + p[0]);
                await().atMost(WAIT).until(() -> browser.present(p[1]));
                browser.screenshot(Path.of("target", "screenshots", "page-" + p[2] + ".png"));
                assertThat(browser.scriptErrors()).as("script errors on " + p[0]).isEmpty();
            }
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                    assertThat(browser.number("#page-body [data-stat=counter]")).isEqualTo(2L * (30 + 12)));
            deleteATopicFromItsPage();
            actionsAskForTheTokenWhenProtected();
        } catch (Throwable e) {
            browser.screenshot(Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName()
                    + "-failure.png"));
            throw e;
        }
    }

    /** Delete asks first, reaches the lookup and both daemons, then lands on the topics page. */
    private void deleteATopicFromItsPage() {
        browser.open(base + "/topics/clicks");
        browser.click("#page-head button[data-act=topic-delete]");
        await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
        assertThat(a.topicNames()).contains("clicks");
        browser.click("#confirm-ok");
        await().atMost(WAIT).until(() -> !a.topicNames().contains("clicks") && !b.topicNames().contains("clicks"));
        assertThat(lookupd.posts).contains("/topic/delete?topic=clicks");
        await().atMost(WAIT).until(() -> browser.driver.getCurrentUrl().equals(base + "/")
                && browser.present("#page-body tr[data-topic=orders]") && !browser.present("#page-body tr[data-topic=clicks]"));
        assertThat(browser.scriptErrors()).isEmpty();
    }

    /** A second admin over the same mesh with --admin-token: reading is open, an action asks for the token. */
    private void actionsAskForTheTokenWhenProtected() throws Exception {
        AdminServer guarded = AdminServer.start(AdminOptions.forLookupds(List.of(lookupd.address()))
                .withAdmin(List.of(), AdminOptions.DEFAULT_ACL_HTTP_HEADER, "let-me-in")).await(10, TimeUnit.SECONDS);
        try {
            browser.open("http://127.0.0.1:" + guarded.httpPort() + "/topics/orders/audit");
            browser.click("#page-head button[data-act=channel-pause]");
            await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open] #confirm-input:not([hidden])"));
            assertThat(a.channel("orders", "audit").paused).isFalse();
            browser.driver.findElement(org.openqa.selenium.By.id("confirm-input")).sendKeys("let-me-in");
            browser.click("#confirm-ok");
            await().atMost(WAIT).until(() -> a.channel("orders", "audit").paused && b.channel("orders", "audit").paused);
            await().atMost(WAIT).until(() -> browser.present("#page-head [data-state=paused]"));
        } finally {
            guarded.close().await(10, TimeUnit.SECONDS);
        }
    }
}
