package io.nodeq.admin;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Headless Debian Chromium driven by the Debian chromedriver (toolchain.md flags), for page tests. */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final WebDriver driver;
    private final ChromeDriverService service;

    Browser(Path profileDir) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1250", "--user-data-dir=" + profileDir);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, o);
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Text of the first match, or null when absent (pages re-render, so read, don't hold elements). */
    String text(String css) {
        for (int attempt = 0; ; attempt++) {
            try {
                List<WebElement> found = driver.findElements(By.cssSelector(css));
                return found.isEmpty() ? null : found.get(0).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;   // a refresh replaced it between finding and reading, five times over
                }
            }
        }
    }

    long number(String css) {
        String t = text(css);
        if (t == null) {
            return Long.MIN_VALUE;
        }
        return Long.parseLong(t.replace(",", "").trim());
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Click, retrying when a refresh replaced the element between finding and clicking it. */
    void click(String css) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            driver.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** Picks an option of a select by its text, retrying when a refresh replaced the select meanwhile. */
    void select(String css, String visibleText) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector(css))).selectByVisibleText(visibleText);
            return true;
        });
    }

    /** Script errors the app caught (window.__adminErrors); empty when the page code ran clean. */
    List<Object> scriptErrors() {
        Object errors = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return window.__adminErrors || [];");
        return errors instanceof List<?> l ? List.copyOf(l) : List.of(errors);
    }

    /** Runs the steps; when they fail, a screenshot {@code target/screenshots/<name>-failure.png} first. */
    void shootOnFailure(String name, Runnable steps) {
        try {
            steps.run();
        } catch (RuntimeException | AssertionError e) {
            screenshot(Path.of("target", "screenshots", name + "-failure.png"));
            throw e;
        }
    }

    void screenshot(Path to) {
        try {
            Files.createDirectories(to.getParent());
            File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
