package dev.tracing.local.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracing.admin.ProjectAdmin;
import dev.tracing.local.LocalStack;
import dev.tracing.local.web.SampleTraces.Sent;
import dev.tracing.model.Project;
import dev.tracing.model.Scope;
import dev.tracing.testing.OtlpFixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the views hold up: from a 360 px phone to a 1920 px screen, long and multi-line values,
 * chart and waterfall labels, times in the browser's locale, the sign-in's scope check, the
 * ingest usage and its limit, and which errors offer a retry. Headless Chromium against the real
 * local stack; screenshots go to target/screenshots/views-*.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewsUiTest {
  static final int[] WIDTHS = {360, 400, 1280, 1920};
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final JsonMapper JSON = JsonMapper.builder().build();
  static LocalStack stack;
  static Project project;
  static String token;
  static final SampleTraces shop = new SampleTraces();
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(LocalStack.Options.forTests());
    project = stack.admin().createProject(7, "shop");
    token = stack.admin().createToken(project.projectId(), EnumSet.allOf(Scope.class), "views", null).secret();
    shop.sendShop(URI.create(stack.ingestUrl(project)), token, Instant.now());
    base = stack.baseUri() + "/";
    browser = new Browser(1280, 860);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  @AfterEach
  void noScriptErrors() {
    List<String> errors = browser.consoleErrors();
    assertTrue(errors.isEmpty(), "the page logged errors: " + errors);
    browser.viewport(1280, 860);
  }

  static String listUrl(String params) {
    return base + "#/projects/" + project.projectId() + "/traces" + (params.isEmpty() ? "" : "?" + params);
  }

  static String traceUrl(String traceId, String params) {
    return base + "#/projects/" + project.projectId() + "/traces/" + traceId + (params.isEmpty() ? "" : "?" + params);
  }

  static Sent slowCheckout() {
    return shop.byName("POST /checkout", t -> t.durationNano() > 2_000_000_000L);
  }

  static Sent failedCheckout() {
    return shop.byName("POST /checkout", Sent::hasError);
  }

  /** GET on the query API with the project's token: status and JSON body. */
  static JsonNode apiGet(String path, int expectedStatus) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUri() + path))
        .header("PRIVATE-TOKEN", token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expectedStatus, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  static void awaitList() {
    browser.await("the list shows its rows and charts", d -> !browser.all("#traces-table tbody tr").isEmpty()
        && !browser.all(".traces-screen[data-state='ready']").isEmpty());
  }

  static void signOut() {
    if (!browser.all("#sign-out").isEmpty()) {
      browser.find("#sign-out").click();
      browser.awaitVisible("#signin-token");
    }
  }

  static long pageWidth() {
    return (Long) browser.js("return document.scrollingElement.scrollWidth");
  }

  static long innerWidth() {
    return (Long) browser.js("return window.innerWidth");
  }

  /** Fails unless the element is laid out and wholly within the viewport's width. */
  static void assertWithinViewport(String what, String css) {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) browser.js("""
        const e = document.querySelector(arguments[0]);
        if (!e) return null;
        const b = e.getBoundingClientRect();
        return {left: b.left, right: b.right, width: b.width, height: b.height};
        """, css);
    assertTrue(r != null, what + ": no " + css);
    double left = ((Number) r.get("left")).doubleValue();
    double right = ((Number) r.get("right")).doubleValue();
    long inner = innerWidth();
    assertTrue(((Number) r.get("width")).doubleValue() > 0 && ((Number) r.get("height")).doubleValue() > 0,
        what + " is laid out (" + css + "): " + r);
    assertTrue(left >= 0 && right <= inner + 0.5, what + " (" + css + ") lies within the " + inner + " px viewport: " + r);
  }

  static void assertNoSidewaysScroll(String where) {
    assertTrue(pageWidth() <= innerWidth(), where + ": the page scrolls sideways (" + pageWidth() + " px wide in a "
        + innerWidth() + " px viewport)");
  }

  /** Span names in the waterfall that are cut short (an ellipsis instead of the name). */
  @SuppressWarnings("unchecked")
  static List<String> truncatedSpanNames() {
    return (List<String>) browser.js("return [...document.querySelectorAll('.wf-row .wf-op')]"
        + ".filter(e => e.scrollWidth > e.clientWidth + 1 || e.clientWidth === 0).map(e => e.textContent)");
  }

  @Test
  @Order(1)
  void signInRefusesATokenThatCannotReadTracesAndNamesTheScope() throws Exception {
    String readApiOnly = stack.admin().createToken(project.projectId(), EnumSet.of(Scope.READ_API), "api-only", null).secret();
    browser.open(base);
    browser.signIn(project.projectId(), readApiOnly);
    WebElement error = browser.awaitVisible("#signin-error");
    assertTrue(error.getText().contains("read_observability"), error.getText());
    assertTrue(browser.find("#signin-token").isDisplayed(), "still on the sign-in screen");
    assertEquals(null, browser.js("return sessionStorage.getItem('tracing.session')"), "the token was not kept");
    browser.screenshot("views-01-sign-in-missing-scope");
    browser.forgetConsole(); // the 403 asked for on purpose

    // Reading traces without read_api is enough to sign in; the usage needs read_api, so no meter.
    String tracesOnly = stack.admin().createToken(project.projectId(), EnumSet.of(Scope.READ_OBSERVABILITY), "traces-only", null)
        .secret();
    browser.js("performance.clearResourceTimings()");
    browser.signIn(project.projectId(), tracesOnly);
    awaitList();
    // the project info is asked for twice: by the sign-in's check of the token, then by the usage meter
    browser.await("the usage asked for", d -> (Boolean) browser.js(
        "return performance.getEntriesByType('resource').filter(e => /\\/v3\\/query\\/\\d+$/.test(e.name)).length >= 2"));
    browser.settle();
    assertTrue(browser.all("#usage-meter").isEmpty() || !browser.find("#usage-meter").isDisplayed(), "no usage without read_api");
    browser.forgetConsole();
    signOut();

    browser.signIn(project.projectId(), token);
    awaitList();
    JsonNode info = apiGet("/v3/query/" + project.projectId(), 200);
    WebElement meter = browser.awaitVisible("#usage-meter");
    assertTrue(meter.getText().startsWith("Ingest "), meter.getText());
    meter.click();
    // the panel is drawn again at each read of the usage: read both figures in one step of a wait
    String limit = String.format("%,d bytes", info.get("bytes_per_minute_limit").asLong());
    String retention = info.get("retention_days").asLong() + " days";
    browser.await("the panel shows the limit " + limit + " and the retention " + retention, d -> {
      WebElement shown = browser.find("#usage-limit");
      return shown.isDisplayed() && shown.getText().contains(limit) && browser.find("#usage-retention").getText().equals(retention);
    });
    browser.screenshot("views-02-usage-panel");
    meter.sendKeys(Keys.ESCAPE);
    browser.await("the usage panel closes", d -> !browser.find("#usage-panel").isDisplayed());
  }

  @Test
  @Order(2)
  void listTraceAndDrawerFitEveryWidthFrom360To1920() {
    Sent slow = slowCheckout();
    for (int width : WIDTHS) {
      browser.viewport(width, 800);
      browser.open(listUrl(""));
      awaitList();
      assertEquals(width, innerWidth());
      assertNoSidewaysScroll("list at " + width + " px");
      for (String css : List.of("#time-range", ".fb-input", "#sort", ".toolbar button[title^='Load again']", "#usage-meter",
          "#sign-out", "#traces-table tbody tr .row-link", "#traces-table tbody tr .dur-value")) {
        assertWithinViewport("list at " + width + " px", css);
      }
      double operation = ((Number) browser.js(
          "return document.querySelector('#traces-table tbody tr .c-operation').getBoundingClientRect().width")).doubleValue();
      assertTrue(operation >= 150, "the operation has room at " + width + " px: " + operation + " px");
      browser.screenshot("views-10-list-" + width);

      browser.open(traceUrl(slow.id(), ""));
      browser.awaitVisible(".wf-row");
      assertNoSidewaysScroll("trace at " + width + " px");
      for (String css : List.of("#copy-link", "#download-json", "#trace-search", "#collapse-all", "#waterfall")) {
        assertWithinViewport("trace at " + width + " px", css);
      }
      assertEquals(List.of(), truncatedSpanNames(), "span names cut short at " + width + " px");
      browser.screenshot("views-11-trace-" + width);

      browser.click(".wf-row[data-span-id='" + slow.spanIds().get("Charge") + "']");
      browser.awaitVisible("#span-drawer");
      browser.await("the drawer's attributes", d -> !browser.all("#drawer-span-attributes tr").isEmpty());
      assertNoSidewaysScroll("drawer at " + width + " px");
      assertWithinViewport("drawer at " + width + " px", "#span-drawer");
      assertWithinViewport("drawer at " + width + " px", "#span-drawer .drawer-head .btn-icon");
      if (width <= 720) {
        assertEquals((Long) browser.js("return document.documentElement.clientWidth"), ((Number) browser.js(
            "return document.getElementById('span-drawer').getBoundingClientRect().width")).longValue(),
            "the drawer takes the whole width of a narrow screen");
      } else {
        // With a span open the waterfall keeps its service names and the panels stay.
        assertTrue(browser.find("#slowest-spans").isDisplayed(), "slowest spans shown with the drawer open at " + width);
        assertTrue(browser.find(".insights").isDisplayed(), "time by service shown with the drawer open at " + width);
        // the rows are drawn again at the next frame after the drawer narrows the waterfall: read them in a wait
        browser.await("service names shown with the drawer open at " + width + " px", d -> {
          WebElement service = browser.find(".wf-row[data-span-id='" + slow.spanIds().get("Charge") + "'] .wf-svc");
          return service.isDisplayed() && service.getSize().getWidth() > 20 && service.getText().equals("payment");
        });
        assertEquals(List.of(), truncatedSpanNames(), "span names cut short with the drawer open at " + width + " px");
      }
      browser.screenshot("views-12-drawer-" + width);
    }
  }

  @Test
  @Order(3)
  void multiLineValuesKeepTheirLinesAndLongOnesFold() {
    Sent failed = failedCheckout();
    browser.open(traceUrl(failed.id(), "span=" + failed.spanIds().get("Charge")));
    WebElement note = browser.awaitVisible("#drawer-span-attributes tr[data-key='payment.note'] td");
    assertEquals("line one\nline two", note.getText());

    WebElement stack = browser.awaitVisible("#drawer-events tr[data-key='exception.stacktrace'] td");
    WebElement text = stack.findElement(By.cssSelector(".value-text.code"));
    String font = (String) browser.js("return getComputedStyle(arguments[0]).fontFamily", text);
    assertTrue(font.toLowerCase().contains("mono"), font);
    assertTrue((Boolean) browser.js("return arguments[0].scrollHeight > arguments[0].clientHeight + 20", text),
        "a 24-line stack trace starts folded");
    WebElement toggle = stack.findElement(By.cssSelector(".long-toggle"));
    assertEquals("Show all 24 lines", toggle.getText());
    browser.js("document.getElementById('drawer-events').scrollIntoView()");
    browser.screenshot("views-20-stack-trace-folded");
    toggle.click();
    assertEquals("Show less", toggle.getText());
    assertTrue((Boolean) browser.js("return arguments[0].scrollHeight <= arguments[0].clientHeight + 1", text),
        "unfolded, every line shows");
    String[] lines = text.getText().split("\n");
    assertEquals(24, lines.length, text.getText());
    assertEquals("\tat shop.payment.AcmeGateway.charge(AcmeGateway.java:214)".trim(), lines[1].trim());
    assertTrue(lines[23].contains("... 18 more"), lines[23]);
    browser.screenshot("views-21-stack-trace-open");
  }

  /** Ink (dark pixels) of the x axis's labels in the rightmost columns of each chart. */
  @SuppressWarnings("unchecked")
  static List<String> chartsWithLabelsCutAtTheRight() {
    return (List<String>) browser.js("""
        const out = [];
        for (const card of document.querySelectorAll('.chart-card[data-chart]')) {
          const canvas = card.querySelector('canvas');
          const over = card.querySelector('.u-over');
          const scale = canvas.width / canvas.getBoundingClientRect().width;
          const top = Math.ceil((over.offsetTop + over.offsetHeight) * scale);
          const ctx = canvas.getContext('2d');
          const cols = Math.max(2, Math.round(2 * scale));
          const data = ctx.getImageData(canvas.width - cols, top, cols, canvas.height - top).data;
          let ink = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 60 && data[i] < 180) ink++;
          if (ink > 0) out.push(card.dataset.chart);
        }
        return out;
        """);
  }

  @Test
  @Order(4)
  void chartsAndTheWaterfallKeepTheirLastLabelAndHoverMovesNothing() {
    // A window ending on the hour: the x axis has a tick, and a label, at its right edge.
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    Instant start = end.minus(2, ChronoUnit.HOURS);
    browser.open(listUrl("start_time=" + start + "&end_time=" + end));
    awaitList();
    browser.awaitVisible(".chart-card[data-chart='duration'] .uplot");
    assertEquals(List.of(), chartsWithLabelsCutAtTheRight(), "x axis labels cut at the right edge");

    long chartsHeight = ((Number) browser.js("return document.querySelector('.charts').getBoundingClientRect().height")).longValue();
    long pageHeight = (Long) browser.js("return document.scrollingElement.scrollHeight");
    for (String chart : List.of("volume", "errors", "duration")) {
      WebElement over = browser.find(".chart-card[data-chart='" + chart + "'] .u-over");
      int w = over.getSize().getWidth();
      for (int x : new int[] {-w / 2 + 4, -w / 4, 0, w / 4, w / 2 - 4}) {
        new Actions(browser.driver).moveToElement(over, x, 0).perform();
        assertEquals(chartsHeight, ((Number) browser.js(
            "return document.querySelector('.charts').getBoundingClientRect().height")).longValue(), "charts' height on hover");
        assertEquals(pageHeight, (Long) browser.js("return document.scrollingElement.scrollHeight"), "page height on hover");
      }
    }
    browser.screenshot("views-30-chart-hover");

    Sent products = shop.byName("GET /products", t -> t.durationNano() == 120_000_000L);
    browser.open(traceUrl(products.id(), ""));
    browser.awaitVisible(".wf-row");
    List<WebElement> ticks = browser.all(".wf-tick");
    WebElement last = ticks.get(ticks.size() - 1);
    assertEquals("120 ms", last.getText());
    double tickRight = ((Number) browser.js("return arguments[0].getBoundingClientRect().right", last)).doubleValue();
    double boxRight = ((Number) browser.js("return document.querySelector('.wf').getBoundingClientRect().right")).doubleValue();
    assertTrue(tickRight <= boxRight - 1, "the scale's last label ends inside the waterfall: " + tickRight + " > " + boxRight);
    browser.screenshot("views-31-waterfall-scale");
  }

  @Test
  @Order(5)
  void anInvalidFilterClearsOnEscapeAndOnAnotherSortOrRange() {
    browser.open(listUrl(""));
    awaitList();
    WebElement input = browser.find(".fb-input");
    input.click();
    input.sendKeys("nonsense", Keys.ENTER);
    WebElement error = browser.awaitVisible(".fb-error");
    assertFalse(error.getText().isEmpty());
    browser.screenshot("views-40-filter-error");
    input.sendKeys(Keys.ESCAPE);
    browser.await("Escape clears the error", d -> !browser.find(".fb-error").isDisplayed());
    assertEquals("", input.getAttribute("value"));

    input.click();
    input.sendKeys("nonsense", Keys.ENTER);
    browser.awaitVisible(".fb-error");
    new Select(browser.find("#sort")).selectByValue("duration_desc");
    browser.await("another sort clears the error", d -> !browser.find(".fb-error").isDisplayed()
        && browser.hash().contains("sort=duration_desc"));
    assertEquals("", browser.find(".fb-input").getAttribute("value"));

    input = browser.find(".fb-input");
    input.click();
    input.sendKeys("nonsense", Keys.ENTER);
    browser.awaitVisible(".fb-error");
    new Select(browser.find("#time-range")).selectByValue("4h");
    browser.await("another range clears the error", d -> !browser.find(".fb-error").isDisplayed()
        && browser.hash().contains("period=4h"));
    assertEquals("", browser.find(".fb-input").getAttribute("value"));
  }

  @Test
  @Order(6)
  void timesFollowTheBrowsersLocaleEverywhere() {
    browser.open(listUrl(""));
    awaitList();
    String time = browser.find("#traces-table tbody tr .time-main").getText();
    assertTrue(time.matches("\\d{1,2}:\\d{2}:\\d{2}\\.\\d{3}\\h[AP]M"), "an en-US row shows a 12-hour time: " + time);
    assertTrue(chartLegendTime().matches(".*\\d{1,2}:\\d{2}\\h[AP]M"), chartLegendTime());
    String started = browserTraceStart();
    assertTrue(started.matches(".*\\d{1,2}:\\d{2}:\\d{2}\\.\\d{3}\\h[AP]M"), started);

    browser.locale("de-DE");
    try {
      browser.open(listUrl("sort=timestamp_asc")); // a page loaded anew, which the locale applies to
      awaitList();
      String de = browser.find("#traces-table tbody tr .time-main").getText();
      assertTrue(de.matches("\\d{1,2}:\\d{2}:\\d{2},\\d{3}"), "a de-DE row shows a 24-hour time: " + de);
      String legend = chartLegendTime();
      assertTrue(legend.matches(".*\\d{1,2}:\\d{2}") && !legend.matches(".*[AP]M.*"), legend);
      browser.screenshot("views-50-de-DE-list");
    } finally {
      browser.locale("en-US");
    }
  }

  /** The volume chart's legend time with the pointer over the middle of the chart. */
  static String chartLegendTime() {
    WebElement over = browser.awaitVisible(".chart-card[data-chart='volume'] .u-over");
    new Actions(browser.driver).moveToElement(over, 0, 0).perform();
    return browser.await("a time in the legend", d -> {
      String t = browser.find(".chart-card[data-chart='volume'] .u-legend .u-series:first-child .u-value").getText();
      return t.isEmpty() || t.equals("–") ? null : t;
    });
  }

  static String browserTraceStart() {
    browser.open(traceUrl(slowCheckout().id(), ""));
    return browser.awaitVisible(".trace-facts .fact:first-child dd").getText();
  }

  @Test
  @Order(7)
  void anInProgressTraceShowsItsServiceColourInTheHeader() {
    Sent running = shop.traces.stream().filter(Sent::inProgress).findFirst().orElseThrow();
    browser.open(traceUrl(running.id(), ""));
    browser.awaitVisible(".wf-row");
    String header = browser.find("#trace-service-dot").getCssValue("background-color");
    String chip = browser.find(".service-chip .wf-dot").getCssValue("background-color");
    assertEquals(chip, header, "the header's dot and the service chip of " + running.service());
    assertNotEquals("rgba(153, 153, 153, 1)", header);
  }

  @Test
  @Order(8)
  void onlyErrorsARetryCanFixOfferTryAgain() throws Exception {
    String message = apiGet("/v3/query/" + project.projectId() + "/traces/not-a-trace-id", 400).get("message").asString();
    browser.open(traceUrl("not-a-trace-id", ""));
    WebElement shown = browser.awaitVisible("#trace-error-message");
    assertEquals(message, shown.getText(), "the API's message");
    assertTrue(browser.all("#trace-retry").isEmpty(), "no retry for a malformed trace id");
    browser.screenshot("views-60-malformed-trace-id");

    String listMessage = apiGet("/v3/query/" + project.projectId() + "/traces?period=2h", 400).get("message").asString();
    browser.open(listUrl("period=2h"));
    assertEquals(listMessage, browser.awaitVisible("#list-error-message").getText());
    assertTrue(browser.all("#list-retry").isEmpty(), "no retry for a refused parameter");

    // The API out of reach: then a retry can help, and does once it answers again.
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Sent slow = slowCheckout();
    browser.open(listUrl(""));
    awaitList();
    browser.js("window.TRACING_CONFIG.apiBaseUrl = arguments[0]; window.location.hash = arguments[1]",
        "http://127.0.0.1:" + closed, "#/projects/" + project.projectId() + "/traces/" + slow.id());
    WebElement retry = browser.awaitVisible("#trace-retry");
    browser.screenshot("views-61-network-error");
    browser.js("window.TRACING_CONFIG.apiBaseUrl = ''");
    retry.click();
    browser.await("the trace after trying again", d -> browser.find("#trace-span-count").getText().equals("5"));
    browser.forgetConsole(); // the 400s and the refused connections asked for above
  }

  @Test
  @Order(9)
  void collapseAllClosesTheDrawerOfASpanItHides() {
    Sent slow = slowCheckout();
    browser.open(traceUrl(slow.id(), "span=" + slow.spanIds().get("Charge")));
    browser.awaitVisible("#span-drawer");
    browser.find("#collapse-all").click();
    browser.await("the drawer closes", d -> !browser.find("#span-drawer").isDisplayed() && !browser.hash().contains("span="));
    // the tree is drawn at the next frame: the folded rows are the root and PlaceOrder, each one of two
    browser.await("Charge folded away", d -> browser.all(".wf-row[data-span-id='" + slow.spanIds().get("Charge") + "']").isEmpty()
        && !browser.all(".wf-row[aria-setsize='2']").isEmpty());
  }

  @Test
  @Order(10)
  void theTimeRangeOffersTheLast30Days() {
    browser.open(listUrl(""));
    awaitList();
    Select range = new Select(browser.find("#time-range"));
    assertTrue(range.getOptions().stream().anyMatch(o -> o.getAttribute("value").equals("30d") && o.getText().equals("Last 30 days")),
        "a Last 30 days option");
    range.selectByValue("30d");
    browser.await("period=30d in the address", d -> browser.hash().contains("period=30d"));
    browser.await("the list answered", d -> !browser.all(".traces-screen[data-state='ready'], .results .state-error").isEmpty());
    browser.forgetConsole(); // a store without the 30-day period answers 400 here
  }

  /** A one-span request of a fresh trace. */
  static ExportTraceServiceRequest oneSpan() {
    var span = OtlpFixtures.span(OtlpFixtures.randomTraceId(), 7, 0, "limited op",
        OtlpFixtures.nanos(Instant.now().minusSeconds(5)), 1_000, false, OtlpFixtures.attr("padding", "p".repeat(200)));
    return OtlpFixtures.request(OtlpFixtures.service("limits"), span);
  }

  static int post(URI ingest, String secret, ExportTraceServiceRequest request) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(ingest).header("Content-Type", "application/x-protobuf")
        .header("PRIVATE-TOKEN", secret).POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * A project whose limit is exactly one request: after it, ingest answers 429 and the page says
   * so. The limit is per clock minute, so a run that crosses a minute is repeated (at most 3).
   */
  @Test
  @Order(11)
  void theUsageSaysWhenTheLimitRefusesIngest() throws Exception {
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      ExportTraceServiceRequest request = oneSpan();
      ProjectAdmin admin = stack.admin();
      Project limited = admin.createProject(8, "limited");
      admin.setLimit(limited.projectId(), request.getSerializedSize());
      String secret = admin.createToken(limited.projectId(), EnumSet.allOf(Scope.class), "limited", null).secret();
      URI ingest = URI.create(stack.ingestUrl(limited));
      long minute = Instant.now().getEpochSecond() / 60;
      try {
        // inside the retry: a new clock minute between the two requests resets the counter
        assertEquals(200, post(ingest, secret, request));
        assertEquals(429, post(ingest, secret, oneSpan()), "the next request is over the limit");
        signOut();
        browser.open(base + "#/projects/" + limited.projectId() + "/traces");
        browser.signIn(limited.projectId(), secret);
        WebElement banner = browser.awaitVisible("#usage-banner");
        String text = banner.getText();
        assertTrue(text.startsWith("Ingest limit reached.") && text.contains("429"), text);
        assertEquals("Ingest limit reached", browser.find("#usage-meter").getText());
        // the countdown to the minute's end ticks between reads of the usage
        String before = browser.find("#usage-banner .usage-reset").getText();
        browser.await("the countdown ticks", d -> !browser.find("#usage-banner .usage-reset").getText().equals(before));
        browser.screenshot("views-70-limit-reached");
        browser.viewport(360, 800);
        assertWithinViewport("the meter at 360 px", "#usage-meter");
        assertWithinViewport("the banner at 360 px", "#usage-banner");
        assertNoSidewaysScroll("limit banner at 360 px");
        browser.screenshot("views-71-limit-reached-360");
        return;
      } catch (AssertionError | RuntimeException e) {
        if (Instant.now().getEpochSecond() / 60 == minute) {
          throw e;
        }
        failures.add(e.toString());
      } finally {
        browser.viewport(1280, 860);
      }
    }
    throw new AssertionError("the clock minute changed during every attempt: " + failures);
  }
}
