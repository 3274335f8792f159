package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.admin.fake.FakeNsqd;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pages in a real headless Chromium over real HTTP, against a lookup and two daemons: the depth
 * the topic page shows is the sum of the daemons' {@code /stats}; pausing and emptying a channel
 * from the page shows up; a stopped daemon becomes an error row while the other node stays.
 * Screenshots go to target/screenshots (always for the topic page, and on failure).
 * One browser and one mesh for the class (Chromium starts slowly on 2 cores); the read-only page
 * tour runs first, the test that pauses, empties and stops things runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    private Vertx vertx;
    private FakeLookupd lookupd;
    private FakeNsqd a;
    private FakeNsqd b;
    private AdminServer admin;
    private Browser browser;
    private String base;

    @BeforeAll
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
        a.channel("orders", "billing").clients.add(FakeNsqd.client("billing-1", "127.0.0.1:50100", 10, 3, true));
        b.channel("orders", "billing").clients.add(FakeNsqd.client("billing-2", "127.0.0.1:50101", 10, 1, false));
        admin = AdminServer.start(AdminOptions.forLookupds(List.of(lookupd.address()))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withSampling(Duration.ofMillis(500), Duration.ofMinutes(5), Duration.ofMillis(400)))
                .await(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + admin.httpPort();
        browser = new Browser(tmp.resolve("profile"));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (admin != null) {
            admin.close().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void topicAndChannelPagesFollowTheDaemons(TestInfo test) throws Exception {
        try {
            run();
        } catch (Throwable e) {
            browser.screenshot(Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName()
                    + "-failure.png"));
            throw e;
        }
    }

    private void run() throws Exception {
        // a burst of traffic over a few samples, so the chart has a shape; bounded in count and time
        for (int i = 0; i < 12; i++) {
            a.publish("orders", 40 + i * 7, 200);
            b.publish("orders", 25 + i * 3, 200);
            a.publish("clicks", 100, 50);
            a.publish("signups", 2, 80);
            b.publish("signups", 3, 80);
            long until = System.currentTimeMillis() + 250;
            await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() >= until);
        }

        // topics page: a topic with no channel keeps its messages in the topic's own depth
        browser.open(base + "/");
        long signups = topicStat(a, "signups", "depth") + topicStat(b, "signups", "depth");
        assertThat(signups).isPositive();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-topic=signups] td[data-col=depth]")).isEqualTo(signups));

        browser.click("#page-body tr[data-topic=orders] a");
        long published = topicStat(a, "orders", "message_count") + topicStat(b, "orders", "message_count");
        long billingExpected = statsDepth(a, "orders", "billing") + statsDepth(b, "orders", "billing");
        assertThat(billingExpected).isPositive();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-channel=billing] td[data-col=depth]")).isEqualTo(billingExpected));
        assertThat(browser.number("#page-body tr[data-row=total] td[data-col=message_count]")).isEqualTo(published);
        assertThat(browser.present("#page-body tr[data-node='" + a.address() + "']")).isTrue();
        assertThat(browser.present("#page-body tr[data-node='" + b.address() + "']")).isTrue();
        await().atMost(WAIT).until(() -> browser.present("#chart canvas"));
        Path shot = Path.of("target", "screenshots", "topic-page.png");
        browser.screenshot(shot);
        if (Boolean.getBoolean("admin.docs.screenshot")) {
            Files.copy(shot, Path.of("docs", "topic-page.png"), StandardCopyOption.REPLACE_EXISTING);
        }

        // live: new messages show up without a reload
        a.publish("orders", 5, 10);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-channel=billing] td[data-col=depth]")).isEqualTo(billingExpected + 5));

        // channel page: pause
        browser.click("#page-body tr[data-channel=billing] a");
        await().atMost(WAIT).until(() -> browser.present("#page-head button[data-act=channel-pause]"));
        assertThat(browser.number("#page-body tr[data-row=total] td[data-col=depth]"))
                .isEqualTo(billingExpected + 5);
        browser.click("#page-head button[data-act=channel-pause]");
        await().atMost(WAIT).until(() -> browser.present("#page-head [data-state=paused]")
                && browser.present("#page-head button[data-act=channel-unpause]"));
        assertThat(a.channel("orders", "billing").paused).isTrue();
        assertThat(b.channel("orders", "billing").paused).isTrue();

        // empty, after the confirmation dialog
        browser.click("#page-head button[data-act=channel-empty]");
        await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
        browser.click("#confirm-ok");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.number("#page-body tr[data-row=total] td[data-col=depth]")).isZero());
        assertThat(statsDepth(a, "orders", "billing") + statsDepth(b, "orders", "billing")).isZero();

        // one daemon goes away: an error row with its address, the other node's numbers stay
        long bMessages = topicStat(b, "orders", "message_count");
        browser.open(base + "/topics/orders");
        a.stop().await(5, TimeUnit.SECONDS);
        lookupd.unregister(a);
        await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-error-node='" + a.address() + "']"));
        assertThat(browser.text("#page-body tr[data-error-node='" + a.address() + "']")).contains(a.address());
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.number("#page-body tr[data-node='" + b.address() + "'] td[data-col=message_count]"))
                        .isEqualTo(bMessages));
        assertThat(browser.present("#page-body tr[data-node='" + a.address() + "']")).isFalse();
        browser.screenshot(Path.of("target", "screenshots", "topic-page-node-down.png"));
    }

    @Test
    @Order(1)
    void everyPageRendersWhenOpenedDirectly(TestInfo test) throws Exception {
        try {
            a.publish("orders", 30, 100);
            b.publish("orders", 12, 100);
            a.publish("signups", 4, 10);
            String[][] pages = {
                {"/", "#page-body tr[data-topic=orders]", "topics"},
                {"/topics/orders", "#page-body tr[data-channel=billing]", "topic"},
                {"/topics/orders/billing", "#page-body tr[data-client='127.0.0.1:50100']", "channel"},
                {"/nodes", "#page-body tr[data-node='" + a.address() + "']", "nodes"},
                {"/nodes/" + a.address(), "#page-body tr[data-topic=orders]", "node"},
                {"/lookup", "#page-body tr[data-topic=signups]", "lookup"},
                {"/counter", "#page-body [data-stat=counter]", "counter"},
            };
            for (String[] p : pages) {
                browser.open(base + p[0]);
                await().atMost(WAIT).until(() -> browser.present(p[1]));
                browser.screenshot(Path.of("target", "screenshots", "page-" + p[2] + ".png"));
            }
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                    assertThat(browser.number("#page-body [data-stat=counter]")).isEqualTo(2L * (30 + 12)));
        } catch (Throwable e) {
            browser.screenshot(Path.of("target", "screenshots", test.getTestMethod().orElseThrow().getName()
                    + "-failure.png"));
            throw e;
        }
    }

    /** What the daemon itself says, over its HTTP API: a field of the topic. */
    private static long topicStat(FakeNsqd n, String topic, String field) {
        return topicStats(n, topic).getLong(field);
    }

    private static JsonObject topicStats(FakeNsqd n, String topic) {
        JsonObject stats = Http.getAbs("http://" + n.address() + "/stats?format=json&topic=" + topic).json();
        return stats.getJsonArray("topics").getJsonObject(0);
    }

    /** What the daemon itself says, over its HTTP API: a channel's depth. */
    private static long statsDepth(FakeNsqd n, String topic, String channel) {
        JsonObject t = topicStats(n, topic);
        return t.getJsonArray("channels").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("channel_name").equals(channel)).findFirst().orElseThrow().getLong("depth");
    }
}
