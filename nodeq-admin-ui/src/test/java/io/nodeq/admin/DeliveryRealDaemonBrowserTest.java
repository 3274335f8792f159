package io.nodeq.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.nodeq.admin.NsqdHttp.channelStats;
import static io.nodeq.admin.NsqdHttp.topicStats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * nodeq's delivery features from the pages of a real headless Chromium, against a real lookup and
 * two real nodeq daemons, checked with the daemons' own {@code /stats} and a raw TCP consumer:
 * settings edited from the forms reach both daemons (and a bad value shows the daemon's reason);
 * peek shows the waiting messages of both nodes and changes no depth; rewind, after its
 * confirmation, makes a daemon deliver consumed messages again; a message REQ'd past max attempts
 * lands in the dead-letter topic, whose page links back to its channel and replays it there.
 * Peek, rewind and replay run when the daemons have the endpoints (the replay and dlq work),
 * and are skipped, saying so, against a daemon without them.
 */
class DeliveryRealDaemonBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private RealMesh mesh;
    private AdminSession session;
    private Browser browser;
    private String base;
    private String addrA;
    private String addrB;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Browser.available(), "no chromium/chromedriver: browser test skipped");
        mesh = RealMesh.start(tmp, "orders", "billing");
        addrA = mesh.httpAddresses[0];
        addrB = mesh.httpAddresses[1];
        session = AdminSession.start(AdminOptions.forLookupds(List.of(mesh.lookupHttp)), tmp.resolve("profile"));
        browser = session.browser;
        base = session.base;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void settingsFromThePagesReachEveryDaemon(TestInfo test) {
        browser.shootOnFailure("real-delivery-" + name(test), () -> {
            browser.open(base + "/topics/orders");
            fill("form[data-form=topic-config] input[name=retention]", "2h");
            fill("form[data-form=topic-config] input[name=dedup_window]", "90s");
            browser.click("form[data-form=topic-config] button[type=submit]");
            await().atMost(WAIT).until(() -> text("[data-result=config]").contains("Saved on 2 nodes"));
            for (String n : List.of(addrA, addrB)) {
                assertThat(topicStats(n, "orders").getString("retention")).isEqualTo("2h0m0s");
                assertThat(topicStats(n, "orders").getString("dedup_window")).isEqualTo("1m30s");
            }
            await().atMost(WAIT).until(() -> "2h0m0s".equals(browser.text("#page-body [data-stat=retention]")));
            assertThat(browser.text("#page-body [data-stat=dedup_window]")).isEqualTo("1m30s");

            // a value the daemons refuse: their reason, and nothing changed
            fill("form[data-form=topic-config] input[name=retention]", "soon");
            browser.click("form[data-form=topic-config] button[type=submit]");
            await().atMost(WAIT).until(() -> text("[data-result=config]").contains("INVALID_RETENTION"));
            assertThat(topicStats(addrA, "orders").getString("retention")).isEqualTo("2h0m0s");

            browser.open(base + "/topics/orders/billing");
            fill("form[data-form=channel-config] input[name=max_attempts]", "3");
            fill("form[data-form=channel-config] input[name=dead_letter_topic]", "orders.dead");
            browser.click("form[data-form=channel-config] button[type=submit]");
            await().atMost(WAIT).until(() -> text("[data-result=config]").contains("Saved on 2 nodes"));
            for (String n : List.of(addrA, addrB)) {
                assertThat(channelStats(n, "orders", "billing").getInteger("max_attempts")).isEqualTo(3);
                assertThat(channelStats(n, "orders", "billing").getString("dead_letter_topic")).isEqualTo("orders.dead");
            }
            await().atMost(WAIT).until(() -> "3".equals(browser.text("#page-body [data-stat=max_attempts]")));
            assertThat(browser.text("#page-body [data-stat=dead_letter_topic]")).isEqualTo("orders.dead");
            assertThat(browser.text("#page-body [data-stat=dead_lettered_count]")).isEqualTo("0");

            // the dead-letter topic, once it exists, is marked and links back to its channel
            NsqdHttp.post(addrA, "/topic/create?topic=orders.dead", "");
            browser.click("#page-body [data-stat=dead_letter_topic] a");
            await().atMost(WAIT).until(() -> browser.present("#page-head [data-dead-letter-topic]")
                    && browser.present("#page-body [data-origin='orders/billing']"));
            assertThat(browser.scriptErrors()).isEmpty();
        });
    }

    @Test
    void peekShowsEveryNodesNextMessagesAndDeliversNothing(TestInfo test) {
        assumeTrue(NsqdHttp.hasEndpoint(addrA, "GET", "/channel/peek"), "the daemon has no /channel/peek yet");
        browser.shootOnFailure("real-delivery-" + name(test), () -> {
            NsqdHttp.mpub(addrA, "orders", 3);
            NsqdHttp.mpub(addrB, "orders", 2);
            browser.open(base + "/topics/orders/billing");
            await().atMost(WAIT).until(() -> rows("#page-body tr[data-message]") == 5);
            assertThat(text("tr[data-message] [data-body]")).isEqualTo("message-0");
            assertThat(browser.text("#page-body table.peek")).contains(addrA, addrB, "message-2");
            browser.screenshot(Path.of("target", "screenshots", "real-channel-peek.png"));
            for (String n : List.of(addrA, addrB)) {
                assertThat(channelStats(n, "orders", "billing").getLong("in_flight_count")).isZero();
            }
            assertThat(channelStats(addrA, "orders", "billing").getLong("depth")).isEqualTo(3);
            assertThat(channelStats(addrB, "orders", "billing").getLong("depth")).isEqualTo(2);
            await().atMost(WAIT).until(() -> "5".equals(browser.text("#page-body tr[data-row=total] td[data-col=depth]")));

            browser.select("#page-body select[name=n]", "1");
            browser.click("#page-body button[data-act=channel-peek]");
            await().atMost(WAIT).until(() -> rows("#page-body tr[data-message]") == 2);
            assertThat(browser.scriptErrors()).isEmpty();
        });
    }

    @Test
    void rewindAfterItsConfirmationDeliversConsumedMessagesAgain(TestInfo test) throws Exception {
        assumeTrue(NsqdHttp.hasEndpoint(addrA, "POST", "/channel/rewind"), "the daemon has no /channel/rewind yet");
        long before = System.currentTimeMillis() - 60_000;
        NsqdHttp.mpub(addrA, "orders", 3);
        try (RawConsumer c = new RawConsumer(mesh.tcpPort(0), "orders", "billing", 10)) {
            List<String> first = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawConsumer.Msg m = c.next(WAIT);
                first.add(m.id());
                c.fin(m.id());
            }
            await().atMost(WAIT).until(() -> channelStats(addrA, "orders", "billing").getLong("in_flight_count") == 0);
            browser.shootOnFailure("real-delivery-" + name(test), () -> {
                browser.open(base + "/topics/orders/billing");
                await().atMost(WAIT).until(() -> browser.present("#page-body form[data-form=channel-rewind]"));
                ((JavascriptExecutor) browser.driver).executeScript("const el = document.querySelector("
                        + "'form[data-form=channel-rewind] input[name=to]'); const d = new Date(arguments[0]);"
                        + "el.value = new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);"
                        + "el.dispatchEvent(new Event('input', { bubbles: true }));", before);
                browser.click("#page-body form[data-form=channel-rewind] button[type=submit]");
                await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
                assertThat(browser.text("#confirm-text")).contains("Rewind channel orders/billing", "delivered again");
                assertThat(channelStats(addrA, "orders", "billing").getLong("depth")).isZero();
                browser.click("#confirm-ok");
                await().atMost(WAIT).until(() -> text("[data-result=rewind]").contains("3 messages will be delivered again"));
            });
            List<String> again = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawConsumer.Msg m = c.next(WAIT);
                assertThat(m).as("redelivery " + i).isNotNull();
                again.add(m.id());
                c.fin(m.id());
            }
            assertThat(again).containsExactlyElementsOf(first);
        }
    }

    @Test
    void aMessageReqdPastMaxAttemptsIsReplayedFromItsDeadLetterTopic(TestInfo test) throws Exception {
        assumeTrue(NsqdHttp.hasEndpoint(addrA, "POST", "/topic/redrive"), "the daemon has no /topic/redrive yet");
        for (String n : List.of(addrA, addrB)) {
            NsqdHttp.post(n, "/channel/config?topic=orders&channel=billing&max_attempts=2&dead_letter_topic=orders.dead", "");
        }
        NsqdHttp.post(addrA, "/pub?topic=orders", "poison");
        try (RawConsumer c = new RawConsumer(mesh.tcpPort(0), "orders", "billing", 1)) {
            RawConsumer.Msg first = c.next(WAIT);
            c.req(first.id());
            RawConsumer.Msg second = c.next(WAIT);
            assertThat(second.attempts()).isEqualTo(2);
            c.req(second.id());
            await().atMost(WAIT).until(() -> channelStats(addrA, "orders", "billing").getLong("dead_lettered_count") == 1);
            assertThat(c.next(Duration.ofMillis(300))).isNull();

            browser.shootOnFailure("real-delivery-" + name(test), () -> {
                browser.open(base + "/topics/orders/billing");
                await().atMost(WAIT).until(() -> "1".equals(browser.text("#page-body [data-stat=dead_lettered_count]")));
                browser.click("#page-body [data-stat=dead_letter_topic] a");
                await().atMost(WAIT).until(() -> browser.present("#page-head [data-dead-letter-topic]")
                        && "1".equals(browser.text("#page-body [data-stat=depth]")));
                assertThat(browser.text("#page-body [data-origin='orders/billing']")).contains("orders", "billing");
                browser.screenshot(Path.of("target", "screenshots", "real-dead-letter-topic.png"));
                browser.click("#page-body button[data-act=topic-redrive]");
                await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
                browser.click("#confirm-ok");
                await().atMost(WAIT).until(() -> text("[data-result=redrive]").contains("Replayed 1 dead letter to"));
            });
            RawConsumer.Msg back = c.next(WAIT);
            assertThat(back).isNotNull();
            assertThat(back.body()).isEqualTo("poison");
            assertThat(back.attempts()).isEqualTo(1);
            c.fin(back.id());
            await().atMost(WAIT).until(() -> channelStats(addrA, "orders", "billing").getLong("depth") == 0
                    && channelStats(addrA, "orders", "billing").getLong("in_flight_count") == 0);
        }
        await().atMost(WAIT).until(() -> "0".equals(browser.text("#page-body [data-stat=depth]")));
        assertThat(browser.scriptErrors()).isEmpty();
    }

    private void fill(String css, String value) {
        await().atMost(WAIT).until(() -> browser.present("#page-body " + css));
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            WebElement e = browser.driver.findElement(By.cssSelector("#page-body " + css));
            e.clear();
            e.sendKeys(value);
            return value.equals(e.getAttribute("value"));
        });
    }

    private String text(String css) {
        String t = browser.text("#page-body " + css);
        return t == null ? "" : t;
    }

    private int rows(String css) {
        return browser.driver.findElements(By.cssSelector(css)).size();
    }

    private static String name(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }
}
