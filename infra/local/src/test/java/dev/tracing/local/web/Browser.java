package dev.tracing.local.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium driven through the system chromedriver (Debian packages
 * {@code chromium} and {@code chromium-driver}); explicit paths, so Selenium Manager never tries
 * to download a browser or a driver. One instance is one fresh browser profile: a new session
 * with empty session storage.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("tracing.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("tracing.chromedriver", "/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  static {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
    System.setProperty("SE_AVOID_STATS", "true");
    // Selenium logs each CDP version mismatch at WARNING; the tests use no CDP.
    java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
  }

  final WebDriver driver;
  final Path profile;
  final Path downloads;

  Browser(int width, int height) {
    try {
      profile = Files.createTempDirectory("tracing-chromium-profile");
      downloads = Files.createTempDirectory("tracing-chromium-downloads");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--disable-default-apps", "--force-device-scale-factor=1", "--lang=en-US",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /**
   * Lays the page out at this viewport size, as a window of that size would (the headless window
   * itself cannot be narrower than 500 px). Through chromedriver's own CDP endpoint: no DevTools
   * client, nothing to match to the browser's version.
   */
  void viewport(int width, int height) {
    ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    // charts follow their card's width through a ResizeObserver, which delivers at the next frame
    settle();
  }

  /** The browser's locale as pages see it (Intl, navigator.language); applies to pages loaded next. */
  void locale(String tag) {
    ((ChromeDriver) driver).executeCdpCommand("Emulation.setLocaleOverride", Map.of("locale", tag));
  }

  /**
   * Loads the page at this address, as a pasted link would. Going to an address that differs from
   * the current one only after '#' is no page load: the old screen would stay, marked ready, until
   * the page handles the hash change a moment later, and a wait could be met by what it showed
   * before. So such a change, or the same address, is loaded again.
   */
  void open(String url) {
    String before = driver.getCurrentUrl();
    driver.get(url);
    if (before != null && url.contains("#") && documentOf(before).equals(documentOf(url))) {
      driver.navigate().refresh();
    }
  }

  private static String documentOf(String url) {
    int hash = url.indexOf('#');
    return hash < 0 ? url : url.substring(0, hash);
  }

  /** Returns after the page has drawn two frames: what a step scheduled for the next frame is drawn. */
  void settle() {
    ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits up to 15 s for a condition, failing with what it waited for. */
  <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(15))
          .withMessage(() -> what + " (url " + driver.getCurrentUrl() + ")")
          .pollingEvery(Duration.ofMillis(25))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", ""));
      throw e;
    }
  }

  WebElement awaitVisible(String css) {
    return await("'" + css + "' visible", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  /** Fills in the sign-in form (the project id may be there already, from the link) and submits it. */
  void signIn(long projectId, String token) {
    WebElement pid = awaitVisible("#signin-project");
    if (!String.valueOf(projectId).equals(pid.getAttribute("value"))) {
      pid.clear();
      pid.sendKeys(String.valueOf(projectId));
    }
    WebElement secret = find("#signin-token");
    secret.clear();
    secret.sendKeys(token);
    find(".signin-form button[type=submit]").click();
  }

  /** Clicks an element after centring it: the sticky top bar and table header would cover one scrolled to an edge. */
  void click(String css) {
    WebElement element = find(css);
    js("arguments[0].scrollIntoView({block: 'center'})", element);
    element.click();
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  String hash() {
    return (String) js("return window.location.hash");
  }

  /** Saves a PNG of the viewport under target/screenshots/. */
  Path screenshot(String name) {
    try {
      // Let the page paint what the last step changed (a scroll, a re-render) before the capture.
      settle();
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Console errors other than the HTTP failures a test provokes on purpose (401, 404). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !m.contains("status of 401") && !m.contains("status of 404") && !m.contains("favicon"))
        .toList();
  }

  /** Drops what the console logged so far (failures a test provoked on purpose). */
  void forgetConsole() {
    driver.manage().logs().get(LogType.BROWSER);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
      delete(downloads);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind is harmless
    }
  }
}
