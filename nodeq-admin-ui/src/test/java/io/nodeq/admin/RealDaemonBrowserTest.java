package io.nodeq.admin;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nodeq.admin.NsqdHttp.channelStats;
import static io.nodeq.admin.NsqdHttp.mpub;
import static io.nodeq.admin.NsqdHttp.topicStat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin in a real headless Chromium against a real nodeq lookup and two real nodeq daemons
 * registered with it, everything over real HTTP/TCP: the admin discovers the daemons through the
 * lookup (--lookupd-http-address); the depths the pages show are what the daemons' {@code /stats}
 * say; a channel created from the page reaches the lookup and both daemons; pausing and emptying a
 * channel from the page reaches both daemons; a stopped daemon (which leaves the lookup at once)
 * becomes an error row with its address while the other node's numbers stay. Screenshots under
 * target/screenshots; with {@code -Dadmin.docs.screenshot=true} the topic page also goes to
 * docs/topic-page.png.
 */
class RealDaemonBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private RealMesh mesh;
    private Consumer consumer;
    private final java.util.concurrent.atomic.AtomicLong consumed = new java.util.concurrent.atomic.AtomicLong();
    private AdminSession session;
    private Browser browser;
    private String base;
    private String addrA;
    private String addrB;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Browser.CHROMIUM), "no /usr/bin/chromium: browser test skipped");
        mesh = RealMesh.start(tmp, "orders", "billing", "audit", "workers");
        String lookupHttp = mesh.lookupHttp;
        addrA = mesh.httpAddresses[0];
        addrB = mesh.httpAddresses[1];
        // a real consumer on its own channel, found through the lookup: the channel page lists it
        consumer = Consumer.create(ConsumerOptions.builder("orders", "workers", m -> consumed.incrementAndGet())
                .lookup(lookupHttp).maxInFlight(8).build());
        session = AdminSession.start(AdminOptions.forLookupds(List.of(lookupHttp)), tmp.resolve("profile"));
        browser = session.browser;
        base = session.base;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void pagesFollowRealDaemons(TestInfo test) throws Exception {
        try {
            run();
        } catch (Throwable e) {
            browser.screenshot(Path.of("target", "screenshots", "real-" + test.getTestMethod().orElseThrow().getName()
                    + "-failure.png"));
            throw e;
        }
    }

    private void run() throws Exception {
        // traffic over a few chart samples; bounded in count and time
        for (int i = 0; i < 10; i++) {
            mpub(addrA, "orders", 40 + i * 9);
            mpub(addrB, "orders", 20 + i * 4);
            mpub(addrB, "signups", 3);
            long until = System.currentTimeMillis() + 250;
            await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() >= until);
        }

        // topics page: a topic without channels keeps its messages in its own depth
        browser.open(base + "/");
        long signups = topicStat(addrB, "signups", "depth");
        assertThat(signups).isEqualTo(30);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-topic=signups] td[data-col=depth]")).isEqualTo(signups));

        // topic page: channel depths and message totals are the sums of both daemons' /stats
        browser.click("#page-body tr[data-topic=orders] a");
        long billing = channelStats(addrA, "orders", "billing").getLong("depth")
                + channelStats(addrB, "orders", "billing").getLong("depth");
        long published = topicStat(addrA, "orders", "message_count") + topicStat(addrB, "orders", "message_count");
        assertThat(billing).isEqualTo(published);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-channel=billing] td[data-col=depth]")).isEqualTo(billing));
        long publishedOnA = topicStat(addrA, "orders", "message_count");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.number("#page-body tr[data-row=total] td[data-col=message_count]")).isEqualTo(published);
            assertThat(browser.number("#page-body tr[data-node='" + addrA + "'] td[data-col=message_count]"))
                    .isEqualTo(publishedOnA);
        });
        // each node row shows the topic's storage level, as the node's /stats says it
        assertThat(NsqdHttp.topicStats(addrA, "orders").getString("durability")).isEqualTo("memory-first");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.text("#page-body tr[data-node='" + addrA + "'] [data-durability]")).isEqualTo("memory-first"));
        await().atMost(WAIT).until(() -> browser.present("#chart canvas"));
        Path shot = Path.of("target", "screenshots", "real-topic-page.png");
        browser.screenshot(shot);
        if (Boolean.getBoolean("admin.docs.screenshot")) {
            Files.copy(shot, Path.of("docs", "topic-page.png"), StandardCopyOption.REPLACE_EXISTING);
        }

        // create a channel from the page: through the lookup and on both producers
        browser.driver.findElement(org.openqa.selenium.By.cssSelector("form[data-form=create] input[name=channel]"))
                .sendKeys("archive");
        browser.click("form[data-form=create] button[type=submit]");
        await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-channel=archive]"));
        assertThat(channelStats(addrA, "orders", "archive").getLong("depth")).isZero();
        assertThat(channelStats(addrB, "orders", "archive").getLong("depth")).isZero();

        // live: a new message shows up without a reload
        mpub(addrA, "orders", 5);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.number("#page-body tr[data-channel=billing] td[data-col=depth]")).isEqualTo(billing + 5));

        // the consumer's channel: one client row per daemon connection, with its RDY
        browser.open(base + "/topics/orders/workers");
        await().atMost(WAIT).until(() -> browser.driver.findElements(
                org.openqa.selenium.By.cssSelector("#page-body tr[data-client]")).size() == 2);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.number("#page-body tr[data-client] td[data-col=ready_count]")).isPositive());
        await().atMost(WAIT).until(() -> consumed.get() > 0);
        browser.screenshot(Path.of("target", "screenshots", "real-channel-page.png"));
        browser.open(base + "/topics/orders");
        await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-channel=billing] a"));

        // channel page: pause from the page reaches both daemons
        browser.click("#page-body tr[data-channel=billing] a");
        await().atMost(WAIT).until(() -> browser.present("#page-head button[data-act=channel-pause]"));
        browser.click("#page-head button[data-act=channel-pause]");
        await().atMost(WAIT).until(() -> browser.present("#page-head [data-state=paused]")
                && browser.present("#page-head button[data-act=channel-unpause]"));
        assertThat(channelStats(addrA, "orders", "billing").getBoolean("paused")).isTrue();
        assertThat(channelStats(addrB, "orders", "billing").getBoolean("paused")).isTrue();

        // empty, after the confirmation dialog: depth 0 on the page and in /stats
        browser.click("#page-head button[data-act=channel-empty]");
        await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
        browser.click("#confirm-ok");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
                assertThat(browser.number("#page-body tr[data-row=total] td[data-col=depth]")).isZero());
        assertThat(channelStats(addrA, "orders", "billing").getLong("depth")
                + channelStats(addrB, "orders", "billing").getLong("depth")).isZero();
        assertThat(channelStats(addrA, "orders", "audit").getLong("depth")).isPositive();

        // daemon A stops: an error row with its address; B's numbers stay on the page
        long bMessages = topicStat(addrB, "orders", "message_count");
        browser.open(base + "/topics/orders");
        mesh.stop(0);
        await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-error-node='" + addrA + "']"));
        assertThat(browser.text("#page-body tr[data-error-node='" + addrA + "']")).contains(addrA);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(browser.number(
                "#page-body tr[data-node='" + addrB + "'] td[data-col=message_count]")).isEqualTo(bMessages));
        assertThat(browser.present("#page-body tr[data-node='" + addrA + "']")).isFalse();
        browser.screenshot(Path.of("target", "screenshots", "real-topic-page-node-down.png"));
    }
}
