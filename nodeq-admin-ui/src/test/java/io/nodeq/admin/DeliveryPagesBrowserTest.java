package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.testing.FakeNsqd;
import io.nodeq.testing.FakeNsqdHttp.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The delivery features' pages in a real headless Chromium over a fake lookup and fake daemons:
 * two play nodeq daemons (settings in /stats, peek answers made up here, so the page's rendering
 * of odd bodies is checked exactly), one plays nsqd (none of it: the page hides the settings and
 * says peek and rewind are not supported). The real daemons' side is
 * {@link DeliveryRealDaemonBrowserTest}.
 */
class DeliveryPagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private Vertx vertx;
    private FakeNsqd a;
    private FakeNsqd b;
    private FakeNsqd plain;
    private AdminSession session;
    private Browser browser;
    private String base;
    private final List<String> peekQueries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Browser.available(), "no chromium/chromedriver: browser test skipped");
        vertx = Vertx.vertx();
        FakeLookupd lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        a = new FakeNsqd(vertx, "nodeq-a").start().await(5, TimeUnit.SECONDS);
        b = new FakeNsqd(vertx, "nodeq-b").start().await(5, TimeUnit.SECONDS);
        plain = new FakeNsqd(vertx, "nsqd").start().await(5, TimeUnit.SECONDS);
        for (FakeNsqd n : List.of(a, b, plain)) {
            lookupd.register(n);
        }
        for (FakeNsqd n : List.of(a, b)) {
            n.topic("orders").extra.put("durability", "memory-first").put("dedup_window", "2m0s").put("deduplicated_count", 2);
            n.channel("orders", "billing").extra.put("max_attempts", 5).put("dead_letter_topic", "orders.dead");
            n.topic("orders.dead").extra.put("durability", "memory-first").put("dedup_window", "0s").put("retention", "0s");
            n.publish("orders", 3, 10);
        }
        a.topic("orders").extra.put("retention", "24h0m0s");
        b.topic("orders").extra.put("retention", "1h0m0s");
        a.channel("orders", "billing").extra.put("dead_lettered_count", 1);
        b.channel("orders", "billing").extra.put("dead_lettered_count", 2);
        plain.channel("events", "audit");
        a.routes.put("GET /channel/peek", req -> {
            peekQueries.add(req.query());
            return Reply.json(peek(message("0a0a0a0a0a0a0a01", "<b>bold?</b> & more", null),
                    message("0a0a0a0a0a0a0a02", null, new byte[] {0, 1, 2, (byte) 0xff})));
        });
        b.routes.put("GET /channel/peek", req -> Reply.json(peek()));
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
    void nodeqDaemonsShowSettingsPeekAndDeadLetters(TestInfo test) {
        browser.shootOnFailure("delivery-" + name(test), () -> {
            browser.open(base + "/topics/orders");
            await().atMost(WAIT).until(() -> browser.present("#page-body [data-stat=dedup_window]"));
            assertThat(browser.text("#page-body [data-stat=dedup_window]")).isEqualTo("2m0s");
            assertThat(browser.text("#page-body [data-stat=retention]")).isEqualTo("mixed");
            assertThat(browser.text("#page-body [data-stat=deduplicated_count]")).isEqualTo("4");
            assertThat(browser.text("#page-body tr[data-channel=billing] td[data-col=max_attempts]")).isEqualTo("5");
            assertThat(browser.text("#page-body tr[data-channel=billing] td[data-col=dead_lettered_count]")).isEqualTo("3");
            assertThat(browser.present("#page-body form[data-form=topic-config]")).isTrue();

            // the channel's dead-letter topic is a link; there, the topic is marked and links back
            browser.click("#page-body tr[data-channel=billing] td[data-col=dead_letter_topic] a");
            await().atMost(WAIT).until(() -> browser.present("#page-head [data-dead-letter-topic]"));
            assertThat(browser.driver.getCurrentUrl()).isEqualTo(base + "/topics/orders.dead");
            assertThat(browser.text("#page-body [data-dead-letter-for] [data-origin='orders/billing']")).contains("billing");
            assertThat(browser.present("#page-body button[data-act=topic-redrive]")).isTrue();
            browser.screenshot(Path.of("target", "screenshots", "delivery-dead-letter-topic.png"));

            // peek: every node's messages, text escaped, binary as base64, headers
            browser.click("#page-body [data-origin='orders/billing'] a[href='/topics/orders/billing']");
            await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-message='0a0a0a0a0a0a0a02']"));
            assertThat(peekQueries).containsExactly("topic=orders&channel=billing&n=10");
            assertThat(browser.text("#page-body tr[data-message='0a0a0a0a0a0a0a01'] [data-body]"))
                    .isEqualTo("<b>bold?</b> & more");
            assertThat(browser.present("#page-body tr[data-message='0a0a0a0a0a0a0a01'] [data-body] b")).isFalse();
            assertThat(browser.text("#page-body tr[data-message='0a0a0a0a0a0a0a02'] [data-body-base64]")).isEqualTo("AAEC/w==");
            assertThat(browser.text("#page-body tr[data-message='0a0a0a0a0a0a0a01'] [data-header=Trace]")).isEqualTo("Trace: t-1");
            assertThat(browser.text("#page-body tr[data-message='0a0a0a0a0a0a0a01']")).contains(a.httpAddress());
            assertThat(browser.text("#page-body [data-stat=max_attempts]")).isEqualTo("5");
            assertThat(browser.text("#page-body [data-stat=dead_lettered_count]")).isEqualTo("3");
            browser.screenshot(Path.of("target", "screenshots", "delivery-channel-peek.png"));

            // n is selectable, and the choice survives the page's refreshes
            browser.select("#page-body select[name=n]", "25");
            browser.click("#page-body button[data-act=channel-peek]");
            await().atMost(WAIT).until(() -> peekQueries.contains("topic=orders&channel=billing&n=25"));
            assertThat(browser.scriptErrors()).isEmpty();
        });
    }

    @Test
    void nsqdDaemonsHideTheSettingsAndSayWhatTheyCannotDo(TestInfo test) {
        browser.shootOnFailure("delivery-" + name(test), () -> {
            browser.open(base + "/topics/events");
            await().atMost(WAIT).until(() -> browser.present("#page-body tr[data-channel=audit]"));
            assertThat(browser.present("#page-body [data-stat=dedup_window]")).isFalse();
            assertThat(browser.present("#page-body td[data-col=max_attempts]")).isFalse();
            assertThat(browser.present("#page-body form[data-form=topic-config]")).isFalse();

            browser.open(base + "/topics/events/audit");
            await().atMost(WAIT).until(() -> browser.present("#page-body [data-peek-error]"));
            assertThat(browser.text("#page-body [data-peek-error]")).contains(plain.httpAddress(), "not supported");
            assertThat(browser.present("#page-body form[data-form=channel-config]")).isFalse();

            browser.click("#page-body form[data-form=channel-rewind] button[type=submit]");
            await().atMost(WAIT).until(() -> browser.present("dialog#confirm[open]"));
            assertThat(browser.text("#confirm-text")).contains("Rewind channel events/audit");
            browser.click("#confirm-ok");
            await().atMost(WAIT).until(() -> browser.present("#page-body [data-result=rewind]"));
            assertThat(browser.text("#page-body [data-result=rewind]")).contains("failed", "rewind is not supported");
            assertThat(plain.posts).isEmpty();
            browser.screenshot(Path.of("target", "screenshots", "delivery-nsqd-channel.png"));
            assertThat(browser.scriptErrors()).isEmpty();
        });
    }

    private static JsonObject peek(JsonObject... messages) {
        return new JsonObject().put("topic", "orders").put("channel", "billing").put("messages", new JsonArray(List.of(messages)));
    }

    private static JsonObject message(String id, String text, byte[] binary) {
        byte[] body = text != null ? text.getBytes(StandardCharsets.UTF_8) : binary;
        return new JsonObject().put("id", id).put("seq", 1).put("timestamp", 1795393326000000000L).put("attempts", 1)
                .put("state", "queued").put("body", new String(body, StandardCharsets.UTF_8))
                .put("body_base64", Base64.getEncoder().encodeToString(body))
                .put("headers", new JsonObject().put("Trace", "t-1"));
    }

    private static String name(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }
}
